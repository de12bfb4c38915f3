package naive

import (
	"github.com/gradcheck/gradcheck/backprop"
	"gonum.org/v1/gonum/blas"
)

// ForwardMode sets dst_i = ∂C/∂θ_i on b exactly, by one forward pass in
// dual numbers per parameter: every value v of the pass is carried as
// v + v̇ε with ε² = 0, θ_i's tangent is 1 and every other parameter's 0, and
// the tangent of the cost is ∂C/∂θ_i. The duals are stored as two matrices
// per layer, values and tangents:
//
//	Zˡ = Aˡ⁻¹Wˡᵀ + 1bˡᵀ,   Aˡ = f(Zˡ)
//	Żˡ = Ȧˡ⁻¹Wˡᵀ + S,      Ȧˡ = f′(Zˡ) ⊙ Żˡ
//
// where S is the seeded parameter's own term: Ẇˡ_jk = 1 adds aˡ⁻¹_k to
// column j of Żˡ, ḃˡ_j = 1 adds 1. The inputs are constants (Ȧ⁰ = 0). Each
// pass is the whole network: the tangents of the layers before the seeded
// parameter are zero and computed anyway, and the values are recomputed
// every time, which is what makes the method naive.
//
// It allocates dst if nil and returns it; it panics if len(dst) is not
// net.NumParams(). The network is not modified. The work is added to c.
func ForwardMode(dst []float64, net *backprop.Network, b backprop.Batch, c *Count) ([]float64, error) {
	sh := shapeOf(net)
	if err := sh.checkBatch(b); err != nil {
		return nil, err
	}
	dst = dstFor(dst, net)
	theta := net.ParamsTo(nil)
	p := newDualPass(sh, b)
	for _, blk := range sh.blocks {
		for r := range blk.Rows {
			for col := range blk.Cols {
				sd := seed{layer: blk.Layer, bias: blk.Group == backprop.Biases, row: r, col: col}
				dst[blk.Offset+r*blk.Cols+col] = p.derivative(theta, sd, b, c)
			}
		}
	}
	return dst, nil
}

// seed names the parameter whose tangent is 1: in layer `layer` (0-based),
// the bias of unit row, or the weight from input col to unit row.
type seed struct {
	layer    int
	bias     bool
	row, col int
}

// dualPass is a forward pass in dual numbers: pass's values plus their
// tangents zd, ad, one row per sample; xd is the inputs' zero tangent.
type dualPass struct {
	*pass
	xd     []float64
	zd, ad [][]float64
	dout   []backprop.Dual // one sample's dual outputs, for the loss
}

func newDualPass(s shape, b backprop.Batch) *dualPass {
	p := &dualPass{pass: newPass(s, b)}
	p.xd = make([]float64, len(p.x))
	for l := range s.layers() {
		p.zd = append(p.zd, make([]float64, len(p.z[l])))
		p.ad = append(p.ad, make([]float64, len(p.a[l])))
	}
	p.dout = make([]backprop.Dual, s.sizes[s.layers()])
	return p
}

// derivative runs one dual pass with θ_sd's tangent 1 and returns the
// tangent of the mean cost, Σ_s ė_s / B, summed in sample order.
func (p *dualPass) derivative(theta []float64, sd seed, b backprop.Batch, c *Count) float64 {
	var elementwise int64
	for l := range p.layers() {
		in, out := p.sizes[l], p.sizes[l+1]
		w, bias := p.params(theta, l)
		prev, prevD := p.input(l), p.xd
		if l > 0 {
			prevD = p.ad[l-1]
		}
		z, zd, a, ad := p.z[l], p.zd[l], p.a[l], p.ad[l]
		for i := range p.bs {
			copy(z[i*out:(i+1)*out], bias)
		}
		gemm(c, blas.NoTrans, blas.Trans, p.bs, out, in, prev, w, 1, z)
		gemm(c, blas.NoTrans, blas.Trans, p.bs, out, in, prevD, w, 0, zd)
		if l == sd.layer {
			for i := range p.bs {
				if sd.bias {
					zd[i*out+sd.row]++
				} else {
					zd[i*out+sd.row] += prev[i*in+sd.col]
				}
			}
		}
		f := p.acts[l]
		for i, v := range z {
			a[i] = float64(backprop.Activate(f, backprop.Real(v)))
			if f == backprop.Identity {
				ad[i] = zd[i] // f′ = 1: no multiplication
				continue
			}
			ad[i] = f.Deriv(v, a[i]) * zd[i]
			elementwise++
		}
	}
	if c != nil {
		c.Passes++
		c.MulAdds += elementwise
	}
	L := p.layers()
	out := p.sizes[L]
	var sum float64
	for i := range p.bs {
		_, y := b.Sample(i)
		for k := range p.dout {
			p.dout[k] = backprop.Dual{V: p.a[L-1][i*out+k], D: p.ad[L-1][i*out+k]}
		}
		sum += backprop.SampleError(p.loss, p.dout, y).D
	}
	return sum / float64(p.bs)
}
