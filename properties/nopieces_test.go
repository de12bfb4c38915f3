package properties_test

import (
	"flag"
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
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
// Undecided, never failed (issue 13), so the suite passes — except at
// numgrad's documented limit, a piece so narrow that no evaluation of the
// cost shows it (J·w/2 below the noise), which rapid draws about once in
// 40,000 examples (seed 7 at 2,000 checks: a bias of 1.4e-155 and data of
// 2.8e-192). So that make test, and CI, give the same answer on every run,
// it runs rapid seeds 1 to 5 unless -rapid.seed names one; make
// properties-long runs it at 2,000 checks for seeds 1 to 20.
func TestMLPPropertiesWithoutPieces(t *testing.T) {
	if f := flag.Lookup("rapid.seed"); f == nil || f.Value.String() != "0" {
		properties.Suite(t, withoutPieces(mlps(false)), nil)
		return
	}
	for seed := range uint64(5) {
		for _, o := range properties.RunSuite(withoutPieces(mlps(false)), nil, 0, seed+1) {
			if o.Failed {
				t.Errorf("%s, rapid seed %d, after %d examples (example seed %d):\n%s", o.Name, seed+1, o.Checks, o.Seed, o.Message)
			}
		}
	}
}

// TestMLPWithoutDerivativeFailsWithoutPieces: the mistake is still caught
// without the pieces.
func TestMLPWithoutDerivativeFailsWithoutPieces(t *testing.T) {
	r := properties.RunSuite(withoutPieces(mlps(true)), nil, 0, 0)
	if r.Passed() {
		t.Fatalf("the suite passes an MLP without its ReLU derivative:\n%v", r)
	}
}

// TestMLPWithoutPiecesRegressions holds the cases that make test's random
// rapid seeds shrank TestMLPPropertiesWithoutPieces to, each a right
// gradient that the checker failed: every method must pass it or leave
// it undecided. The suite above, at random seeds, is the class check.
func TestMLPWithoutPiecesRegressions(t *testing.T) {
	for _, tc := range []struct {
		name            string
		in, hidden, out int
		theta           []float64
		x, y            [][]float64
	}{{
		// Two samples 2.3e-13 and 1.1e-13 from the kink of unit 2, on
		// either side: a ramp narrower than the smallest step, 2⁻⁴⁰, whose
		// best pair of steps straddles it (b₁[2]: claimed 17.78, the steps
		// see 18.66); it was WRONG.
		name: "ramp-below-the-floor", in: 1, hidden: 3, out: 1,
		theta: []float64{0, 0, 1, 1, 1, 0, 0, 0, 4, 0},
		x:     [][]float64{{1}, {1}, {1}, {1}, {1}, {1}, {1}, {2.2737367544323206e-13}, {-1.1368683772161603e-13}},
		y:     [][]float64{{1}, {1}, {1}, {1}, {1}, {1}, {1}, {1}, {-1}},
	}, {
		// Two samples 4.7e-10 from the kinks of units 0 and 2, on either
		// side, within the first interval of the noise's sampling at 2⁻²⁰:
		// their jump was smaller than four times the curvature there, the
		// sampling passed for a spike-free one, and the noise came out
		// 7.6e-11 instead of 2.4e-15, which let the largest steps, across
		// the kinks, decide (b₁[0]: claimed 6, they see 6.22); it was WRONG
		// (properties-long, rapid seed 7).
		name: "kink-under-curvature", in: 1, hidden: 4, out: 1,
		theta: []float64{1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 4, 0, 0},
		x:     [][]float64{{1}, {1}, {1}, {1}, {1}, {1}, {4.656612873077393e-10}, {1}, {-4.656612873077393e-10}},
		y:     [][]float64{{1}, {1}, {1}, {1}, {1}, {1}, {1}, {1}, {-1}},
	}, {
		// Two samples 2.8e-14 and 5.7e-14 from the kinks of units 1 and
		// 2: a ramp of width 8.5e-14 whose best pair of steps is a large
		// one (h = 0.016), its truncation over the smallest steps as large
		// as the ramp (b₁[2]: claimed 17.78, the steps see 18.69); it was
		// WRONG (properties-long, rapid seed 7, once the noise was right).
		name: "ramp-under-truncation", in: 1, hidden: 4, out: 1,
		theta: []float64{0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0},
		x:     [][]float64{{1}, {1}, {1}, {1}, {1}, {1}, {2.842170943040401e-14}, {1}, {-5.684341886080802e-14}},
		y:     [][]float64{{1}, {1}, {1}, {1}, {1}, {1}, {1}, {1}, {-1}},
	}, {
		// Two samples 5.7e-14 and 1.4e-14 from the kinks of units 2 and
		// 3: a ramp whose J·w/2 = 3.3e-14 lies under one level's noise
		// bound, 3.8e-14, but holds at six levels in a row (b₁[2], b₁[3]:
		// claimed 42.67, the steps see 43.56); it was WRONG
		// (properties-long, rapid seed 7, once the ramps above were seen).
		name: "ramp-under-the-noise", in: 1, hidden: 4, out: 1,
		theta: []float64{0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 4, 4, 0},
		x:     [][]float64{{1}, {1}, {1}, {1}, {1}, {1}, {5.684341886080802e-14}, {1}, {-1.4210854715202004e-14}},
		y:     [][]float64{{1}, {1}, {1}, {1}, {1}, {1}, {1}, {1}, {-1}},
	}} {
		d, err := backprop.NewDataset(tc.x, tc.y)
		if err != nil {
			t.Fatal(err)
		}
		m := hiddenPieces{&mlp{in: tc.in, hidden: tc.hidden, out: tc.out, theta: tc.theta}}
		for _, method := range []numgrad.Method{numgrad.MethodCentral, numgrad.MethodRichardson, numgrad.MethodFast} {
			r, err := numgrad.CheckModel(m, backprop.All(d), &numgrad.CheckSettings{Method: method})
			if err != nil {
				t.Fatal(err)
			}
			if !r.OK() {
				t.Errorf("%s, %v: a right gradient is WRONG:\n%s", tc.name, method, r)
			}
		}
	}
}
