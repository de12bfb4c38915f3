package netfd

import (
	"math"

	"github.com/gradcheck/gradcheck/backprop"
)

// shiftedSigmoid sets dst[k] = σ(z[k] + c[k]·d) given t[k] = e^{−|z[k]|}:
// the activations of a sigmoid layer after the rank-one change c·d of its
// pre-activations z, which is what most of a check's time goes to.
//
// For a small change ε = c[k]·d that leaves the sign of z unchanged,
// e^{−|z+ε|} = t·e^{∓ε} (− for z > 0, + for z < 0), and e^{x} for
// |x| ≤ 2⁻¹⁶ is its Taylor polynomial to x³ (the first term left out,
// x⁴/24 < 2⁻⁶⁸, is far below half an ulp of 1). So one product and a
// polynomial replace math.Exp, which costs several times as much. The
// changes a central difference makes are of the order of its step, 6·10⁻⁶
// of a weight, times a derivative: inside the bound for weights up to about
// 10. Then σ = 1/(1 + e) for z > 0 and e/(1 + e) for z < 0 as in
// Sigmoid.Apply. The result is the same function of z and ε with other
// roundings: within 3.4u (u = 2⁻⁵³, relative) of σ(z + ε) computed exactly
// in TestShiftedSigmoid, where Sigmoid.Apply(fl(z + ε)) was 16u off, mostly
// from rounding the sum. Elsewhere (larger or sign-changing changes, zeros,
// NaN) it is Sigmoid.Apply(z + ε).
func shiftedSigmoid(dst, z, t, c []float64, d float64) {
	z, t, c = z[:len(dst)], t[:len(dst)], c[:len(dst)]
	for k, zk := range z {
		eps := c[k] * d
		v := zk + eps
		if zk*v > 0 && math.Abs(eps) <= 0x1p-16 { // same sign, neither 0 nor NaN
			x := eps * math.Copysign(1, -zk) // −ε for z > 0, ε for z < 0
			e := t[k] * (1 + x*(1+x*(1.0/2+x*(1.0/6))))
			dst[k] = numerator(zk, e) / (1 + e)
		} else {
			dst[k] = backprop.Sigmoid.Apply(v)
		}
	}
}

// numerator returns 1 for z > 0 and e otherwise, selected on the bits,
// which the compiler turns into a conditional move: the sign of z is
// unpredictable, and a branch on it would cost more than the division.
func numerator(z, e float64) float64 {
	n := math.Float64bits(e)
	if z > 0 {
		n = 0x3ff0000000000000 // 1.0
	}
	return math.Float64frombits(n)
}
