package backprop

import (
	"fmt"
	"math"
)

// TermScale sets dst[i] to the magnitude M_i of the terms that
// backpropagation sums into component i of the gradient on b, at the
// network's parameters, and returns the number K of roundings along the
// longest chain of them, such that a correct evaluation of the gradient in
// unit roundoff u — backprop's, an exact reference's, another framework's
// in another order or precision — errs by at most γ_K·M_i (Higham's
// γ_n = n·u/(1 − n·u)), to first order. It allocates dst if nil and
// returns it; it panics if dst has another length than NumParams.
//
// # The terms
//
// The backward pass of the package documentation with every quantity
// replaced by its absolute value,
//
//	δ̃ᴸ = (1/B) |∂e/∂aᴸ|~ ⊙ |fᴸ′(zᴸ)|,  |∂e/∂a_j|~ = 2(|a_j| + |y_j|) (squared error),
//	                                              p_j·Σ_k|y_k| + |y_j| (softmax cross-entropy),
//	δ̃ˡ⁻¹ = (|Wˡ|ᵀ δ̃ˡ) ⊙ |fˡ⁻¹′(zˡ⁻¹)|,
//	M(Wˡ) = Σ_samples δ̃ˡ |aˡ⁻¹|ᵀ,  M(bˡ) = Σ_samples δ̃ˡ,
//
// bounds the rounding of the backward pass itself: each rounding is a
// relative error of at most u in one of these terms. Where the terms are
// far larger than the component (a confident softmax's p·Σy − y behind
// weights of 10⁴), that bound is far above u·|g_i|, and it is the right one.
//
// # The forward pass's rounding
//
// The backward pass also inherits the forward pass's errors: a pre-
// activation that is the small difference of large terms (a bias solved
// to put z near 0) is known only to u·(Σ|W||a| + |b|), and so is every
// activation, output and loss derivative computed from it. In units of u,
//
//	E(zˡ) = (n_{l−1} + 1)·(|Wˡ||aˡ⁻¹| + |bˡ|) + |Wˡ| E(aˡ⁻¹),   E(aˡ) = |fˡ′(zˡ)| E(zˡ) + 4|aˡ|,
//
// (with the Lipschitz constant 1 for |f′| of ReLU and leaky ReLU, whose
// pre-activation's error may carry it across the kink; for the same
// reason δ̃ passes a kinked unit whose z is within float32's rounding of
// the kink with slope 1, the larger piece's), the output's errors perturb ∂e/∂aᴸ (2E(aᴸ) for the squared error;
// Σ|y|·p_j·Σ_{k≠j} p_k(E(a_j) + E(a_k)) for the softmax cross-entropy), the
// pre-activations' errors perturb every f′(z) by |f″(z)|·E(z), and the
// activations' errors every product δ aᵀ. Those perturbations travel
// through the same absolute backward pass into an extra magnitude X_i per
// component; M_i returned is M_i + X_i/K, so that γ_K·M_i covers both.
//
// It runs the forward and backward pass on b, so that the network's
// buffers hold them afterwards.
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
	extra := make([]float64, n.NumParams()) // X_i, in units of u

	// The forward errors E(z), E(a) per layer, B×n_l each.
	ez, ea := n.forwardErrors(b)
	input := func(s int) []float64 { x, _ := b.Sample(s); return x }

	// δ̃ and its inherited error D of the output layer.
	out := cfg.Sizes[L]
	d, dd := make([]float64, B*out), make([]float64, B*out)
	aL, zL := n.Activation(L-1), n.PreActivation(L-1)
	p := make([]float64, out)
	row := make([]float64, out)
	for s := range B {
		_, y := b.Sample(s)
		a := aL.Row(row, s)
		e := ea[L-1][s*out : (s+1)*out]
		var de []float64 = make([]float64, out) // errors of ∂e/∂a, units of u
		switch cfg.Loss {
		case SoftmaxCrossEntropy:
			softmax(p, a)
			sy, pe := 0.0, 0.0
			for k, v := range y {
				sy += math.Abs(v)
				pe += p[k] * e[k]
			}
			for j := range out {
				d[s*out+j] = p[j]*sy + math.Abs(y[j])
				// dp_j = p_j·Σ_{k≠j} p_k (da_j − da_k): the logits' common
				// error cancels, which a saturated softmax needs.
				de[j] = sy * p[j] * (e[j] + pe - 2*p[j]*e[j])
			}
		default:
			for j := range out {
				d[s*out+j] = 2 * (math.Abs(a[j]) + math.Abs(y[j]))
				de[j] = 2 * e[j]
			}
		}
		act := cfg.Activations[L-1]
		for j := range out {
			zj := zL.At(s, j)
			f1, f2 := slopeBound(act, zj, a[j], ez[L-1][s*out+j]), math.Abs(act.deriv2(zj, a[j]))
			dd[s*out+j] = (de[j]*f1 + d[s*out+j]*f2*ez[L-1][s*out+j]) / float64(B)
			d[s*out+j] *= f1 / float64(B)
		}
	}
	chain := B + 8 // the sum over samples, the loss's few operations
	for l := L - 1; l >= 0; l-- {
		in, outL := cfg.Sizes[l], cfg.Sizes[l+1]
		chain += outL + 3 // δ's sum over the next layer, f′ and the products
		w, _ := n.weights(n.params, l)
		wb, bb := n.layout.Blocks[2*l], n.layout.Blocks[2*l+1]
		x := make([]float64, in)
		for s := range B {
			var xe []float64
			if l > 0 {
				x = n.Activation(l-1).Row(x, s)
				xe = ea[l-1][s*in : (s+1)*in]
			} else {
				copy(x, input(s))
			}
			for j := range outL {
				dj, ddj := d[s*outL+j], dd[s*outL+j]
				dst[bb.Offset+j] += dj
				extra[bb.Offset+j] += ddj
				r := dst[wb.Offset+j*in : wb.Offset+(j+1)*in]
				xr := extra[wb.Offset+j*in : wb.Offset+(j+1)*in]
				for i, xi := range x {
					r[i] += dj * math.Abs(xi)
					xr[i] += ddj * math.Abs(xi)
					if xe != nil {
						xr[i] += dj * xe[i]
					}
				}
			}
		}
		if l == 0 {
			break
		}
		z, a := n.PreActivation(l-1), n.Activation(l-1)
		act := cfg.Activations[l-1]
		next, nextD := make([]float64, B*in), make([]float64, B*in)
		for s := range B {
			for i := range in {
				var t, td float64
				for j := range outL {
					aw := math.Abs(w[j*in+i])
					t += aw * d[s*outL+j]
					td += aw * dd[s*outL+j]
				}
				zi, ai := z.At(s, i), a.At(s, i)
				f1, f2 := slopeBound(act, zi, ai, ez[l-1][s*in+i]), math.Abs(act.deriv2(zi, ai))
				next[s*in+i] = t * f1
				nextD[s*in+i] = td*f1 + t*f2*ez[l-1][s*in+i]
			}
		}
		d, dd = next, nextD
	}
	for i, x := range extra {
		dst[i] += x / float64(chain)
	}
	return dst, chain, nil
}

