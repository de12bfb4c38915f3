// Code copied from README.md by hand; TestReadmeExample keeps the two identical.

package properties_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/properties"
)

// mlp is your model: ŷ = W₂·relu(W₁x + b₁) + b₂ with the squared error
// Σ_k (ŷ_k − y_k)², parameters W₁, b₁, W₂, b₂ in backprop's dense layout.
// noDerivative plants the classic mistake: the backward pass leaves out
// relu′(z) = 1{z > 0}.
type mlp struct {
	in, hidden, out int
	theta           []float64
	signs           numgrad.Signs // the side of each kink the last pass took
	noDerivative    bool
}

func (m *mlp) NumParams() int { return len(m.theta) }
func (m *mlp) ParamsTo(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(m.theta))
	}
	copy(dst, m.theta)
	return dst
}
func (m *mlp) SetParams(src []float64) { copy(m.theta, src) }

// Layout names the parameters in failure messages ("layer 0 weight [2][1]").
func (m *mlp) Layout() backprop.Layout { return backprop.DenseLayout(m.in, m.hidden, m.out) }

// Piece says which side of every kink the last Cost or Gradient took, so
// that numgrad's checker knows a difference stencil that crosses one.
func (m *mlp) Piece(dst []byte) []byte { return m.signs.Piece(dst) }

func (m *mlp) Cost(b backprop.Batch) (float64, error) {
	return m.Gradient(make([]float64, len(m.theta)), b)
}

func (m *mlp) Gradient(dst []float64, b backprop.Batch) (float64, error) {
	in, h, out := m.in, m.hidden, m.out
	w1, b1 := m.theta[:h*in], m.theta[h*in:h*in+h]
	w2, b2 := m.theta[h*in+h:h*in+h+out*h], m.theta[h*in+h+out*h:]
	g1, gb1 := dst[:h*in], dst[h*in:h*in+h]
	g2, gb2 := dst[h*in+h:h*in+h+out*h], dst[h*in+h+out*h:]
	clear(dst)
	m.signs.Reset()
	n := float64(b.Len())
	z, a, da := make([]float64, h), make([]float64, h), make([]float64, h)
	var c float64
	for s := range b.Len() {
		x, y := b.Sample(s)
		for j := range h {
			z[j] = b1[j]
			for i := range in {
				z[j] += w1[j*in+i] * x[i]
			}
			m.signs.Add(z[j]) // before a = max(z, 0)
			a[j] = max(z[j], 0)
		}
		clear(da)
		for k := range out {
			r := b2[k] - y[k]
			for j := range h {
				r += w2[k*h+j] * a[j]
			}
			c += r * r / n
			d := 2 * r / n // ∂C/∂ŷ_k
			gb2[k] += d
			for j := range h {
				g2[k*h+j] += d * a[j]
				da[j] += d * w2[k*h+j]
			}
		}
		for j := range h {
			if z[j] <= 0 && !m.noDerivative {
				continue // relu′(z) = 0
			}
			gb1[j] += da[j]
			for i := range in {
				g1[j*in+i] += da[j] * x[i]
			}
		}
	}
	return c, nil
}

// mlps returns a factory of MLPs of 1 to 3 inputs, 1 to 4 hidden units and
// 1 to 2 outputs, their parameters drawn by rapid so that it can shrink a
// failure to the smallest network that still fails.
func mlps(noDerivative bool) properties.Factory {
	return func(t *rapid.T) properties.Subject {
		in := rapid.IntRange(1, 3).Draw(t, "in")
		h := rapid.IntRange(1, 4).Draw(t, "hidden")
		out := rapid.IntRange(1, 2).Draw(t, "out")
		theta := properties.Params(h*(in+1)+out*(h+1), properties.Weight()).Draw(t, "θ")
		m := &mlp{in: in, hidden: h, out: out, theta: theta, noDerivative: noDerivative}
		return properties.Subject{Model: m, In: in, Out: out}
	}
}

// TestMLPProperties runs every property on the MLP.
func TestMLPProperties(t *testing.T) {
	properties.Suite(t, mlps(false), nil)
}

// TestMLPWithoutDerivativeFails runs the suite on the MLP without its ReLU
// derivative and requires it to fail: a suite that passes it proves little.
func TestMLPWithoutDerivativeFails(t *testing.T) {
	r := properties.RunSuite(mlps(true), nil, 0, 0) // -rapid.checks and -rapid.seed, as Suite
	if r.Passed() {
		t.Fatalf("the suite passes an MLP without its ReLU derivative:\n%v", r)
	}
	t.Logf("failed by %v", r.Failed())
}
