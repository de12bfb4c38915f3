package gpu

// The float32 error bound.
//
// A Float32 network rounds the parameters and the data to float32 and then computes in
// float32; backprop computes in float64, whose own errors (u₆₄ = 2⁻⁵³) are 2²⁹ times
// smaller and are neglected. With u = 2⁻²⁴ the unit roundoff of float32 and
// γ(k) = k·u/(1 − k·u), standard forward error analysis (Higham, Accuracy and Stability
// of Numerical Algorithms, §3.1–3.5) gives, to first order in u, bounds E(·) on the
// absolute error of every quantity, per sample and unit. Every bound is evaluated with
// backprop's float64 values standing in for the exact ones.
//
// Forward, layer l with n = n_{l−1} inputs (E(a⁰) = u·|x|, the rounding of the data):
//
//	E(z) = |W|·E(aˡ⁻¹) + (u + γ(n+1))·(|W|·|aˡ⁻¹| + |b|)
//
// (u: the rounding of W and b; γ(n+1): a dot product of n terms in any order, as cuBLAS
// sums in its own order and the own kernels in order, then the bias added), and
//
//	E(a) = |f′(z)|·E(z) + c_f·u·|a|
//
// where c_f·u bounds the relative error of the computed f: 16 for sigmoid, tanh and
// softplus (CUDA's expf, tanhf and log1pf err by at most 2 ulp = 4u, and the formulas
// add a few roundings), 1 for leaky ReLU (slope·z), 0 for ReLU and the identity. Where a
// kink is within reach (|z| ≤ E(z)) the slope is taken as 1, since |relu(ẑ) − relu(z)| ≤
// |ẑ − z|.
//
// Output gradient G = ∂C/∂aᴸ over a batch of B samples: for the squared error
// G = 2(a − y)/B, so E(G) = (2/B)·(E(a) + u|y| + 2u|a − y|); for the cross-entropy
// G = (P·s − y)/B with P = softmax(a), s = Σ_k y_k:
//
//	E(P_k) = P_k·(E(a_k) + Σ_j P_j·E(a_j)) + (8 + m)·u·P_k     (m outputs)
//	E(s)   = (u + γ(m))·s
//	E(G_k) = (s·E(P_k) + P_k·E(s) + u·|y_k| + u·P_k·s + 2u·|P_k·s − y_k|)/B.
//
// Deltas: the kernels compute δ = G ⊙ f′ with f′ from a as a(1 − a) (sigmoid) and
// 1 − a² (tanh), from z as σ(z) (softplus), so
//
//	E(δ)  = |f′|·E(G) + |G|·E(f′) + u·|G·f′|
//	E(f′) = |1 − 2a|·E(a) + 2u·|f′|          sigmoid
//	        2|a|·E(a) + u·a² + u·|f′|        tanh (the cancellation of 1 − a² where tanh
//	                                          saturates is the u·a² term)
//	        σ′(z)·E(z) + 16u·σ(z)            softplus
//	        0, or the jump of f′ if |z| ≤ E(z) ReLU and leaky ReLU
//
// and one layer down, with h = δˡ·Wˡ (n_l terms), δˡ⁻¹ = h ⊙ fˡ⁻¹′:
//
//	E(h) = E(δˡ)·|W| + u·|δˡ|·|W| + γ(n_l)·|δˡ|·|W|.
//
// Gradient, sums over the B samples (colsum's tree and any GEMM order alike):
//
//	E(∂C/∂W_ji) = Σ_s (E(δ_sj)·|a_si| + |δ_sj|·E(a_si)) + γ(B)·Σ_s |δ_sj|·|a_si|
//	E(∂C/∂b_j)  = Σ_s E(δ_sj) + γ(B)·Σ_s |δ_sj|.
//
// Cost, C = (1/B)·Σ_s e_s: E(C) = (1/B)·Σ_s E(e_s) + γ(B+1)·(1/B)·Σ_s |e_s|, with
// E(e) = Σ_k 2|d_k|·(E(a_k) + u|y_k|) + γ(m+3)·Σ_k d_k², d = a − y, for the squared
// error, and E(e) = Σ_k y_k·E(a_k) + s·Σ_j P_j·E(a_j) + γ(2m+12)·Σ_k y_k·(|a_k − max a| +
// |log Σ_j e^{a_j − max a}| + 1) + u·Σ_k y_k·|log P_k| for the cross-entropy.
//
// The terms left out are of second order, O((E/|value|)²) relative; the tests allow
// twice the first-order bound, which covers them while every relative bound is below ½
// (checked), plus 2⁻¹²⁰ absolute for the float32 subnormals (each rounding there errs by
// up to 2⁻¹⁵⁰ absolutely).
//
// The bound grows with depth (each layer adds its E(z) and E(h) terms, multiplied
// through |W|) and width (γ(n) of every dot product), and with the batch (γ(B)).

