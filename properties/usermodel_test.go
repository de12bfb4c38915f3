package properties_test

import (
	"math"
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/properties"
)

// linear is a user's own model, written without backprop's network: one
// dense layer ŷ = W x + b with the squared error Σ_k (ŷ_k − y_k)², its
// parameters W (out×in, row-major) then b. It knows nothing of package
// properties; passing the suite shows that the properties rely on the
// backprop.Model interface alone.
//
// bug, when not empty, plants one mistake, so that the tests can show which
// property catches it.
type linear struct {
	in, out int
	theta   []float64
	bug     string
}

func (m *linear) NumParams() int { return len(m.theta) }

func (m *linear) ParamsTo(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(m.theta))
	}
	copy(dst, m.theta)
	return dst
}

func (m *linear) SetParams(src []float64) { copy(m.theta, src) }

func (m *linear) Cost(b backprop.Batch) (float64, error) {
	return m.Gradient(make([]float64, len(m.theta)), b)
}

func (m *linear) Gradient(dst []float64, b backprop.Batch) (float64, error) {
	clear(dst)
	n := float64(b.Len())
	if m.bug == "sum" {
		n = 1 // the gradient and cost summed over the batch, not averaged
	}
	var c float64
	for s := range b.Len() {
		x, y := b.Sample(s)
		scale := 1 / n
		if m.bug == "first sample twice" && s == 0 {
			scale *= 2
		}
		for k := range m.out {
			r := m.theta[m.out*m.in+k] - y[k]
			for i := range m.in {
				r += m.theta[k*m.in+i] * x[i]
			}
			c += r * r * scale
			d := 2 * r * scale
			switch m.bug {
			case "sign":
				d = -d
			case "tripled":
				d *= 3
			}
			for i := range m.in {
				dst[k*m.in+i] += d * x[i]
			}
			dst[m.out*m.in+k] += d
		}
	}
	if m.bug == "gradient moves θ" {
		m.theta[0] = math.Nextafter(m.theta[0], math.Inf(1))
	}
	return c, nil
}

// steppingLinear is linear with its own update, as a GPU model would have;
// its bugs are in the update.
type steppingLinear struct{ linear }

func (m *steppingLinear) Step(eta float64, b backprop.Batch) error {
	g := make([]float64, len(m.theta))
	if _, err := m.Gradient(g, b); err != nil {
		return err
	}
	for i := range m.theta {
		switch m.bug {
		case "fused":
			m.theta[i] = math.FMA(-eta, g[i], m.theta[i])
		case "η²":
			m.theta[i] -= float64(eta * eta * g[i])
		case "decay":
			m.theta[i] = float64(m.theta[i]*(1-0x1p-30)) - float64(eta*g[i])
		default:
			m.theta[i] -= float64(eta * g[i])
		}
	}
	return nil
}

// linearModels returns a factory of linear models of 1 to 3 inputs and
// outputs with parameters from properties.Weight, each with the given bug;
// stepping ones have their own Step.
func linearModels(bug string, stepping bool) properties.Factory {
	return func(t *rapid.T) properties.Subject {
		in := rapid.IntRange(1, 3).Draw(t, "in")
		out := rapid.IntRange(1, 3).Draw(t, "out")
		theta := properties.Params(out*(in+1), properties.Weight()).Draw(t, "θ")
		m := &linear{in: in, out: out, theta: theta, bug: bug}
		if stepping {
			return properties.Subject{Model: &steppingLinear{*m}, In: in, Out: out}
		}
		return properties.Subject{Model: m, In: in, Out: out}
	}
}

// TestUserModelSuite runs the whole suite on the hand-written model, once
// with backprop.Step's own update and once with the model's.
func TestUserModelSuite(t *testing.T) {
	t.Parallel()
	t.Run("model", func(t *testing.T) { properties.Suite(t, linearModels("", false), suite) })
	t.Run("stepper", func(t *testing.T) { properties.Suite(t, linearModels("", true), suite) })
}

// TestPropertiesCatchModelBugs plants one bug at a time in the user model
// and requires the property meant for it to find a counterexample among
// the first 100 examples. A property that cannot fail would fail this test.
func TestPropertiesCatchModelBugs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		bug      string
		stepping bool
		property func(*rapid.T, properties.Factory, *properties.Settings)
		name     string
	}{
		{"sum", false, properties.GradientIsMean, "GradientIsMean"},
		{"sum", false, properties.DuplicatesInvariant, "DuplicatesInvariant"},
		{"first sample twice", false, properties.OrderInvariant, "OrderInvariant"},
		{"first sample twice", false, properties.GradientIsMean, "GradientIsMean"},
		{"gradient moves θ", false, properties.UpdateExact, "UpdateExact"},
		{"fused", true, properties.UpdateExact, "UpdateExact"},
		{"η²", true, properties.LinearRate, "LinearRate"},
		{"decay", true, properties.ZeroRate, "ZeroRate"},
		{"sign", false, properties.Descent, "Descent"},
		{"tripled", false, properties.Descent, "Descent"},
	} {
		t.Run(tc.bug+"/"+tc.name, func(t *testing.T) {
			f := linearModels(tc.bug, tc.stepping)
			seed, msg, failed := properties.Falsify(func(rt *rapid.T) { tc.property(rt, f, nil) }, 100)
			if !failed {
				t.Fatalf("%s did not catch the bug %q in 100 examples", tc.name, tc.bug)
			}
			t.Logf("caught at seed %d: %.200s", seed, msg)
		})
	}
}

// TestAgreesWithNumgradCatchesSign shows that AgreesWithNumgrad fails a
// gradient of the wrong sign.
func TestAgreesWithNumgradCatchesSign(t *testing.T) {
	t.Parallel()
	f := linearModels("sign", false)
	if _, _, failed := properties.Falsify(func(rt *rapid.T) { properties.AgreesWithNumgrad(rt, f, nil) }, 100); !failed {
		t.Fatal("AgreesWithNumgrad did not catch a gradient of the wrong sign in 100 examples")
	}
}
