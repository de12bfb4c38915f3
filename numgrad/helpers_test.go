package numgrad_test

import (
	"math/rand/v2"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/datasets"
	"github.com/gradcheck/gradcheck/numgrad"
)

// exactSettings returns settings for method on tf: the references need
// tf's complex or dual form.
func exactSettings(tf testFunc, m numgrad.Method) *numgrad.CheckSettings {
	s := &numgrad.CheckSettings{Method: m}
	switch m {
	case numgrad.MethodComplex:
		s.Reference = numgrad.ComplexStep(func(x []backprop.Complex) (backprop.Complex, error) { return tf.complex(x), nil })
	case numgrad.MethodDual:
		s.Reference = numgrad.DualNumbers(func(x []backprop.Dual) (backprop.Dual, error) { return tf.dual(x), nil })
	}
	return s
}

var allMethods = []numgrad.Method{numgrad.MethodCentral, numgrad.MethodRichardson, numgrad.MethodComplex, numgrad.MethodDual, numgrad.MethodFast}

// scaled is a model whose gradient is the network's with the blocks of
// the given layout indices changed by edit.
type scaled struct {
	*backprop.Network
	edit func(g []float64)
}

func (s scaled) Gradient(dst []float64, b backprop.Batch) (float64, error) {
	c, err := s.Network.Gradient(dst, b)
	s.edit(dst)
	return c, err
}

// randomData returns n samples for net: inputs uniform in [−1, 1], targets
// uniform in [0, 1] or one-hot.
func randomData(rng *rand.Rand, net *backprop.Network, n int) *backprop.Dataset {
	return datasets.Random(rng, net.Config(), n)
}

// costFunc returns θ ↦ C(θ; b) on a clone of net.
func costFunc(net *backprop.Network, b backprop.Batch) func([]float64) float64 {
	probe := net.Clone()
	return func(theta []float64) float64 {
		probe.SetParams(theta)
		c, err := probe.Cost(b)
		if err != nil {
			panic(err)
		}
		return c
	}
}
