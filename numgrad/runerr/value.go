package runerr

import "math"

// Value is this package's dual number with a running error bound (see
// bounded.go), for a caller's own code written over backprop.Scalar: a
// layer's forward pass evaluated over Value gives its derivative along the
// seeded direction with a bound on the rounding of that evaluation, to
// first order in u. Package layer's soundness suite measures the size of
// planted errors with it, as numgrad's suite does with a network's term
// scale. It records no branch decisions (see Gradient for those).
type Value = bounded

// NewValue returns the exact input v + d·ε.
func NewValue(v, d float64) Value {
	return bounded{V: v, D: d, MV: math.Abs(v), MD: math.Abs(d)}
}

// Bounds returns the value, the derivative, and the bounds on their
// rounding errors: |V − v| ≤ errV and |D − d| ≤ errD to first order, v and
// d the exact value and derivative of the same expression at the same
// inputs.
func (x bounded) Bounds() (v, d, errV, errD float64) { return x.V, x.D, u * x.EV, u * x.ED }