// ambiguityU is the coarsest unit roundoff (float32's) whose evaluations
// TermScale's magnitudes cover at a kink: see slopeBound.
const ambiguityU = 0x1p-24

// slopeBound returns |f′(z)| for the backward pass's magnitudes, where
// ez is E(z), the bound on z's rounding in units of u. A kinked
// activation whose z lies within 2·ambiguityU·E(z) of its kink may be put
// on the other piece by another correct evaluation (in another order, or
// in float32): its slope there is the other piece's, so the bound is their
// Lipschitz constant 1. Without it a leaky ReLU at z = 0 gives δ̃ its left
// slope 0.01 (a ReLU's 0), and an exact reference that puts z at +1e-17
// differs from the claim by δ·1e-17, a rounding 100 times (infinitely)
// above γ_K·M_i (soundness finding 10).
func slopeBound(act Activation, z, a, ez float64) float64 {
	f1 := math.Abs(act.Deriv(z, a))
	if act.HasKink() && math.Abs(z) <= 2*ambiguityU*ez {
		f1 = math.Max(f1, 1)
	}
	return f1
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

// forwardErrors returns, per layer, the bounds E(zˡ) and E(aˡ) (B×n_l, in
// units of u) on the rounding of the last forward pass's pre-activations
// and activations on b (see TermScale):
//
//	E(zˡ) = (n_{l−1} + 1)·(|Wˡ||aˡ⁻¹| + |bˡ|) + |Wˡ| E(aˡ⁻¹),   E(aˡ) = L_f E(zˡ) + 4|aˡ|,
//
// L_f = |f′(z)|, or 1 for the kinked activations (their Lipschitz constant).
func (n *Network) forwardErrors(b Batch) (ez, ea [][]float64) {
	cfg := n.cfg
	L := n.NumLayers()
	B := b.Len()
	ez, ea = make([][]float64, L), make([][]float64, L)
	for l := range L {
		in, out := cfg.Sizes[l], cfg.Sizes[l+1]
		w, bias := n.weights(n.params, l)
		z, a := n.PreActivation(l), n.Activation(l)
		ez[l], ea[l] = make([]float64, B*out), make([]float64, B*out)
		prev := make([]float64, in)
		for s := range B {
			var pe []float64
			if l == 0 {
				x, _ := b.Sample(s)
				copy(prev, x)
			} else {
				prev = n.Activation(l-1).Row(prev, s)
				pe = ea[l-1][s*in : (s+1)*in]
			}
			for j := range out {
				m, e := math.Abs(bias[j]), 0.0
				for i := range in {
					aw := math.Abs(w[j*in+i])
					m += aw * math.Abs(prev[i])
					if pe != nil {
						e += aw * pe[i]
					}
				}
				ez[l][s*out+j] = float64(in+1)*m + e
				zj, aj := z.At(s, j), a.At(s, j)
				slope := math.Abs(cfg.Activations[l].Deriv(zj, aj))
				if cfg.Activations[l].HasKink() {
					// The error may carry z across the kink, where the
					// slope is the other piece's: the Lipschitz constant 1
					// bounds both (a dead unit's activation is then off by
					// up to its pre-activation's error, not by nothing).
					slope = 1
				}
				ea[l][s*out+j] = slope*ez[l][s*out+j] + 4*math.Abs(aj)
			}
		}
	}
	return ez, ea
}

// PieceAmbiguous reports whether the smooth piece of the cost on b at the
// network's parameters depends on the order of evaluation in unit
// roundoff u: whether some ReLU or leaky-ReLU pre-activation z lies within
// 2u·E(z) of its kink at 0, E(z) the bound on its rounding (see
// TermScale), so that two correct evaluations, each within u·E(z) of the
// exact z, may put it on either side. Backprop's forward pass and another
// framework's (or a float32 one, u = 2⁻²⁴) then take different pieces, and
// each gradient is right for its own. It runs the forward pass on b.
func (n *Network) PieceAmbiguous(u float64, b Batch) (bool, error) {
	if n.cfg.Smooth() {
		return false, nil
	}
	if _, err := n.Cost(b); err != nil {
		return false, err
	}
	ez, _ := n.forwardErrors(b)
	for l, a := range n.cfg.Activations {
		if !a.HasKink() {
			continue
		}
		z := n.PreActivation(l)
		r, cols := z.Dims()
		for s := range r {
			for j := range cols {
				if math.Abs(z.At(s, j)) <= 2*u*ez[l][s*cols+j] {
					return true, nil
				}
			}
		}
	}
	return false, nil
}
