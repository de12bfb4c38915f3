package vector

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"sync"
	"unsafe"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
)

// Function is a vector-valued function F: ℝⁿ → ℝᵐ of named inputs packed
// in one vector x, with named outputs packed in one vector y = F(x): the
// object whose derivatives the checks of this package judge. F is
// required; the rest are aids, used where they are set.
type Function struct {
	// In and Out say what the entries of x and of F(x) are: layouts of
	// named blocks (backprop.NamedLayout: "x" 3×5, "gamma" 5, …), or any
	// layout (a network's, for the gradient of an HVP check). A nil Blocks
	// is one flat block named "x" (inputs) or "y" (outputs) of the length
	// N or M.
	In, Out backprop.Layout
	// N and M are n and m; they may be left 0 when In and Out have blocks.
	N, M int
	// F sets dst = F(x), len(dst) = m. It must not modify or keep x. An
	// error stops the check and is returned; NaN or ±Inf is a value, which
	// the check flags and fails.
	F func(dst, x []float64) error
	// Piece, if not nil, appends to dst the signature of the smooth piece
	// of F that the last call of F lay on (see numgrad.Piecewise; a
	// numgrad.Signs recorder makes one): every sign of a quantity at which
	// F has a kink (a ReLU's input, the a − b of a max(a, b)).
	Piece func(dst []byte) []byte
	// Complex and Dual, if not nil, evaluate F's extension to complex and
	// dual arguments (F written once over backprop.Scalar gives both):
	// exact references, for numgrad.MethodComplex and MethodDual and to
	// settle what finite differences cannot.
	Complex func(dst, x []backprop.Complex) error
	Dual    func(dst, x []backprop.Dual) error
	// Bounded, if not nil, evaluates F over runerr.Value (the same pass
	// written over backprop.Scalar gives it too): the dual reference with
	// a running bound on its rounding, which numgrad uses in place of Dual
	// (see numgrad.Problem.Bounded). A sub-check declares no term scale,
	// so without it the rounding of an exact reference is only assumed,
	// and a reference that cancels in its own order of evaluation (a
	// confident softmax) decides nothing.
	Bounded func(dst, x []runerr.Value) error
}

// dims checks fn and returns its input and output layouts, with the flat
// defaults filled in, and their lengths. It panics on a programming error:
// a nil F, or a layout that contradicts N or M.
func (fn *Function) dims() (in, out backprop.Layout, n, m int) {
	if fn == nil || fn.F == nil {
		panic("numgrad/vector: nil function")
	}
	in, n = flat(fn.In, fn.N, "x", "In", "N")
	out, m = flat(fn.Out, fn.M, "y", "Out", "M")
	return in, out, n, m
}

// flat returns l, or one named block called name of length k where l has
// none, and its length.
func flat(l backprop.Layout, k int, name, field, size string) (backprop.Layout, int) {
	if l.Blocks == nil {
		if k <= 0 {
			panic(fmt.Sprintf("numgrad/vector: Function.%s has no blocks and %s = %d", field, size, k))
		}
		return backprop.NamedLayout(backprop.NamedBlock(name, k)), k
	}
	if err := l.Validate(l.Len()); err != nil {
		panic(fmt.Sprintf("numgrad/vector: Function.%s: %v", field, err))
	}
	if k != 0 && k != l.Len() {
		panic(fmt.Sprintf("numgrad/vector: Function.%s covers %d entries, %s = %d", field, l.Len(), size, k))
	}
	return l, l.Len()
}

// cache evaluates a function of a vector of T once per distinct point: the
// sub-checks of one check (an output's line, a direction dy, a row of the
// Jacobian) evaluate F at the same points — x ± h·e_i, the noise samples —
// and share one evaluation of each. A point is keyed by the SHA-256 of
// its bits (key, where set, gives the bits that identify it), so −0 and +0
// are two points, and a collision is not a practical event. F's own calls are serial: it need not be safe for
// concurrent use. The signature of the piece F lay on at a point is kept
// with its value.
type cache[T any] struct {
	f     func(dst, x []T) error
	key   func(x []T) [32]byte
	m     int
	piece func([]byte) []byte
	mu    sync.Mutex
	vals  map[[32]byte]*point[T]
	last  []byte // the signature of the point last returned
	calls int    // evaluations of f made
}

type point[T any] struct {
	y   []T
	sig []byte
	err error
}

func newCache[T any](f func(dst, x []T) error, m int, piece func([]byte) []byte) *cache[T] {
	if f == nil {
		return nil
	}
	return &cache[T]{f: f, m: m, piece: piece, vals: make(map[[32]byte]*point[T])}
}

// at returns F at x, computed once.
func (c *cache[T]) at(x []T) ([]T, error) {
	var key [32]byte
	if c.key != nil {
		key = c.key(x)
	} else {
		var zero T
		key = sha256.Sum256(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(x))), len(x)*int(unsafe.Sizeof(zero))))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.vals[key]
	if !ok {
		p = &point[T]{y: make([]T, c.m)}
		p.err = c.f(p.y, x)
		if c.piece != nil {
			p.sig = c.piece(nil)
		}
		c.vals[key] = p
		c.calls++
	}
	c.last = p.sig
	return p.y, p.err
}

// pieceOf appends the signature of the point last returned by at.
func (c *cache[T]) pieceOf(dst []byte) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append(dst, c.last...)
}

// caches holds a function's caches: float64 and its extensions.
type caches struct {
	f *cache[float64]
	c *cache[backprop.Complex]
	d *cache[backprop.Dual]
	b *cache[runerr.Value]
}

func newCaches(fn *Function, m int) *caches {
	ca := &caches{f: newCache(fn.F, m, fn.Piece), c: newCache(fn.Complex, m, nil), d: newCache(fn.Dual, m, nil), b: newCache(fn.Bounded, m, nil)}
	if ca.b != nil {
		ca.b.key = valueKey
	}
	return ca
}

// valueKey identifies a point of Values by their numbers alone: value,
// derivative, magnitudes and bounds, not the record of the evaluation
// that each carries (runerr.Seed makes a new one per evaluation), so that
// sub-checks share F's evaluation at the same point as they do for the
// other types. The outputs of a shared evaluation carry the record of the
// first; the same inputs make the same operations, so its record is the
// one the later evaluation would have made.
func valueKey(x []runerr.Value) [32]byte {
	h := sha256.New()
	var b [48]byte
	for _, v := range x {
		for k, f := range [6]float64{v.V, v.D, v.MV, v.MD, v.EV, v.ED} {
			binary.LittleEndian.PutUint64(b[8*k:], math.Float64bits(f))
		}
		h.Write(b[:])
	}
	var key [32]byte
	h.Sum(key[:0])
	return key
}
