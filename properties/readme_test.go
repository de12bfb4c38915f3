// Code copied from README.md by hand; TestReadmeExample keeps the two identical.

package properties_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/properties"
)

// dense is your model: one layer ŷ = W x + b with the squared error
// Σ_k (ŷ_k − y_k)², parameters W (out×in, row-major) then b.
type dense struct {
	in, out int
	theta   []float64
}

func (m *dense) NumParams() int { return len(m.theta) }
func (m *dense) ParamsTo(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(m.theta))
	}
	copy(dst, m.theta)
	return dst
}
func (m *dense) SetParams(src []float64) { copy(m.theta, src) }
func (m *dense) Cost(b backprop.Batch) (float64, error) {
	return m.Gradient(make([]float64, len(m.theta)), b)
}
func (m *dense) Gradient(dst []float64, b backprop.Batch) (float64, error) {
	clear(dst)
	n := float64(b.Len())
	var c float64
	for s := range b.Len() {
		x, y := b.Sample(s)
		for k := range m.out {
			r := m.theta[m.out*m.in+k] - y[k] // bias − target
			for i := range m.in {
				r += m.theta[k*m.in+i] * x[i]
			}
			c += r * r / n
			for i := range m.in {
				dst[k*m.in+i] += 2 * r * x[i] / n
			}
			dst[m.out*m.in+k] += 2 * r / n
		}
	}
	return c, nil
}

// newDense draws a model for one run of a property: its shape and its
// parameters (zero, tiny, ordinary and large ones), so that rapid can shrink
// a failure to the smallest model that still fails.
func newDense(t *rapid.T) properties.Subject {
	in := rapid.IntRange(1, 3).Draw(t, "in")
	out := rapid.IntRange(1, 3).Draw(t, "out")
	theta := properties.Params(out*(in+1), properties.Weight()).Draw(t, "θ")
	return properties.Subject{Model: &dense{in: in, out: out, theta: theta}, In: in, Out: out}
}

// TestDenseProperties runs every property on the model, and the trainer
// properties on backprop.Train training it.
func TestDenseProperties(t *testing.T) {
	properties.Suite(t, newDense, nil)
}
