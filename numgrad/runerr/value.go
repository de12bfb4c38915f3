package runerr

import "math"

// Value is this package's dual number with a running error bound (see
// bounded.go), for a caller's own code written over backprop.Scalar: a
// layer's forward pass evaluated over Value gives its derivative along the
// seeded direction with a bound on the rounding of that evaluation, to
// first order in u. Package layer's soundness suite measures the size of
// planted errors with it, as numgrad's suite does with a network's term
// scale; package numgrad uses it as a dual-number reference whose rounding
// is known (numgrad.Problem.Bounded).
//
// Inputs made by [NewValue] carry no record of the evaluation; inputs made
// by [Seed] share one. Besides the methods of backprop.Scalar, a Value has
// (documented on the unexported type, which go doc does not list):
//
//	Bounds() (v, d, errV, errD float64) // V, D and their bounds: |V − v| ≤ errV, |D − d| ≤ errD
//	Trusted() bool                      // whether those bounds hold (see Seed's record)
type Value = bounded

// NewValue returns the exact input v + d·ε. It records nothing (see
// [Seed] for inputs whose evaluation is recorded).
func NewValue(v, d float64) Value {
	return bounded{V: v, D: d, MV: math.Abs(v), MD: math.Abs(d)}
}

// Seed returns x as the inputs of one evaluation for the partial
// derivative along x_i: x_i + ε, every other x_k the constant x_k, all
// exact and sharing one new record of what the first-order bound needs
// (see [Value.Trusted]); i < 0 seeds none, for the value alone. It reuses
// dst where len(dst) = len(x). Every value computed from these inputs
// carries the record; a constant made from the zero Value (var zero
// Value; zero.Const(c)) joins it at its first operation with one of them.
//
// One record serves one evaluation: seed again for the next, and do not
// share the inputs between goroutines.
func Seed(dst []Value, x []float64, i int) []Value {
	if len(dst) != len(x) {
		dst = make([]Value, len(x))
	}
	// slack 1: a branch is near when this evaluation's own bound does not
	// exclude the exact value lying on the threshold's other side.
	t := &tracker{slack: 1}
	for k, v := range x {
		dst[k] = bounded{V: v, MV: math.Abs(v), t: t}
	}
	if i >= 0 {
		dst[i].D, dst[i].MD = 1, 1
	}
	return dst
}

// Bounds returns the value, the derivative, and the bounds on their
// rounding errors: |V − v| ≤ errV and |D − d| ≤ errD to first order, v and
// d the exact value and derivative of the same expression at the same
// inputs.
func (x bounded) Bounds() (v, d, errV, errD float64) { return x.V, x.D, u * x.EV, u * x.ED }

// Trusted reports whether the bounds of x ([Value.Bounds]) hold for the
// evaluation that computed it from inputs made by [Seed]:
//
//   - every argument of exp, log, log1p, tanh, √ and of a division was
//     perturbed by at most MaxRel of itself (Ref.Rel), so that the
//     neglected second-order terms stay below MaxRel/2 of the bound;
//   - no branch was decided on a value that is ±Inf or NaN or whose bound
//     is (Ref.Overflow): the branch may have hidden an overflow;
//   - no branch was decided on a value within its own bound of the
//     threshold 0 (Ref.Near at slack 1): the exact value may lie on the
//     other side, and the derivative of the exact expression be the other
//     piece's, which no bound on this piece's rounding covers.
//
// An underflow does not distrust x: the bound charges every product,
// quotient and library function 2⁻¹⁰⁷⁵ for it, in this order of
// evaluation (Ref.Underflow is about another order's). A value with no
// record (computed from [NewValue] inputs or constants alone) is not
// trusted: nothing says what happened to it.
func (x bounded) Trusted() bool {
	t := x.t
	return t != nil && t.rel <= MaxRel && !t.overflow && !t.near
}