import (
	"math"

	"github.com/gradcheck/gradcheck/backprop"
)

// unit roundoffs.
const (
	u32 = 0x1p-24
	u64 = 0x1p-53
)

// boundSafety is the factor over the first-order bound, and boundFloor the absolute
// allowance for subnormals (see above).
const (
	boundSafety = 2
	boundFloor  = 0x1p-120
)

func gamma(k int, u float64) float64 { return float64(k) * u / (1 - float64(k)*u) }

// activationError is c_f above.
func activationError(a backprop.Activation) float64 {
	switch a {
	case backprop.Sigmoid, backprop.Tanh, backprop.Softplus:
		return 16
	case backprop.LeakyReLU:
		return 1
	}
	return 0
}

// derivError is E(f′) above, and the slope used for E(a).
func derivError(act backprop.Activation, z, a, ez, ea, u float64) (ef, slope float64) {
	fp := act.Deriv(z, a)
	slope = math.Abs(fp)
	switch act {
	case backprop.Sigmoid:
		ef = math.Abs(1-2*a)*ea + 2*u*math.Abs(fp)
	case backprop.Tanh:
		ef = 2*math.Abs(a)*ea + u*a*a + u*math.Abs(fp)
	case backprop.Softplus:
		ef = fp*(1-fp)*ez + 16*u*fp
	case backprop.ReLU, backprop.LeakyReLU:
		if math.Abs(z) <= ez {
			ef, slope = 1-backprop.LeakySlope, 1
			if act == backprop.ReLU {
				ef = 1
			}
		}
	}
	return ef, slope
}

// bound holds the first-order error bounds of one gradient evaluation in float32.
type bound struct {
	grad []float64 // E(∂C/∂θ_i), in the flat layout
	cost float64   // E(C)
}

