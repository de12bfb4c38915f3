package properties_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/properties"
)

// hiddenPieces is the README's MLP with its Piece method hidden: a model
// that declares nothing to numgrad, whose kinks the checker must infer.
type hiddenPieces struct{ m *mlp }

func (h hiddenPieces) NumParams() int                         { return h.m.NumParams() }
func (h hiddenPieces) ParamsTo(dst []float64) []float64       { return h.m.ParamsTo(dst) }
func (h hiddenPieces) SetParams(src []float64)                { h.m.SetParams(src) }
func (h hiddenPieces) Cost(b backprop.Batch) (float64, error) { return h.m.Cost(b) }
func (h hiddenPieces) Gradient(dst []float64, b backprop.Batch) (float64, error) {
	return h.m.Gradient(dst, b)
}

func withoutPieces(f properties.Factory) properties.Factory {
	return func(t *rapid.T) properties.Subject {
		s := f(t)
		s.Model = hiddenPieces{s.Model.(*mlp)}
		return s
	}
}

// TestMLPPropertiesWithoutPieces runs every property on the MLP without
// its piece information: kinks the checker cannot see may make components
// Undecided, never failed (issue 13), so the suite passes.
// make properties-long runs it at 2,000 checks for rapid seeds 1 to 20.
func TestMLPPropertiesWithoutPieces(t *testing.T) {
	properties.Suite(t, withoutPieces(mlps(false)), nil)
}

// TestMLPWithoutDerivativeFailsWithoutPieces: the mistake is still caught
// without the pieces.
func TestMLPWithoutDerivativeFailsWithoutPieces(t *testing.T) {
	r := properties.RunSuite(withoutPieces(mlps(true)), nil, 0, 0)
	if r.Passed() {
		t.Fatalf("the suite passes an MLP without its ReLU derivative:\n%v", r)
	}
}
