package backprop

import (
	"fmt"
	"math"
	"strings"
)

// Loss is the per-sample error e(aᴸ, y); the cost of a batch is the mean of
// e over its samples (see the package documentation).
type Loss int

const (
	// SquaredError is e = Σ_k (aᴸ_k − y_k)², with no ½.
	SquaredError Loss = iota
	// SoftmaxCrossEntropy is e = −Σ_k y_k log softmax(aᴸ)_k.
	SoftmaxCrossEntropy
	numLosses
)

var lossNames = [numLosses]string{"squared-error", "softmax-cross-entropy"}

// Losses lists every loss, in order.
func Losses() []Loss { return []Loss{SquaredError, SoftmaxCrossEntropy} }

// String returns the loss's name as written in model files.
func (l Loss) String() string {
	if l < 0 || l >= numLosses {
		return fmt.Sprintf("Loss(%d)", int(l))
	}
	return lossNames[l]
}

// ParseLoss returns the loss named s; "squared", "mse", "softmax-ce" and
// "cross-entropy" are accepted aliases.
func ParseLoss(s string) (Loss, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "squared-error", "squared", "mse", "squared_error":
		return SquaredError, nil
	case "softmax-cross-entropy", "softmax-ce", "cross-entropy", "softmax_cross_entropy":
		return SoftmaxCrossEntropy, nil
	}
	return 0, fmt.Errorf("unknown loss %s (want one of %s)", quoteName(s), strings.Join(lossNames[:], ", "))
}

// scaledDiff sets dst[k] = s·(a[k] − y[k]) for every k, in a vector kernel
// where the CPU has AVX2 (the same two roundings, four at a time).
func scaledDiff(dst, a, y []float64, s float64) {
	a, y = a[:len(dst)], y[:len(dst)]
	k := 0
	if useVector {
		k = scaledDiffVector(dst, a, y, s)
	}
	for ; k < len(dst); k++ {
		dst[k] = s * (a[k] - y[k])
	}
}

// sampleError is SampleError[Real] with the squared error written out in
// float64, operation for operation (TestSampleErrorFloat64): the generic
// code's calls through a dictionary cost about 5 ns an element, a third of a
// [1024 1024 1024 1024] network's forward pass outside its matrix products.
func sampleError(l Loss, a, y []float64) float64 {
	if l != SquaredError || len(a) != len(y) {
		return float64(SampleError(l, asReal(a), y))
	}
	var e float64
	for k, v := range a {
		d := v - y[k]
		e += float64(d * d) // rounded before the sum, as Real.Mul does
	}
	return e
}

// SampleError returns e(a, y) for one sample. It is the one definition of
// each loss, shared by every element type.
func SampleError[T Scalar[T]](l Loss, a []T, y []float64) T {
	if len(a) != len(y) {
		panic("backprop: output and target lengths differ")
	}
	var zero T
	e := zero.Const(0)
	switch l {
	case SquaredError:
		for k := range a {
			d := a[k].Sub(zero.Const(y[k]))
			e = e.Add(d.Mul(d))
		}
		return e
	case SoftmaxCrossEntropy:
		// log softmax(a)_k = a_k − m − log Σ_j e^{a_j − m}, m the largest
		// real part: the shift is a constant, so exact in every element type.
		m := a[0].Re()
		for _, v := range a[1:] {
			m = max(m, v.Re())
		}
		s := zero.Const(0)
		for _, v := range a {
			s = s.Add(v.Sub(zero.Const(m)).Exp())
		}
		lse := s.Log().Add(zero.Const(m))
		for k := range a {
			if y[k] != 0 {
				e = e.Sub(zero.Const(y[k]).Mul(a[k].Sub(lse)))
			}
		}
		return e
	}
	panic(fmt.Sprintf("backprop: unknown loss %d", int(l)))
}

// SampleErrorGrad sets dst = ∂e/∂a for one sample in the element type T:
// 2(a_k − y_k) for the squared error, softmax(a)_k·Σ_j y_j − y_k for the
// softmax cross-entropy (the softmax shifted by the largest real part, a
// constant). It is the derivative of [SampleError] written over [Scalar],
// for [GradientAt]; the float64 backward pass has its own kernel. It
// panics if the lengths differ.
func SampleErrorGrad[T Scalar[T]](l Loss, dst, a []T, y []float64) {
	if len(a) != len(y) || len(dst) != len(a) {
		panic("backprop: SampleErrorGrad: output, target and gradient lengths differ")
	}
	var zero T
	switch l {
	case SquaredError:
		two := zero.Const(2)
		for k := range a {
			dst[k] = two.Mul(a[k].Sub(zero.Const(y[k])))
		}
	case SoftmaxCrossEntropy:
		m := a[0].Re()
		for _, v := range a[1:] {
			m = max(m, v.Re())
		}
		s := zero.Const(0)
		sy := 0.0
		for k, v := range a {
			dst[k] = v.Sub(zero.Const(m)).Exp()
			s = s.Add(dst[k])
			sy += y[k]
		}
		for k := range a {
			dst[k] = dst[k].Div(s).Mul(zero.Const(sy)).Sub(zero.Const(y[k]))
		}
	default:
		panic(fmt.Sprintf("backprop: unknown loss %d", int(l)))
	}
}

// outputGrad sets dst = ∂e/∂a for one sample, scaled by scale.
func (l Loss) outputGrad(dst, a, y []float64, scale float64) {
	switch l {
	case SquaredError:
		scaledDiff(dst, a, y, scale*2)
	case SoftmaxCrossEntropy:
		// ∂e/∂a_j = softmax(a)_j·Σ_k y_k − y_j.
		m := a[0]
		for _, v := range a[1:] {
			m = max(m, v)
		}
		var s, sy float64
		for k, v := range a {
			s += math.Exp(v - m)
			sy += y[k]
		}
		for k, v := range a {
			dst[k] = scale * (math.Exp(v-m)/s*sy - y[k])
		}
	default:
		panic(fmt.Sprintf("backprop: unknown loss %d", int(l)))
	}
}
