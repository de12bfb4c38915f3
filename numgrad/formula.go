package numgrad

// Point is one evaluation of a stencil: f is evaluated at x + Loc·h and
// weighted by Coeff.
type Point struct {
	Loc   float64
	Coeff float64
}

// Formula is a finite-difference scheme for the first derivative:
// f′(x) ≈ Σ_k Coeff_k·f(x + Loc_k·h) / h.
type Formula struct {
	Stencil []Point
	// Order is the order of the truncation error, O(h^Order).
	Order int
	// Step is the default relative step: h = Step·max(1, |x|). It balances
	// the truncation error against rounding, h ≈ eps^{1/(Order+1)}.
	Step float64
}

// The standard formulas.
var (
	Forward  = Formula{Stencil: []Point{{0, -1}, {1, 1}}, Order: 1, Step: 2e-8}
	Backward = Formula{Stencil: []Point{{-1, -1}, {0, 1}}, Order: 1, Step: 2e-8}
	Central  = Formula{Stencil: []Point{{-1, -0.5}, {1, 0.5}}, Order: 2, Step: 6e-6}
	Central5 = Formula{Stencil: []Point{{-2, 1.0 / 12}, {-1, -8.0 / 12}, {1, 8.0 / 12}, {2, -1.0 / 12}}, Order: 4, Step: 1e-3}
)
