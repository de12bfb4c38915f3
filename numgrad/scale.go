package numgrad

import (
	"math"

	"github.com/gradcheck/gradcheck/backprop"
)

// termScale returns, for every parameter of net, the magnitude of the terms
// that backpropagation sums into that component of the gradient on b: the
// backward pass of backprop's doc with every quantity replaced by its
// absolute value,
//
//	δ̃ᴸ = (1/B) |∂e/∂aᴸ|~ ⊙ |fᴸ′(zᴸ)|,  |∂e/∂a_j|~ = 2(|a_j| + |y_j|) (squared error),
//	                                              p_j·Σ_k|y_k| + |y_j| (softmax cross-entropy),
//	δ̃ˡ⁻¹ = (|Wˡ|ᵀ δ̃ˡ) ⊙ |fˡ⁻¹′(zˡ⁻¹)|,
//	M(Wˡ) = Σ_samples δ̃ˡ |aˡ⁻¹|ᵀ,  M(bˡ) = Σ_samples δ̃ˡ,
//
// and the number K of roundings along the longest chain of them. Every
// rounding of the analytic gradient, or of an exact reference that
// computes the same function, is a relative error of at most u = 2⁻⁵³ in
// one of these terms, so that either errs by at most γ_K·M_i (Higham's γ_n =
// n·u/(1 − n·u)), to first order. Where the terms are far larger than the
// component, the difference of large terms that nearly cancel (a confident
// softmax's p·Σy − y behind weights of 10⁴), that bound is far above the
// allowance eps·max(‖g‖∞, 1) that assumes terms of order one, and it is
// the right one.
//
// It runs net's forward and backward pass on b, so that net's buffers hold
// them afterwards; give it a network whose buffers nobody else reads.
func termScale(c *backprop.Network, b backprop.Batch) (scale []float64, chain int, err error) {
	if _, err := c.Gradient(make([]float64, c.NumParams()), b); err != nil {
		return nil, 0, err
	}
	cfg := c.Config()
	L := c.NumLayers()
	B := b.Len()
	scale = make([]float64, c.NumParams())
	layout := c.Layout()

	// δ̃ of the output layer.
	out := cfg.Sizes[L]
	d := make([]float64, B*out)
	aL, zL := c.Activation(L-1), c.PreActivation(L-1)
	p := make([]float64, out)
	for s := range B {
		_, y := b.Sample(s)
		a := aL.Row(nil, s)
		switch cfg.Loss {
		case backprop.SoftmaxCrossEntropy:
			softmax(p, a)
			sy := 0.0
			for _, v := range y {
				sy += math.Abs(v)
			}
			for j := range out {
				d[s*out+j] = p[j]*sy + math.Abs(y[j])
			}
		default:
			for j := range out {
				d[s*out+j] = 2 * (math.Abs(a[j]) + math.Abs(y[j]))
			}
		}
		for j := range out {
			d[s*out+j] *= math.Abs(cfg.Activations[L-1].Deriv(zL.At(s, j), a[j])) / float64(B)
		}
	}
	chain = B + 8 // the sum over samples, the loss's few operations
	for l := L - 1; l >= 0; l-- {
		in, outL := cfg.Sizes[l], cfg.Sizes[l+1]
		chain += outL + 3 // δ's sum over the next layer, f′ and the products
		w, _ := c.Weights(l)
		var prev backprop.View
		if l > 0 {
			prev = c.Activation(l - 1)
		}
		wb, bb := layout.Blocks[2*l], layout.Blocks[2*l+1]
		for s := range B {
			var x []float64
			if l > 0 {
				x = prev.Row(nil, s)
			} else {
				x, _ = b.Sample(s)
			}
			for j := range outL {
				dj := d[s*outL+j]
				scale[bb.Offset+j] += dj
				row := scale[wb.Offset+j*in : wb.Offset+(j+1)*in]
				for i, xi := range x {
					row[i] += dj * math.Abs(xi)
				}
			}
		}
		if l == 0 {
			break
		}
		z, a := c.PreActivation(l-1), c.Activation(l-1)
		next := make([]float64, B*in)
		for s := range B {
			for i := range in {
				var t float64
				for j := range outL {
					t += math.Abs(w[j][i]) * d[s*outL+j]
				}
				next[s*in+i] = t * math.Abs(cfg.Activations[l-1].Deriv(z.At(s, i), a.At(s, i)))
			}
		}
		d = next
	}
	return scale, chain, nil
}

// softmax sets p = softmax(a).
func softmax(p, a []float64) {
	m := math.Inf(-1)
	for _, v := range a {
		m = math.Max(m, v)
	}
	var s float64
	for j, v := range a {
		p[j] = math.Exp(v - m)
		s += p[j]
	}
	for j := range p {
		p[j] /= s
	}
}

// gammaN returns Higham's γ_n = n·u/(1 − n·u) for u = eps.
func gammaN(n int, eps float64) float64 {
	nu := float64(n) * eps
	if nu >= 1 {
		return math.Inf(1)
	}
	return nu / (1 - nu)
}
