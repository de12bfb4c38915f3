package numgrad

import "math"

// Point is one evaluation of a stencil: f is evaluated at x + Loc·h and
// weighted by Coeff.
type Point struct {
	Loc   float64
	Coeff float64
}

// Formula is a finite-difference scheme for the first derivative:
//
//	f′(x) ≈ Σ_k Coeff_k·f(x + Loc_k·h) / h.
type Formula struct {
	Stencil []Point
	// Order is the order of the truncation error, O(h^Order).
	Order int
	// Step is the default relative step c: h = c·max(1, |x|). It balances
	// the truncation error c_T·h^Order against the rounding error ε_f/h
	// (ε_f the noise of f), so h ≈ eps^{1/(Order+1)} for f of unit size.
	Step float64
}

// The standard formulas. Their steps are eps^{1/(Order+1)} rounded:
// √eps ≈ 1.5e-8 for the one-sided ones, ∛eps ≈ 6e-6 for Central and
// eps^{1/5} ≈ 7e-4 (rounded up to 1e-3) for Central5.
var (
	Forward  = Formula{Stencil: []Point{{0, -1}, {1, 1}}, Order: 1, Step: 2e-8}
	Backward = Formula{Stencil: []Point{{-1, -1}, {0, 1}}, Order: 1, Step: 2e-8}
	Central  = Formula{Stencil: []Point{{-1, -0.5}, {1, 0.5}}, Order: 2, Step: 6e-6}
	Central5 = Formula{Stencil: []Point{{-2, 1.0 / 12}, {-1, -8.0 / 12}, {1, 8.0 / 12}, {2, -1.0 / 12}}, Order: 4, Step: 1e-3}
)

// Step returns the step h used at x for the relative step c:
//
//	h = fl(fl(x + c·max(1, |x|)) − x),
//
// so that x + h is exactly representable and the stencil's displacement is
// the step that the formula divides by. (For c·max(1,|x|) ≥ ulp(x) the
// subtraction is exact by Sterbenz's lemma.) A non-finite x gives NaN.
func Step(x, c float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return math.NaN()
	}
	h := c * math.Max(1, math.Abs(x))
	// The conversions forbid the compiler from fusing or reassociating.
	t := float64(x + h)
	return float64(t - x)
}
