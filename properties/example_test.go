package properties_test

import (
	"fmt"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/properties"
)

// affine is a user's model, ŷ = w·x + b on one input with the squared
// error, written against backprop.Model alone. average false plants a
// classic bug: the batch gradient summed instead of averaged.
type affine struct {
	theta   [2]float64
	average bool
}

func (m *affine) NumParams() int { return 2 }
func (m *affine) ParamsTo(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, 2)
	}
	copy(dst, m.theta[:])
	return dst
}
func (m *affine) SetParams(src []float64) { copy(m.theta[:], src) }
func (m *affine) Cost(b backprop.Batch) (float64, error) {
	return m.Gradient(make([]float64, 2), b)
}
func (m *affine) Gradient(dst []float64, b backprop.Batch) (float64, error) {
	n := float64(b.Len())
	if !m.average {
		n = 1
	}
	var c float64
	dst[0], dst[1] = 0, 0
	for i := range b.Len() {
		x, y := b.Sample(i)
		r := m.theta[0]*x[0] + m.theta[1] - y[0]
		c += r * r / n
		dst[0] += 2 * r * x[0] / n
		dst[1] += 2 * r / n
	}
	return c, nil
}

// affines returns the factory of the model: it draws the parameters, so that
// rapid can shrink a failure to the simplest ones.
func affines(average bool) properties.Factory {
	return func(t *rapid.T) properties.Subject {
		m := &affine{average: average}
		copy(m.theta[:], properties.Params(2, properties.Weight()).Draw(t, "θ"))
		return properties.Subject{Model: m, In: 1, Out: 1}
	}
}

// Example checks a user's model. In a test, one line runs every property
// with rapid, which shrinks a failure and prints it:
//
//	func TestAffine(t *testing.T) { properties.Suite(t, affines(true), nil) }
//
// Outside a test, Falsify runs a property on fixed examples; here it shows
// which properties tell the right model from the one that sums. The
// trainer properties do not: they compare the trainer's steps with the
// model's own gradient, right or wrong. (OrderInvariant catches the sum
// because its summation bound is sized for terms gₛ/N, not gₛ.)
func Example() {
	for _, p := range properties.Properties {
		if p.Name == "AgreesWithNumgrad" {
			continue
		}
		_, _, right := properties.Falsify(p.Prop(affines(true), nil), 50)
		_, _, summing := properties.Falsify(p.Prop(affines(false), nil), 50)
		fmt.Printf("%-20s right model fails: %-5v summing model fails: %v\n", p.Name, right, summing)
	}
	// Output:
	// GradientIsMean       right model fails: false summing model fails: true
	// DuplicatesInvariant  right model fails: false summing model fails: true
	// OrderInvariant       right model fails: false summing model fails: true
	// UpdateExact          right model fails: false summing model fails: false
	// ZeroRate             right model fails: false summing model fails: false
	// LinearRate           right model fails: false summing model fails: false
	// Descent              right model fails: false summing model fails: false
	// EpochUpdates         right model fails: false summing model fails: false
	// MiniBatchOfN         right model fails: false summing model fails: false
	// MiniBatchOfOne       right model fails: false summing model fails: false
	// SeedOrder            right model fails: false summing model fails: false
	// EpochOrder           right model fails: false summing model fails: false
}
