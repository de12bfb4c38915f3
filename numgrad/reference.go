package numgrad

import (
	"fmt"
	"math"
	"sync"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
)

// A Reference computes partial derivatives without finite-difference
// error, from an extension of f to another number type: the complex step
// or forward-mode dual numbers. Its result is exact up to the rounding of
// f's own arithmetic, so a check against it needs no step and no
// truncation allowance (see the package documentation).
type Reference interface {
	// Partial returns ∂f/∂x_i at x and f(x). x is not modified. It must be
	// safe for concurrent use when a check runs concurrently.
	Partial(x []float64, i int) (d, fx float64, err error)
	// Name names the method in reports: "complex" or "dual".
	Name() string
}

// ComplexStepH is the imaginary step of [ComplexStep], 2⁻²⁰⁰ ≈ 6e-61. The
// complex step has no subtraction, so h can be tiny, and it must be: its
// truncation error is h²|f‴|/6 relative to f′ only where f's inner
// multipliers are of order one; a weight κ puts κ·h into the imaginary
// part of the pre-activations behind it, and the error becomes (κh)²
// (a weight of 4.6e15 with h = 1e-20 made it 2.8e-9 relative, beyond the
// reference's bound: FuzzGradient's regress-saturation-below-the-steps).
// The price of a small h is at the other end: Im f = h·∂f is subnormal
// for |∂f| below 2⁻¹⁰²²/h ≈ 4e-248, where each rounding of the imaginary
// part errs by up to 2⁻¹⁰⁷⁴ absolute, 2⁻¹⁰⁷⁴/h ≈ 8e-264 in the derivative
// (the checker's bound of a complex-step reference allows it, see
// underflowUnit), and a later product with a large value magnifies what
// was lost (at h = 2⁻⁵⁰⁰ a derivative of 3e-171 behind a cost of 1e253
// came out 0: FuzzGradient's regress-complex-underflow). 2⁻²⁰⁰ keeps
// (κh)² below 2⁻¹⁰⁰ for κ up to 2¹⁵⁰ and the imaginary parts normal for
// derivatives down to 2⁻⁸²²; a power of two, so that Im f/h is exact.
// Where the dynamic range is wider than that (that case: a weight of
// 1e-297 behind a residual of 1e126), the complex step is not to be
// trusted, and dual numbers are (the checker's arbiter asks them first).
const ComplexStepH = 0x1p-200

// ComplexStep returns the complex-step reference of f, which must be the
// analytic (holomorphic) extension of a real function to complex arguments:
//
//	∂f/∂x_i = Im f(x + i·h·e_i)/h,  h = ComplexStepH.
//
// Functions that branch (ReLU, max, abs) must decide the branch on the real
// part, as backprop's activations do; the derivative is then the one of
// the branch the real computation takes.
func ComplexStep(f func([]backprop.Complex) (backprop.Complex, error)) Reference {
	return &scalarRef[backprop.Complex]{name: "complex", f: f, unit: 0x1p-1074 / ComplexStepH,
		seed: func(v float64) backprop.Complex { return backprop.Complex(complex(v, ComplexStepH)) },
		read: func(y backprop.Complex) (float64, float64) {
			return imag(complex128(y)) / ComplexStepH, real(complex128(y))
		},
	}
}

// DualNumbers returns the forward-mode reference of f over dual numbers
// v + d·ε (ε² = 0): ∂f/∂x_i is the ε part of f(x + ε·e_i). Branches are
// decided on the value, as for [ComplexStep].
func DualNumbers(f func([]backprop.Dual) (backprop.Dual, error)) Reference {
	return &scalarRef[backprop.Dual]{name: "dual", f: f, unit: 0x1p-1074,
		seed: func(v float64) backprop.Dual { return backprop.Dual{V: v, D: 1} },
		read: func(y backprop.Dual) (float64, float64) { return y.D, y.V },
	}
}

// NetworkComplexStep returns the complex-step reference of net's cost on b,
// through backprop.CostAt over backprop.Complex: the same forward pass, in
// complex arithmetic. net's parameters are not used or changed: x is the
// parameter vector.
func NetworkComplexStep(net *backprop.Network, b backprop.Batch) Reference {
	return ComplexStep(func(theta []backprop.Complex) (backprop.Complex, error) { return backprop.CostAt(net, theta, b) })
}

