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
//
// Where the CPU has AVX2 the blocks of four run in a vector kernel
// (kernels_amd64.s) that does shiftedSigmoidGo's operations in its order,
// so that each lane rounds as the loop does (TestShiftedSigmoidKernel);
// it stops at the first block with a lane outside the polynomial's domain,
// which the loop does, and the loop takes the tail. That is three to four
// times as fast as the loop on rows of 64 and 128 units, about 1.3 ns an
// element on the shared 2-core machine, where the divisions bound it
// (BenchmarkShiftedSigmoid).
func shiftedSigmoid(dst, z, t, c []float64, d float64) {
	z, t, c = z[:len(dst)], t[:len(dst)], c[:len(dst)]
	i := 0
	if useVector {
		// A row is nearly always done in one call.
		i = shiftedSigmoidVector(dst, z, t, c, d)
		for i < len(dst)&^3 { // stopped at block i
			end := i + 4
			shiftedSigmoidGo(dst[i:end], z[i:end], t[i:end], c[i:end], d)
			i = end + shiftedSigmoidVector(dst[end:], z[end:], t[end:], c[end:], d)
		}
	}
	shiftedSigmoidGo(dst[i:], z[i:], t[i:], c[i:], d)
}

// shiftedSigmoidGo is shiftedSigmoid's loop in Go. The explicit float64
// conversions round each product before the sum that uses it, so that no
// compiler fuses them into a multiply-add (Go may, and does on amd64 with
// GOAMD64=v3 and on arm64): the vector kernel, which multiplies and adds
// separately, then gives the same bits on every build. On the default
// amd64 build, which never fuses, they change no instruction.
func shiftedSigmoidGo(dst, z, t, c []float64, d float64) {
	z, t, c = z[:len(dst)], t[:len(dst)], c[:len(dst)]
	for k, zk := range z {
		eps := float64(c[k] * d)
		v := zk + eps
		if float64(zk*v) > 0 && math.Abs(eps) <= 0x1p-16 { // same sign, neither 0 nor NaN
			x := float64(eps * math.Copysign(1, -zk)) // −ε for z > 0, ε for z < 0
			e := t[k] * (1 + float64(x*(1+float64(x*(1.0/2+float64(x*(1.0/6)))))))
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

// sigmoidTo sets dst = backprop.Sigmoid.ApplyTo(z) (dst may be z): the
// perturbed unit's activations, one a row of a chunk. Where the CPU has
// AVX2 and FMA the blocks of four run in a vector kernel, a copy of
// backprop's (kernels_amd64.s), which computes math.Exp's FMA path four
// lanes at a time, instruction for instruction; it stops at the first
// block with an argument −|z| outside [−708, 0] (or NaN), which ApplyTo
// does, and ApplyTo takes the tail (TestSigmoidKernel).
func sigmoidTo(dst, z []float64) {
	dst = dst[:len(z)]
	i := 0
	for useExpVector && i < len(z) {
		i += sigmoidVector(dst[i:], z[i:])
		end := min(i+4, len(z))
		backprop.Sigmoid.ApplyTo(dst[i:end], z[i:end])
		i = end
	}
	backprop.Sigmoid.ApplyTo(dst[i:], z[i:])
}