// float32Bound evaluates the bounds derived above for net on b (net's parameters are
// those the float32 network was given; net is left holding b's forward and backward
// pass). It returns the bounds and backprop's gradient and cost.
func float32Bound(net *backprop.Network, b backprop.Batch) (bound, []float64, float64) {
	const u = u32
	cfg := net.Config()
	L, B := net.NumLayers(), b.Len()
	g := make([]float64, net.NumParams())
	cost, err := net.Gradient(g, b)
	if err != nil {
		panic(err)
	}
	rows := func(v backprop.View) [][]float64 {
		r, _ := v.Dims()
		m := make([][]float64, r)
		for i := range m {
			m[i] = v.Row(nil, i)
		}
		return m
	}
	xs, ys := make([][]float64, B), make([][]float64, B)
	for s := range B {
		xs[s], ys[s] = b.Sample(s)
	}
	W := make([][][]float64, L)
	bias := make([][]float64, L)
	for l := range L {
		W[l], bias[l] = net.Weights(l)
	}
	zs, as, ds := make([][][]float64, L), make([][][]float64, L), make([][][]float64, L)
	for l := range L {
		zs[l], as[l], ds[l] = rows(net.PreActivation(l)), rows(net.Activation(l)), rows(net.Delta(l))
	}
	prevA := func(l int) [][]float64 {
		if l == 0 {
			return xs
		}
		return as[l-1]
	}

	// Forward.
	ez, ea := make([][][]float64, L), make([][][]float64, L)
	ea0 := make([][]float64, B)
	for s := range B {
		ea0[s] = make([]float64, cfg.Sizes[0])
		for i, v := range xs[s] {
			ea0[s][i] = u * math.Abs(v)
		}
	}
	prevE := func(l int) [][]float64 {
		if l == 0 {
			return ea0
		}
		return ea[l-1]
	}
	for l := range L {
		in, out := cfg.Sizes[l], cfg.Sizes[l+1]
		act := cfg.Activations[l]
		ez[l], ea[l] = make([][]float64, B), make([][]float64, B)
		for s := range B {
			ez[l][s], ea[l][s] = make([]float64, out), make([]float64, out)
			pa, pe := prevA(l)[s], prevE(l)[s]
			for j := range out {
				var prop, mag float64
				for i := range in {
					prop += math.Abs(W[l][j][i]) * pe[i]
					mag += math.Abs(W[l][j][i]) * math.Abs(pa[i])
				}
				mag += math.Abs(bias[l][j])
				e := prop + (u+gamma(in+1, u))*mag
				z, a := zs[l][s][j], as[l][s][j]
				_, slope := derivError(act, z, a, e, 0, u)
				ez[l][s][j] = e
				ea[l][s][j] = slope*e + activationError(act)*u*math.Abs(a)
			}
		}
	}

	// Output gradient G and its bound, and the cost's bound.
	out := cfg.Sizes[L]
	G, eG := make([][]float64, B), make([][]float64, B)
	var ecSum, eAbs float64
	for s := range B {
		a, y, e := as[L-1][s], ys[s], ea[L-1][s]
		G[s], eG[s] = make([]float64, out), make([]float64, out)
		switch cfg.Loss {
		case backprop.SquaredError:
			var ee, sq float64
			for k := range out {
				d := a[k] - y[k]
				G[s][k] = 2 * d / float64(B)
				eG[s][k] = 2 / float64(B) * (e[k] + u*math.Abs(y[k]) + 2*u*math.Abs(d))
				ee += 2 * math.Abs(d) * (e[k] + u*math.Abs(y[k]))
				sq += d * d
			}
			ecSum += ee + gamma(out+3, u)*sq
			eAbs += sq
		case backprop.SoftmaxCrossEntropy:
			m := a[0]
			for _, v := range a[1:] {
				m = max(m, v)
			}
			var sum, sy, pe float64
			for k := range out {
				sum += math.Exp(a[k] - m)
				sy += y[k]
			}
			P := make([]float64, out)
			for k := range out {
				P[k] = math.Exp(a[k]-m) / sum
				pe += P[k] * e[k]
			}
			es := (u + gamma(out, u)) * sy
			var ee, rnd, ev float64
			for k := range out {
				eP := P[k]*(e[k]+pe) + float64(8+out)*u*P[k]
				G[s][k] = (P[k]*sy - y[k]) / float64(B)
				eG[s][k] = (sy*eP + P[k]*es + u*math.Abs(y[k]) + u*P[k]*sy + 2*u*math.Abs(P[k]*sy-y[k])) / float64(B)
				ee += y[k] * e[k]
				rnd += y[k] * (math.Abs(a[k]-m) + math.Abs(math.Log(sum)) + 1)
				if y[k] != 0 {
					ee += u * y[k] * math.Abs(math.Log(P[k]))
				}
				ev -= y[k] * math.Log(P[k])
			}
			ecSum += ee + sy*pe + gamma(2*out+12, u)*rnd
			eAbs += math.Abs(ev)
		}
	}
	var bd bound
	bd.cost = ecSum/float64(B) + gamma(B+1, u)*eAbs/float64(B)

	// Backward: E(δ) layer by layer, then the gradient's bounds.
	bd.grad = make([]float64, net.NumParams())
	layout := net.Layout()
	h, eh := G, eG // ∂C/∂aˡ and its bound, before the derivative
	for l := L - 1; l >= 0; l-- {
		in, out := cfg.Sizes[l], cfg.Sizes[l+1]
		act := cfg.Activations[l]
		ed := make([][]float64, B)
		for s := range B {
			ed[s] = make([]float64, out)
			for j := range out {
				z, a := zs[l][s][j], as[l][s][j]
				ef, _ := derivError(act, z, a, ez[l][s][j], ea[l][s][j], u)
				fp := math.Abs(act.Deriv(z, a))
				ed[s][j] = fp*eh[s][j] + math.Abs(h[s][j])*ef + u*math.Abs(h[s][j])*fp
			}
		}
		bw, bb := layout.Blocks[2*l], layout.Blocks[2*l+1]
		pa, pe := prevA(l), prevE(l)
		for j := range out {
			for i := range in {
				var e, mag float64
				for s := range B {
					e += ed[s][j]*math.Abs(pa[s][i]) + math.Abs(ds[l][s][j])*pe[s][i]
					mag += math.Abs(ds[l][s][j]) * math.Abs(pa[s][i])
				}
				bd.grad[bw.Offset+j*in+i] = e + gamma(B, u)*mag
			}
			var e, mag float64
			for s := range B {
				e += ed[s][j]
				mag += math.Abs(ds[l][s][j])
			}
			bd.grad[bb.Offset+j] = e + gamma(B, u)*mag
		}
		if l == 0 {
			break
		}
		nh, neh := make([][]float64, B), make([][]float64, B)
		for s := range B {
			nh[s], neh[s] = make([]float64, in), make([]float64, in)
			for i := range in {
				var v, e, mag float64
				for j := range out {
					w := W[l][j][i]
					v += ds[l][s][j] * w
					e += ed[s][j] * math.Abs(w)
					mag += math.Abs(ds[l][s][j]) * math.Abs(w)
				}
				nh[s][i] = v
				neh[s][i] = e + (u+gamma(out, u))*mag
			}
		}
		h, eh = nh, neh
	}
	return bd, g, cost
}
