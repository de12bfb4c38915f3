package naive

import (
	"github.com/gradcheck/gradcheck/backprop"
)

// ChainRule sets dst = ∂C/∂θ on b by backpropagation, the reference:
// it calls net.Gradient and adds [ChainRuleWork] to c. The count is the
// closed form of the products that backprop's forward and backward passes
// perform (see the package documentation); the tests check it against an
// instrumented copy of those passes that reproduces net.Gradient bit for
// bit.
//
// It allocates dst if nil and returns it; it panics if len(dst) is not
// net.NumParams(). The parameters are not modified; the network's buffers
// hold this call's activations and deltas afterwards.
func ChainRule(dst []float64, net *backprop.Network, b backprop.Batch, c *Count) ([]float64, error) {
	dst = dstFor(dst, net)
	if _, err := net.Gradient(dst, b); err != nil {
		return nil, err
	}
	c.Add(ChainRuleWork(net.Config(), b.Len()))
	return dst, nil
}
