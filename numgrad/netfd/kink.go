package netfd

import (
	"math"

	"github.com/gradcheck/gradcheck/backprop"
)

// The kernels of the kinked layers: each applies ReLU or leaky ReLU with
// the bits of Activation.Apply (z for z > 0, else +0 or z·LeakySlope; NaN
// takes the second branch) and, in the same pass, while the row is in the
// L1 cache, compares the side of 0 of every pre-activation with that of the
// unperturbed pass's, z > 0 against z ≤ 0, the convention of the network's
// piece signature (numgrad.NetworkPiece). They report whether any element
// changed side.
//
// Both the selection and the comparison are written on the bits so that the
// compiler turns them into conditional moves and flag arithmetic: the sign
// of a ReLU's pre-activation is as unpredictable as a coin, and a branch on
// it costs more than the element's other work (Apply's switch and branch
// were a quarter of a [256 256 256 10] ReLU stencil's time). The crossing
// test itself is a compare and an or per element, nearly free next to the
// multiply-add of the rank-one change or the n_{l−1} of a matrix product.

// kinkFunc is one of the four kernels below, chosen per layer.
type kinkFunc func(dst, z0, c []float64, d float64) bool

// rankOneReLU sets dst[k] = ReLU(z0[k] + c[k]·d) and reports whether some
// z0[k] + c[k]·d lies on the other side of 0 than z0[k].
func rankOneReLU(dst, z0, c []float64, d float64) bool {
	z0, c = z0[:len(dst)], c[:len(dst)]
	var x uint64
	for k, zk := range z0 {
		v := zk + c[k]*d
		x |= side(v) ^ side(zk)
		dst[k] = relu(v)
	}
	return x != 0
}

// rankOneLeaky is rankOneReLU for the leaky ReLU.
func rankOneLeaky(dst, z0, c []float64, d float64) bool {
	z0, c = z0[:len(dst)], c[:len(dst)]
	var x uint64
	for k, zk := range z0 {
		v := zk + c[k]*d
		x |= side(v) ^ side(zk)
		dst[k] = leaky(v)
	}
	return x != 0
}

// applyReLU sets dst[k] = ReLU(dst[k]), in place (c and d are unused: the
// signature is kinkFunc's), and reports whether some dst[k] lies on the other
// side of 0 than z0[k].
func applyReLU(dst, z0, _ []float64, _ float64) bool {
	z0 = z0[:len(dst)]
	var x uint64
	for k, v := range dst {
		x |= side(v) ^ side(z0[k])
		dst[k] = relu(v)
	}
	return x != 0
}

// applyLeaky is applyReLU for the leaky ReLU.
func applyLeaky(dst, z0, _ []float64, _ float64) bool {
	z0 = z0[:len(dst)]
	var x uint64
	for k, v := range dst {
		x |= side(v) ^ side(z0[k])
		dst[k] = leaky(v)
	}
	return x != 0
}

// side returns 1 for z > 0 and 0 for z ≤ 0 or NaN.
func side(z float64) uint64 {
	var s uint64
	if z > 0 {
		s = 1
	}
	return s
}

// relu returns Activation.Apply's ReLU(z): z for z > 0, else +0.
func relu(z float64) float64 {
	n := math.Float64bits(z)
	if !(z > 0) {
		n = 0
	}
	return math.Float64frombits(n)
}

// leaky returns Activation.Apply's leaky ReLU: z for z > 0, else
// z·LeakySlope.
func leaky(z float64) float64 {
	n := math.Float64bits(z * backprop.LeakySlope)
	if z > 0 {
		n = math.Float64bits(z)
	}
	return math.Float64frombits(n)
}

// kinkKernels returns the rank-one and the in-place kernel of a kinked
// activation, and nils for the others.
func kinkKernels(a backprop.Activation) (rankOne, apply kinkFunc) {
	switch a {
	case backprop.ReLU:
		return rankOneReLU, applyReLU
	case backprop.LeakyReLU:
		return rankOneLeaky, applyLeaky
	}
	return nil, nil
}
