package numgrad_test

import (
	"math/rand/v2"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/datasets"
	"github.com/gradcheck/gradcheck/numgrad"
)

// tfProblem returns the problem of f (tf's function, or one derived from
// it) with tf's complex and dual extensions, at x with the claim g.
func tfProblem(tf testFunc, f func([]float64) float64, g, x []float64) *numgrad.Problem {
	p := numgrad.FuncProblem(f, g, x)
	p.Complex = func(x []backprop.Complex) (backprop.Complex, error) { return tf.complex(x), nil }
	p.Dual = func(x []backprop.Dual) (backprop.Dual, error) { return tf.dual(x), nil }
	return p
}

// checkTF checks the claim g of f at x by method m, with tf's extensions.
func checkTF(tf testFunc, f func([]float64) float64, g, x []float64, m numgrad.Method) (*numgrad.Report, error) {
	return numgrad.CheckProblem(tfProblem(tf, f, g, x), &numgrad.CheckSettings{Method: m})
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

// opaque computes a network's cost and gradient and declares nothing.
type opaque struct{ net *backprop.Network }

func (o opaque) NumParams() int                         { return o.net.NumParams() }
func (o opaque) ParamsTo(dst []float64) []float64       { return o.net.ParamsTo(dst) }
func (o opaque) SetParams(src []float64)                { o.net.SetParams(src) }
func (o opaque) Cost(b backprop.Batch) (float64, error) { return o.net.Cost(b) }
func (o opaque) Gradient(dst []float64, b backprop.Batch) (float64, error) {
	return o.net.Gradient(dst, b)
}
