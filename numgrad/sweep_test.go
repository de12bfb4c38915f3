package numgrad_test

import (
	"math"
	"testing"

	"github.com/gradcheck/gradcheck/numgrad"
)

// TestStepSweepVerdict: for f(x) = eˣ at x = 1 the central difference's
// error is h²e/6 (6e-3 at h = 2⁻⁴, falling 16-fold per level) until
// rounding, eps·e/h, takes over near h ≈ 1e-5, where both are ≈ 5e-11. A
// right derivative converges with slope ≈ 2 over the large steps to a gap
// of that size (1e-9 allows for the pick of the least bound); one off by 1e-6 levels
// off at that gap (slope ≈ 0 below h ≈ 3e-3, where h²e/6 < 1e-6); one at
// a kink shows one-sided derivatives that stay apart.
func TestStepSweepVerdict(t *testing.T) {
	t.Parallel()
	exp := func(x []float64) float64 { return math.Exp(x[0]) }
	e := math.E
	for _, tc := range []struct {
		name             string
		f                func([]float64) float64
		x                []float64
		a                float64
		verdict          numgrad.SweepVerdict
		slopeLo, slopeHi float64
		gapLo, gapHi     float64
	}{
		{"right", exp, []float64{1}, e, numgrad.Converges, 1.8, 2.2, 0, 1e-9},
		{"off by 1e-6", exp, []float64{1}, e + 1e-6, numgrad.LevelsOff, -0.5, 1.5, 0.9e-6, 1.1e-6},
		{"off by 10%", exp, []float64{1}, 1.1 * e, numgrad.LevelsOff, -0.1, 0.1, 0.09 * e, 0.11 * e},
		{"kink", func(x []float64) float64 { return math.Abs(x[0]) }, []float64{0}, 0, numgrad.AtKink, math.Inf(-1), math.Inf(1), 0, math.Inf(1)},
	} {
		sw, err := numgrad.StepSweep(tc.f, tc.a, tc.x, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if sw.Verdict != tc.verdict {
			t.Errorf("%s: verdict %v, want %v", tc.name, sw.Verdict, tc.verdict)
		}
		if tc.verdict != numgrad.AtKink {
			if sw.Slope < tc.slopeLo || sw.Slope > tc.slopeHi {
				t.Errorf("%s: slope %.2f, want in [%g, %g]", tc.name, sw.Slope, tc.slopeLo, tc.slopeHi)
			}
			if sw.Gap < tc.gapLo || sw.Gap > tc.gapHi {
				t.Errorf("%s: gap %.3g, want in [%g, %g]", tc.name, sw.Gap, tc.gapLo, tc.gapHi)
			}
		}
		// A wrong claim's gap is tested below the ladder of 13 (see extend).
		if n := len(sw.Steps); n < 13 || tc.verdict != numgrad.LevelsOff && n != 13 || sw.Steps[0] != 1.0/16*math.Max(1, math.Abs(tc.x[0])) {
			t.Errorf("%s: steps %v", tc.name, sw.Steps)
		}
	}
}

// TestSweepsInReport: a failing check keeps the sweeps of its worst
// components, with the verdict that the gap levels off.
func TestSweepsInReport(t *testing.T) {
	t.Parallel()
	tf := testFuncs()[5]
	g := make([]float64, len(tf.x))
	tf.gonum.Grad(g, tf.x)
	g[0] *= 1.01
	g[3] *= -1
	for _, m := range allMethods {
		r, err := checkTF(tf, tf.gonum.Func, g, tf.x, m)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Sweeps) != 2 {
			t.Fatalf("%v: %d sweeps, want one per failure (2)", m, len(r.Sweeps))
		}
		for _, sw := range r.Sweeps {
			if sw.Verdict != numgrad.LevelsOff || (sw.Index != 0 && sw.Index != 3) {
				t.Errorf("%v: sweep of %d: %v", m, sw.Index, sw.Verdict)
			}
		}
		if r.Sweeps[0].Index != 3 {
			t.Errorf("%v: first sweep is of %d, want the worst (3)", m, r.Sweeps[0].Index)
		}
	}
}
