package zoo

import (
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
)

// Gradient sets dst = ∂C/∂θ on b by the reference backward pass, with the
// model's bug, and returns the cost C, which is always the correct one. It
// returns an error for a batch the network cannot take, and for a bug that
// cannot run on the network's shapes (see [Mutant.New]).
//
// The pass is the chain rule of the backprop package documentation, one
// sample s, unit j and input i at a time (B samples, f′ the activation's
// derivative):
//
//	δᴸ[s][j]   = (1/B)·∂e_s/∂aᴸ_j · fᴸ′(zᴸ[s][j])
//	δˡ⁻¹[s][i] = Σ_j δˡ[s][j]·Wˡ[j][i] · fˡ⁻¹′(zˡ⁻¹[s][i])
//	∂C/∂Wˡ[j][i] = Σ_s δˡ[s][j]·aˡ⁻¹[s][i],   ∂C/∂bˡ[j] = Σ_s δˡ[s][j]
//
// where a⁰ is the input. Each bug changes one term; the comments name it.
func (m *model) Gradient(dst []float64, b backprop.Batch) (float64, error) {
	if len(dst) != m.net.NumParams() {
		panic(fmt.Sprintf("zoo: Gradient: len(dst) = %d, want %d", len(dst), m.net.NumParams()))
	}
	cfg := m.net.Config()
	if err := m.bug.check(cfg); err != nil {
		return 0, fmt.Errorf("zoo: mutant %s: %w", m.name, err)
	}
	// The network's forward pass leaves zˡ and aˡ for the backward pass to
	// read, and gives the correct cost.
	cost, err := m.net.Cost(b)
	if err != nil {
		return 0, err
	}
	L, B := m.net.NumLayers(), b.Len()
	z, a := make([][][]float64, L), make([][][]float64, L)
	for l := range L {
		z[l], a[l] = rows(m.net.PreActivation(l)), rows(m.net.Activation(l))
	}
	x, y := make([][]float64, B), make([][]float64, B)
	for s := range B {
		x[s], y[s] = b.Sample(s)
	}

	// deriv returns fˡ′ at sample s, unit j.
	deriv := func(l, s, j int) float64 {
		f := cfg.Activations[l]
		switch {
		case m.bug.at(noDeriv, l):
			return 1 // BUG: f′ left out, as if every layer were linear.
		case m.bug.at(derivAtOutput, l):
			// BUG: f′(aˡ) for f′(zˡ), i.e. f′(f(z)).
			fa := a[l][s][j]
			return f.Deriv(fa, float64(backprop.Activate(f, backprop.Real(fa))))
		}
		return f.Deriv(z[l][s][j], a[l][s][j])
	}

	delta := make([][][]float64, L)
	for l := range L {
		delta[l] = make([][]float64, B)
		for s := range B {
			delta[l][s] = make([]float64, cfg.Sizes[l+1])
		}
	}

	// The output layer.
	scale := 1 / float64(B)
	if m.bug.kind == sumBatch {
		scale = 1 // BUG: the sum over the batch, not the mean.
	}
	for s := range B {
		d := delta[L-1][s]
		m.bug.outputGrad(d, a[L-1][s], y[s], cfg.Loss)
		for j := range d {
			d[j] *= scale * deriv(L-1, s, j)
		}
	}

	// The hidden layers, right to left.
	for l := L - 1; l > 0; l-- {
		w, _ := m.net.Weights(l) // w[j][i], j an output of layer l
		for s := range B {
			for i := range delta[l-1][s] {
				var sum float64
				for j, dj := range delta[l][s] {
					if m.bug.at(transposed, l) {
						sum += dj * w[i][j] // BUG: Wˡᵀ (square Wˡ only).
					} else {
						sum += dj * w[j][i]
					}
				}
				delta[l-1][s][i] = sum * deriv(l-1, s, i)
			}
		}
	}

	// The gradient of each layer's weights and biases.
	layout := m.net.Layout()
	for l := range L {
		d := delta[l]
		if m.bug.at(wrongDelta, l) {
			d = delta[l+1] // BUG: the delta of the layer above.
		}
		in := x
		if l > 0 {
			in = a[l-1]
			if m.bug.at(preactInput, l) {
				in = z[l-1] // BUG: the input before its activation.
			}
		}
		sign := 1.0
		if m.bug.at(signFlip, l) {
			sign = -1 // BUG: the layer's gradient negated.
		}
		bw, bb := layout.Blocks[2*l], layout.Blocks[2*l+1]
		for j := range bw.Rows {
			for i := range bw.Cols {
				var sum float64
				for s := range B {
					sum += d[s][j] * in[s][i]
				}
				dst[bw.Offset+j*bw.Cols+i] = sign * sum
			}
		}
		for j := range bb.Rows {
			var sum float64
			for s := range B {
				sum += d[s][j]
			}
			if m.bug.at(noBiasGrad, l) {
				sum = 0 // BUG: the bias gradient never computed.
			}
			dst[bb.Offset+j] = sign * sum
		}
	}
	return cost, nil
}

// outputGrad sets g = ∂e/∂aᴸ for one sample with outputs a and targets y,
// with b's loss bug if it has one.
func (b bug) outputGrad(g, a, y []float64, loss backprop.Loss) {
	switch loss {
	case backprop.SquaredError:
		// e = Σ_k (a_k − y_k)², so ∂e/∂a_k = 2(a_k − y_k).
		two := 2.0
		if b.kind == noFactor2 {
			two = 1 // BUG: the 2 dropped, as if e had a ½.
		}
		for k := range a {
			g[k] = two * (a[k] - y[k])
		}
	case backprop.SoftmaxCrossEntropy:
		// e = −Σ_k y_k log p_k with p = softmax(a), so
		// ∂e/∂a_k = p_k·Σ_j y_j − y_k.
		p := softmax(a)
		if b.kind == noSoftmax {
			p = a // BUG: the logits taken for probabilities.
		}
		var sy float64
		for _, v := range y {
			sy += v
		}
		for k := range a {
			t := y[k]
			if b.kind == wrongClass {
				t = y[(k+1)%len(y)] // BUG: the target of the next class.
			}
			g[k] = p[k]*sy - t
		}
	default:
		panic(fmt.Sprintf("zoo: unknown loss %v", loss))
	}
}

// softmax returns p_k = e^{a_k − m} / Σ_j e^{a_j − m}, m = max_j a_j.
func softmax(a []float64) []float64 {
	m := a[0]
	for _, v := range a[1:] {
		m = math.Max(m, v)
	}
	p := make([]float64, len(a))
	var sum float64
	for k, v := range a {
		p[k] = math.Exp(v - m)
		sum += p[k]
	}
	for k := range p {
		p[k] /= sum
	}
	return p
}

// rows copies v into one slice per row.
func rows(v backprop.View) [][]float64 {
	r, _ := v.Dims()
	out := make([][]float64, r)
	for i := range out {
		out[i] = v.Row(nil, i)
	}
	return out
}
