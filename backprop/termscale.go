package backprop

import (
	"fmt"
	"math"
)

// TermScale sets dst[i] to the magnitude M_i of the terms that
// backpropagation sums into component i of the gradient on b, at the
// network's parameters, and returns the number K of roundings along the
// longest chain of them: the backward pass of the package documentation
// with every quantity replaced by its absolute value,
//
//	δ̃ᴸ = (1/B) |∂e/∂aᴸ|~ ⊙ |fᴸ′(zᴸ)|,  |∂e/∂a_j|~ = 2(|a_j| + |y_j|) (squared error),
//	                                              p_j·Σ_k|y_k| + |y_j| (softmax cross-entropy),
//	δ̃ˡ⁻¹ = (|Wˡ|ᵀ δ̃ˡ) ⊙ |fˡ⁻¹′(zˡ⁻¹)|,
//	M(Wˡ) = Σ_samples δ̃ˡ |aˡ⁻¹|ᵀ,  M(bˡ) = Σ_samples δ̃ˡ.
//
// Every rounding of the gradient, or of another evaluation of the same
// function in another order or precision (an exact reference, another
// framework's float32 backward pass), is a relative error of at most u in
// one of these terms, so either errs by at most γ_K·M_i (Higham's
// γ_n = n·u/(1 − n·u)), to first order. Where the terms are far larger
// than the component, the small difference of large terms that nearly
// cancel (a confident softmax's p·Σy − y behind weights of 10⁴), that bound
// is far above eps·|g_i|, and it is the right one.
//
// It runs the forward and backward pass on b, so that the network's
// buffers hold them afterwards. It allocates dst if nil and returns it; it
// panics if dst has another length than NumParams.
func (n *Network) TermScale(dst []float64, b Batch) ([]float64, int, error) {
	if dst == nil {
		dst = make([]float64, n.NumParams())
	}
	if len(dst) != n.NumParams() {
		panic(fmt.Sprintf("backprop: TermScale: len(dst) = %d, want %d", len(dst), n.NumParams()))
	}
	g := make([]float64, n.NumParams())
	if _, err := n.Gradient(g, b); err != nil {
		return nil, 0, err
	}
	clear(dst)
	cfg := n.cfg
	L := n.NumLayers()
	B := b.Len()

	// δ̃ of the output layer.
	out := cfg.Sizes[L]
	d := make([]float64, B*out)
	aL, zL := n.Activation(L-1), n.PreActivation(L-1)
	p := make([]float64, out)
	for s := range B {
		_, y := b.Sample(s)
		a := aL.Row(nil, s)
		switch cfg.Loss {
		case SoftmaxCrossEntropy:
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
	chain := B + 8 // the sum over samples, the loss's few operations
	for l := L - 1; l >= 0; l-- {
		in, outL := cfg.Sizes[l], cfg.Sizes[l+1]
		chain += outL + 3 // δ's sum over the next layer, f′ and the products
		w, _ := n.weights(n.params, l)
		wb, bb := n.layout.Blocks[2*l], n.layout.Blocks[2*l+1]
		var prev View
		if l > 0 {
			prev = n.Activation(l - 1)
		}
		x := make([]float64, in)
		for s := range B {
			if l > 0 {
				x = prev.Row(x, s)
			} else {
				xs, _ := b.Sample(s)
				copy(x, xs)
			}
			for j := range outL {
				dj := d[s*outL+j]
				dst[bb.Offset+j] += dj
				row := dst[wb.Offset+j*in : wb.Offset+(j+1)*in]
				for i, xi := range x {
					row[i] += dj * math.Abs(xi)
				}
			}
		}
		if l == 0 {
			break
		}
		z, a := n.PreActivation(l-1), n.Activation(l-1)
		next := make([]float64, B*in)
		for s := range B {
			for i := range in {
				var t float64
				for j := range outL {
					t += math.Abs(w[j*in+i]) * d[s*outL+j]
				}
				next[s*in+i] = t * math.Abs(cfg.Activations[l-1].Deriv(z.At(s, i), a.At(s, i)))
			}
		}
		d = next
	}
	return dst, chain, nil
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
