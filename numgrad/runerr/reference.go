package runerr

import (
	"math"

	"github.com/gradcheck/gradcheck/backprop"
)

// Ref is the exact gradient of a network's cost, to rounding, with a bound
// on that rounding.
type Ref struct {
	// Cost is C(θ; b) and CostErr bounds |Cost − C| (first order).
	Cost, CostErr float64
	// Grad[i] is ∂C/∂θ_i and Err[i] bounds |Grad[i] − ∂C/∂θ_i| (first
	// order).
	Grad, Err []float64
	// Slack is the factor by which another correct evaluation of the same
	// formulas in a different order, such as backprop's, may exceed these
	// bounds (see [Gradient]).
	Slack float64
	// Near is set when some branch (ReLU's kink, the stable forms of the
	// sigmoid and softplus) was decided on a value within Slack times its
	// own rounding bound of the threshold 0, so that another evaluation
	// may take the other branch. For ReLU and leaky ReLU the derivative
	// then depends on the evaluation: no verdict.
	Near bool
	// Rel is the largest relative perturbation of the argument of any
	// nonlinear function; the first-order bounds hold while it is small
	// (see [Gradient]).
	Rel float64
	// Underflow is set when a product, quotient or exponential of this
	// evaluation underflowed (see [Gradient]).
	Underflow bool
	// Overflow is set when a branch of this evaluation was decided on a
	// value that is ±Inf or NaN, or whose bound is: an intermediate
	// overflowed in this order of evaluation (1e308 + 1e308 − 1e308) and
	// the branch may have hidden it (ReLU maps NaN to 0), so that Cost and
	// Grad need not be C's even where they are finite. A caller then has
	// no verdict.
	Overflow bool
}

// Gradient returns ∂C/∂θ of net's cost on b by forward-mode dual numbers,
// one parameter at a time through [backprop.CostAt], which evaluates the
// same definitions of each activation and loss as the network's own
// forward pass but sample by sample, in its own order. The derivative is
// exact up to float64 rounding; the rounding is bounded by running error
// analysis (see bounded.go): |Grad[i] − ∂C/∂θ_i| ≤ Err[i] to first order
// in u = 2⁻⁵³.
//
// # Why another evaluation may differ by Slack·Err
//
// The bound is that of this evaluation order. Backprop sums the same terms
// in another order (BLAS products, the batch summed after scaling by 1/B)
// and writes some derivatives differently (σ′ = σ(z)σ(−z), the softmax
// cross-entropy's ∂e/∂a in closed form). A sum of n terms in any order is
// within (n−1)·u·Σ|terms| of exact, and the running bound here charges
// every sum at least u·Σ|terms|, so another order's error on each sum is at
// most n−1 times the one charged here; the other formulas are each within
// a few ulps, as are these. Slack = 2n + 2, with n the longest sum (the
// widest layer plus its bias, or the batch), covers both evaluations: the
// other within (2n)·Err of exact and this one within Err, plus one more
// Err for the comparison's own rounding.
//
// # When there is no verdict
//
// First order means the errors are small enough that the curvature of the
// nonlinear functions does not matter: Rel, the largest u·E/|x| of any
// argument x of exp, log, log1p, tanh or a division, must be ≪ 1. A caller
// compares only when Rel ≤ MaxRel, where the neglected second-order terms
// are below 1e-4 of the first-order ones.
//
// # Underflow
//
// Below 2⁻¹⁰²² a product keeps an absolute error of 2⁻¹⁰⁷⁵ rather than a
// relative one, and another order of the same products can amplify it:
// backprop forms δˡ = ∂C/∂zˡ first and multiplies by aˡ⁻¹ last, so a δ that
// underflows to 0 takes the whole component with it even when aˡ⁻¹ is
// 1e200 and the forward order, multiplying aˡ⁻¹ in first, keeps it. Such
// an underflow shows here too, in the component of a bias (whose
// derivative is δ itself) if nowhere else, and sets Underflow: a caller
// then has no verdict.
//
// net's parameters are neither used nor changed; theta is the point. It
// returns an error if b does not fit net.
func Gradient(net *backprop.Network, theta []float64, b backprop.Batch) (*Ref, error) {
	c := net.Config()
	n := b.Len()
	for _, s := range c.Sizes {
		n = max(n, s+1)
	}
	t := &tracker{slack: float64(2*n + 2)}
	x := make([]bounded, len(theta))
	for i, v := range theta {
		x[i] = bounded{V: v, MV: math.Abs(v), t: t}
	}
	r := &Ref{Grad: make([]float64, len(theta)), Err: make([]float64, len(theta)), Slack: t.slack}
	if len(theta) == 0 {
		v, err := backprop.CostAt(net, x, b)
		if err != nil {
			return nil, err
		}
		r.Cost, r.CostErr = v.V, u*v.EV
	}
	for i := range theta {
		x[i].D, x[i].MD = 1, 1
		v, err := backprop.CostAt(net, x, b)
		x[i].D, x[i].MD = 0, 0
		if err != nil {
			return nil, err
		}
		r.Cost, r.CostErr = v.V, u*v.EV
		r.Grad[i], r.Err[i] = v.D, u*v.ED
	}
	r.Near, r.Rel, r.Underflow, r.Overflow = t.near, t.rel, t.under, t.overflow
	return r, nil
}

// MaxRel is the largest [Ref.Rel] for which a first-order bound is
// trusted: the second-order terms are then at most MaxRel/2 relative to
// the first-order ones (the curvature of exp, tanh and log is of the order
// of their slope on the scale of their argument).
const MaxRel = 1e-4

// Cost is the cost half of [Gradient]: C(θ; b) with the running
// bound CostErr on its rounding, and Slack, Near and Rel, from one
// evaluation of the cost instead of one per parameter; Grad and Err are
// nil. Another correct evaluation of the same definitions in another
// order (another framework's, say) lies within Slack·CostErr of Cost while
// Rel ≤ MaxRel, for the reasons given at [Gradient].
func Cost(net *backprop.Network, theta []float64, b backprop.Batch) (*Ref, error) {
	n := b.Len()
	for _, s := range net.Config().Sizes {
		n = max(n, s+1)
	}
	t := &tracker{slack: float64(2*n + 2)}
	x := make([]bounded, len(theta))
	for i, v := range theta {
		x[i] = bounded{V: v, MV: math.Abs(v), t: t}
	}
	v, err := backprop.CostAt(net, x, b)
	if err != nil {
		return nil, err
	}
	return &Ref{Cost: v.V, CostErr: u * v.EV, Slack: t.slack, Near: t.near, Rel: t.rel, Overflow: t.overflow}, nil
}
