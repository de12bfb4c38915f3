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
// changed side; the …Fast variants apply the activation alone.
//
// Both the selection and the comparison are written on the bits so that the
// compiler turns them into conditional moves and flag arithmetic: the sign
// of a ReLU's pre-activation is as unpredictable as a coin, and a branch on
// it costs more than the element's other work (Apply's switch and branch
// were a quarter of a [256 256 256 10] ReLU stencil's time). The crossing
// test, two compares and an or per element, costs about as much as the
// rest of the rank-one kernel (BenchmarkKinkKernels: 3 to 6 ns against 1 to
// 2.5 an element, measured on the shared 2-core machine), hence safeRadius,
// which spares nearly every rank-one row; next to the n_{k−1}
// multiply-adds an element of a recomputed layer's product it is small.

// kernels are a kinked activation's fused kernels.
type kernels struct {
	// rankOne sets dst[k] = f(z0[k] + c[k]·d) and reports whether some
	// z0[k] + c[k]·d lies on the other side of 0 than z0[k]; rankOneFast
	// does the same without the comparison.
	rankOne     func(dst, z0, c []float64, d float64) bool
	rankOneFast func(dst, z0, c []float64, d float64)
	// apply sets dst[k] = f(dst[k]) in place and reports whether some
	// dst[k] lies on the other side of 0 than z0[k]; applyFast does the
	// same without the comparison.
	apply     func(dst, z0 []float64) bool
	applyFast func(dst []float64)
}

// kinkKernels returns the kernels of a kinked activation, nil for the
// others.
func kinkKernels(a backprop.Activation) *kernels {
	switch a {
	case backprop.ReLU:
		return &kernels{rankOneReLU, rankOneReLUFast, applyReLU, applyReLUFast}
	case backprop.LeakyReLU:
		return &kernels{rankOneLeaky, rankOneLeakyFast, applyLeaky, applyLeakyFast}
	}
	return nil
}

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

func rankOneReLUFast(dst, z0, c []float64, d float64) {
	z0, c = z0[:len(dst)], c[:len(dst)]
	for k, zk := range z0 {
		dst[k] = relu(zk + c[k]*d)
	}
}

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

func rankOneLeakyFast(dst, z0, c []float64, d float64) {
	z0, c = z0[:len(dst)], c[:len(dst)]
	for k, zk := range z0 {
		dst[k] = leaky(zk + c[k]*d)
	}
}

func applyReLU(dst, z0 []float64) bool {
	z0 = z0[:len(dst)]
	var x uint64
	for k, v := range dst {
		x |= side(v) ^ side(z0[k])
		dst[k] = relu(v)
	}
	return x != 0
}

func applyReLUFast(dst []float64) {
	for k, v := range dst {
		dst[k] = relu(v)
	}
}

func applyLeaky(dst, z0 []float64) bool {
	z0 = z0[:len(dst)]
	var x uint64
	for k, v := range dst {
		x |= side(v) ^ side(z0[k])
		dst[k] = leaky(v)
	}
	return x != 0
}

func applyLeakyFast(dst []float64) {
	for k, v := range dst {
		dst[k] = leaky(v)
	}
}

// safeRadius returns r such that for every d with |d| < r no element of
// z0 + c·d, computed as the rank-one kernels do, lies on another side of 0
// than z0's: then a row needs no comparison. The comparison, a third of
// the rank-one kernel's time, would otherwise cost a [256 256 256 10]
// ReLU stencil about a quarter more; with the radius almost every row
// skips it, as a step of 6·10⁻⁶ reaches 0 from few pre-activations.
//
// Proof: fl(c_k·d) ≤ |c_k||d|(1 + u), and if that is below |z0_k| then
// z0_k + fl(c_k·d) is nonzero with z0_k's sign, which rounding keeps (it
// is monotone and 0 is a float), so v_k is on z0_k's side. r is the least
// |z0_k|/|c_k| shrunk by (1 − 4u), which covers the rounding of the
// quotient and of the product: |d| < fl(|z0|/|c|)(1 − 4u) ≤
// (|z0|/|c|)(1 + u)(1 − 4u) < |z0|/(|c|(1 + u)). A zero z0_k (which any d
// may move across) or a NaN quotient (z0_k NaN, or 0/0) gives r = 0: every
// row is compared. A quotient beyond the float range (c_k tiny or zero)
// counts as MaxFloat64/2, whose |c_k|·|d| stays below |z0_k|/2 for every
// |d| < r; a NaN or infinite d fails |d| < r.
func safeRadius(z0, c []float64) float64 {
	const u = 0x1p-53
	r := math.MaxFloat64 / 2
	for k, z := range z0[:len(c)] {
		q := math.Abs(z) / math.Abs(c[k])
		switch {
		case q > math.MaxFloat64:
			q = math.MaxFloat64 / 2
		case !(q > 0) || math.Abs(z) < 0x1p-1000:
			// Zero or NaN, or so small that fl(c_k·d) could be
			// subnormal near it, with an absolute rounding error.
			return 0
		}
		r = min(r, q)
	}
	return r * (1 - 4*u)
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
