package netfd

import (
	"math"

	"github.com/gradcheck/gradcheck/backprop"
)

// sampleError returns backprop.SampleError[backprop.Real](loss, a, y), the
// one definition of each loss, written out in float64 operation for
// operation (TestSampleErrorBits holds the two to the same bits): the
// generic code's calls through a dictionary, with the copy into []Real,
// were half of the time the errors take, a seventh of a [256 256 256 10]
// cross-entropy stencil's. The explicit float64 conversions round each
// product before its sum, as Real.Mul does, so that no multiply-add is
// fused.
func sampleError(loss backprop.Loss, a, y []float64) float64 {
	if len(a) != len(y) {
		panic("netfd: output and target lengths differ")
	}
	switch loss {
	case backprop.SquaredError:
		return squaredError(a, y)
	case backprop.SoftmaxCrossEntropy:
		m := a[0]
		for _, v := range a[1:] {
			m = max(m, v)
		}
		var s float64
		for _, v := range a {
			s += math.Exp(v - m)
		}
		lse := math.Log(s) + m
		var e float64
		for k, v := range a {
			if y[k] != 0 {
				e -= float64(y[k] * (v - lse))
			}
		}
		return e
	}
	// Any other loss: the definition itself.
	r := make([]backprop.Real, len(a))
	for k, v := range a {
		r[k] = backprop.Real(v)
	}
	return float64(backprop.SampleError(loss, r, y))
}

// squaredError is sampleError's squared error, Σ_k (a_k − y_k)², small
// enough to be inlined into the stencil's loop over rows. len(y) must be
// at least len(a).
func squaredError(a, y []float64) float64 {
	y = y[:len(a)]
	var e float64
	for k, v := range a {
		d := v - y[k]
		e += float64(d * d)
	}
	return e
}
