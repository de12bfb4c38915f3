package naive

import (
	"errors"
	"fmt"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Count is the work a method did, accumulated over calls (see the package
// documentation for what is counted). A nil *Count counts nothing.
type Count struct {
	// MulAdds is the number of real multiplications, each with the addition
	// it feeds if any.
	MulAdds int64
	// Passes is the number of forward passes over the whole batch, in float64
	// or in dual numbers: the evaluations of the cost.
	Passes int64
	// Paths is the number of path products summed by [PathEnumeration],
	// counted once per sample.
	Paths int64
}

// Add adds o to c.
func (c *Count) Add(o Count) {
	if c == nil {
		return
	}
	c.MulAdds += o.MulAdds
	c.Passes += o.Passes
	c.Paths += o.Paths
}

// Settings configures the methods. A nil *Settings means every default; a
// zero field means that field's default.
type Settings struct {
	// Formula is the finite-difference scheme of [FiniteDifferences]
	// (default numgrad.Central).
	Formula numgrad.Formula
	// Step overrides the formula's relative step.
	Step float64
	// MaxPaths is the largest number of path products, over all samples,
	// that [PathEnumeration] accepts to sum (default [DefaultMaxPaths]).
	MaxPaths int64
}

// DefaultMaxPaths bounds [PathEnumeration]'s work when Settings.MaxPaths is
// zero: 10⁸ path products take seconds, not hours.
const DefaultMaxPaths = 100_000_000

// shape is what every method reads from a network: its sizes n_0…n_L, its
// activations, its loss, and where each layer's weights and biases sit in θ.
type shape struct {
	sizes  []int
	acts   []backprop.Activation
	loss   backprop.Loss
	blocks []backprop.Block
}

func shapeOf(net *backprop.Network) shape {
	c := net.Config()
	return shape{sizes: c.Sizes, acts: c.Activations, loss: c.Loss, blocks: net.Layout().Blocks}
}

// layers returns L, the number of weight layers.
func (s shape) layers() int { return len(s.sizes) - 1 }

// params returns layer l's weights (n_{l+1}×n_l, row-major) and biases as
// views of theta (0-based l).
func (s shape) params(theta []float64, l int) (w, b []float64) {
	bw, bb := s.blocks[2*l], s.blocks[2*l+1]
	return theta[bw.Offset : bw.Offset+bw.Len()], theta[bb.Offset : bb.Offset+bb.Len()]
}

// checkBatch returns an error if b cannot be fed to a network of shape s.
// The checks are backprop's, so that every method refuses what
// Network.Gradient refuses, with the same words.
func (s shape) checkBatch(b backprop.Batch) error {
	if b.Data == nil || b.Len() == 0 {
		return errors.New("naive: empty batch")
	}
	in, out := s.sizes[0], s.sizes[s.layers()]
	if b.Data.In != in || b.Data.Out != out {
		return fmt.Errorf("naive: data has %d inputs and %d targets per sample, the network takes %d and gives %d", b.Data.In, b.Data.Out, in, out)
	}
	for _, r := range b.Rows {
		if r < 0 || r >= b.Data.N {
			return fmt.Errorf("naive: batch row %d out of range [0, %d)", r, b.Data.N)
		}
	}
	return nil
}

// pass holds the buffers of one float64 forward pass over a batch:
// x is the gathered inputs (bs×n_0), z[l] and a[l] layer l's
// pre-activations and activations (bs×n_{l+1}), one row per sample.
type pass struct {
	shape
	bs   int
	x    []float64
	z, a [][]float64
	out  []backprop.Real // one sample's outputs, for the loss
}

func newPass(s shape, b backprop.Batch) *pass {
	p := &pass{shape: s, bs: b.Len(), out: make([]backprop.Real, s.sizes[s.layers()])}
	p.x = make([]float64, p.bs*s.sizes[0])
	for i := range p.bs {
		x, _ := b.Sample(i)
		copy(p.x[i*s.sizes[0]:], x)
	}
	for l := range s.layers() {
		p.z = append(p.z, make([]float64, p.bs*s.sizes[l+1]))
		p.a = append(p.a, make([]float64, p.bs*s.sizes[l+1]))
	}
	return p
}

// input returns the activations that feed layer l: the inputs for l = 0.
func (p *pass) input(l int) []float64 {
	if l == 0 {
		return p.x
	}
	return p.a[l-1]
}

// forward computes Zˡ = Aˡ⁻¹Wˡᵀ + 1bˡᵀ and Aˡ = f(Zˡ) for every layer with
// parameters theta: the same products, in the same order, as
// backprop.Network's forward pass, so the values agree bit for bit.
func (p *pass) forward(theta []float64, c *Count) {
	for l := range p.layers() {
		in, out := p.sizes[l], p.sizes[l+1]
		w, bias := p.params(theta, l)
		z := p.z[l]
		for i := range p.bs {
			copy(z[i*out:(i+1)*out], bias)
		}
		gemm(c, blas.NoTrans, blas.Trans, p.bs, out, in, p.input(l), w, 1, z)
		for i, v := range z {
			p.a[l][i] = float64(backprop.Activate(p.acts[l], backprop.Real(v)))
		}
	}
	if c != nil {
		c.Passes++
	}
}

// cost returns the mean error of the last forward pass over b's samples,
// summed in batch order as backprop does.
func (p *pass) cost(b backprop.Batch) float64 {
	L := p.layers()
	out := p.sizes[L]
	var s float64
	for i := range p.bs {
		_, y := b.Sample(i)
		for k, v := range p.a[L-1][i*out : (i+1)*out] {
			p.out[k] = backprop.Real(v)
		}
		s += float64(backprop.SampleError(p.loss, p.out, y))
	}
	return s / float64(p.bs)
}

// gemm sets C = op(A)·op(B) + beta·C for C m×n and an inner dimension k, and
// counts the m·n·k multiply-adds that such a product performs.
func gemm(cnt *Count, tA, tB blas.Transpose, m, n, k int, a, b []float64, beta float64, c []float64) {
	ga := blas64.General{Rows: m, Cols: k, Stride: k, Data: a}
	if tA == blas.Trans {
		ga = blas64.General{Rows: k, Cols: m, Stride: m, Data: a}
	}
	gb := blas64.General{Rows: k, Cols: n, Stride: n, Data: b}
	if tB == blas.Trans {
		gb = blas64.General{Rows: n, Cols: k, Stride: k, Data: b}
	}
	blas64.Gemm(tA, tB, 1, ga, gb, beta, blas64.General{Rows: m, Cols: n, Stride: n, Data: c})
	if cnt != nil {
		cnt.MulAdds += int64(m) * int64(n) * int64(k)
	}
}

// outputGrad returns ∂e/∂aᴸ_k for sample i of the last forward pass, one
// exact dual-number evaluation of the loss per output (backprop.SampleError
// is the one definition of each loss). Loss evaluations are not counted.
func (p *pass) outputGrad(dst []float64, b backprop.Batch, i int) {
	L := p.layers()
	out := p.sizes[L]
	_, y := b.Sample(i)
	a := make([]backprop.Dual, out)
	for k, v := range p.a[L-1][i*out : (i+1)*out] {
		a[k] = backprop.Dual{V: v}
	}
	for k := range a {
		a[k].D = 1
		dst[k] = backprop.SampleError(p.loss, a, y).D
		a[k].D = 0
	}
}