// NetworkDual returns the dual-number reference of net's cost on b, through
// backprop.CostAt over backprop.Dual.
func NetworkDual(net *backprop.Network, b backprop.Batch) Reference {
	return DualNumbers(func(theta []backprop.Dual) (backprop.Dual, error) { return backprop.CostAt(net, theta, b) })
}

// ReferenceGradient sets dst to the gradient that r gives at x, one
// component at a time (allocating dst if nil), and returns it.
func ReferenceGradient(dst []float64, r Reference, x []float64, s *Settings) ([]float64, error) {
	if dst == nil {
		dst = make([]float64, len(x))
	}
	if len(dst) != len(x) {
		panic(fmt.Sprintf("numgrad: ReferenceGradient: len(dst) = %d, len(x) = %d", len(dst), len(x)))
	}
	var mu sync.Mutex
	var first error
	parallel(len(x), s.concurrent(), func() func(int) {
		return func(i int) {
			d, _, err := r.Partial(x, i)
			dst[i] = d
			if err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		}
	})
	return dst, first
}

// scalarRef is a Reference over the element type T: x is lifted to T, the
// i-th component seeded, f evaluated and the derivative read off.
type scalarRef[T backprop.Scalar[T]] struct {
	name string
	f    func([]T) (T, error)
	seed func(float64) T
	read func(T) (d, fx float64)
	// unit is the error in the derivative read off of one rounding below
	// the smallest normal number in the derivative's carrier.
	unit float64
	pool sync.Pool // *[]T buffers
}

func (r *scalarRef[T]) Name() string { return r.name }

func (r *scalarRef[T]) underflowUnit() float64 { return r.unit }

// underflowUnit returns the error in r's derivative of one rounding below
// the smallest normal number: 2⁻¹⁰⁷⁴ where the derivative is carried as
// itself (dual numbers), 2⁻¹⁰⁷⁴/h where it is carried as h·∂f (the
// complex step). A Reference of the caller's own is taken to carry the
// derivative as itself.
func underflowUnit(r Reference) float64 {
	if u, ok := r.(interface{ underflowUnit() float64 }); ok {
		return u.underflowUnit()
	}
	return 0x1p-1074
}

func (r *scalarRef[T]) Partial(x []float64, i int) (float64, float64, error) {
	if i < 0 || i >= len(x) {
		panic(fmt.Sprintf("numgrad: Partial: index %d out of range [0, %d)", i, len(x)))
	}
	bp, _ := r.pool.Get().(*[]T)
	if bp == nil || len(*bp) != len(x) {
		b := make([]T, len(x))
		bp = &b
	}
	buf := *bp
	var zero T
	for k, v := range x {
		buf[k] = zero.Const(v)
	}
	buf[i] = r.seed(x[i])
	y, err := r.f(buf)
	r.pool.Put(bp)
	if err != nil {
		return 0, 0, err
	}
	d, fx := r.read(y)
	return d, fx, nil
}

// boundedRef is the dual-number reference over runerr.Value
// (Problem.Bounded): ∂f/∂x_i is the ε part of f(x + ε·e_i), bit for bit
// what [DualNumbers] gives for the same code over backprop.Dual, and the
// evaluation bounds its rounding besides (partialBound). It carries the
// derivative as itself, so its underflowUnit is 2⁻¹⁰⁷⁴.
type boundedRef struct {
	f    func([]runerr.Value) (runerr.Value, error)
	pool sync.Pool // *[]runerr.Value buffers
}

func (r *boundedRef) Name() string { return "dual" }

func (r *boundedRef) Partial(x []float64, i int) (float64, float64, error) {
	d, _, fx, err := r.partialBound(x, i)
	return d, fx, err
}

// partialBound returns ∂f/∂x_i at x, the bound on its rounding, and f(x).
// The bound is NaN where runerr does not trust it (runerr.Value.Trusted)
// or it is not finite.
func (r *boundedRef) partialBound(x []float64, i int) (d, errD, fx float64, err error) {
	if i < 0 || i >= len(x) {
		panic(fmt.Sprintf("numgrad: Partial: index %d out of range [0, %d)", i, len(x)))
	}
	bp, _ := r.pool.Get().(*[]runerr.Value)
	if bp == nil {
		bp = new([]runerr.Value)
	}
	*bp = runerr.Seed(*bp, x, i)
	y, err := r.f(*bp)
	r.pool.Put(bp)
	if err != nil {
		return 0, 0, 0, err
	}
	fx, d, _, errD = y.Bounds()
	if !y.Trusted() || !finite(errD) {
		errD = math.NaN()
	}
	return d, errD, fx, nil
}
