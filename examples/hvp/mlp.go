// Package hvp is a worked example: a hand-written Hessian–vector product
// of a small tanh MLP with the softmax cross-entropy (the product a
// second-order optimiser needs), checked by vector.CheckHVP against the
// differences of the network's gradient along v, with the network's exact
// forward-over-reverse reference (vector.NetworkHVP).
//
// The network is backprop's: z¹ = W¹x + b¹, a¹ = tanh z¹, z² = W²a¹ + b²,
// p = softmax z², C = (1/B) Σ_s −Σ_k y_k log p_k, parameters in backprop's
// dense layout. The product is Pearlmutter's R-operator, R{·} = d/dt at
// θ + t·v, with the direction v = (V¹, c¹, V², c²):
//
//	R{z¹} = V¹x + c¹,  R{a¹} = f′(z¹) ⊙ R{z¹},  R{z²} = V²a¹ + W²R{a¹} + c²,
//	δ² = (p·Σy − y)/B,  R{δ²} = Σy·(p ⊙ (R{z²} − ⟨p, R{z²}⟩))/B,
//	R{∂C/∂W²} = Σ_s R{δ²}a¹ᵀ + δ²R{a¹}ᵀ,  R{∂C/∂b²} = Σ_s R{δ²},
//	R{δ¹} = f′(z¹) ⊙ (V²ᵀδ² + W²ᵀR{δ²}) + f″(z¹) ⊙ R{z¹} ⊙ (W²ᵀδ²),
//	R{∂C/∂W¹} = Σ_s R{δ¹}xᵀ,  R{∂C/∂b¹} = Σ_s R{δ¹},
//
// with f = tanh, f′ = 1 − a², f″ = −2a(1 − a²).
package hvp

import (
	"math"

	"github.com/gradcheck/gradcheck/backprop"
)

// MLP is the HVP of a [in, hidden, out] tanh–identity network with the
// softmax cross-entropy on a batch.
type MLP struct {
	In, Hidden, Out int
	// mistake "no-f2" leaves the f″ term out of R{δ¹}: the curvature of
	// the activation itself.
	mistake string
}

// HVP sets dst = ∇²C(θ)·v on b.
func (m *MLP) HVP(dst, theta, v []float64, b backprop.Batch) {
	I, H, O := m.In, m.Hidden, m.Out
	W1, b1 := theta[:H*I], theta[H*I:H*I+H]
	W2, b2 := theta[H*I+H:H*I+H+O*H], theta[H*I+H+O*H:]
	V1, c1 := v[:H*I], v[H*I:H*I+H]
	V2, c2 := v[H*I+H:H*I+H+O*H], v[H*I+H+O*H:]
	gW1, gb1 := dst[:H*I], dst[H*I:H*I+H]
	gW2, gb2 := dst[H*I+H:H*I+H+O*H], dst[H*I+H+O*H:]
	clear(dst)
	B := float64(b.Len())
	a, rz1, ra, z2, rz2, p, d2, rd2 := make([]float64, H), make([]float64, H), make([]float64, H), make([]float64, O), make([]float64, O), make([]float64, O), make([]float64, O), make([]float64, O)
	for s := range b.Len() {
		x, y := b.Sample(s)
		for j := range H {
			z, rz := b1[j], c1[j]
			for i := range I {
				z += W1[j*I+i] * x[i]
				rz += V1[j*I+i] * x[i]
			}
			a[j] = math.Tanh(z)
			rz1[j] = rz
			ra[j] = (1 - a[j]*a[j]) * rz
		}
		mx := math.Inf(-1)
		for k := range O {
			z, rz := b2[k], c2[k]
			for j := range H {
				z += W2[k*H+j] * a[j]
				rz += V2[k*H+j]*a[j] + W2[k*H+j]*ra[j]
			}
			z2[k], rz2[k] = z, rz
			mx = math.Max(mx, z)
		}
		var sum, sy, prz float64
		for k := range O {
			p[k] = math.Exp(z2[k] - mx)
			sum += p[k]
			sy += y[k]
		}
		for k := range O {
			p[k] /= sum
			prz += p[k] * rz2[k]
		}
		for k := range O {
			d2[k] = (p[k]*sy - y[k]) / B
			rd2[k] = sy * p[k] * (rz2[k] - prz) / B
			for j := range H {
				gW2[k*H+j] += rd2[k]*a[j] + d2[k]*ra[j]
			}
			gb2[k] += rd2[k]
		}
		for j := range H {
			var wd, vd, wrd float64
			for k := range O {
				wd += W2[k*H+j] * d2[k]
				vd += V2[k*H+j] * d2[k]
				wrd += W2[k*H+j] * rd2[k]
			}
			f1 := 1 - a[j]*a[j]
			rd1 := f1 * (vd + wrd)
			if m.mistake != "no-f2" {
				rd1 += -2 * a[j] * f1 * rz1[j] * wd
			}
			for i := range I {
				gW1[j*I+i] += rd1 * x[i]
			}
			gb1[j] += rd1
		}
	}
}
