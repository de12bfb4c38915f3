package fuzz

import (
	"fmt"
	"math"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
)

// The verdicts of a [Comparison] and of [CheckGradient] are numgrad's
// statuses, the one vocabulary of every check: Pass; Fail; NonFinite (a
// parameter, a data value, the cost, the gradient or the reference is NaN
// or ±Inf: no verdict, and never a pass); Kink (a branch of ReLU or leaky
// ReLU was decided within rounding of the kink, where the derivative
// depends on the order of evaluation: no verdict); Undecided (the rounding
// is too large for the first-order bound, see runerr.MaxRel, or a product
// underflows: no verdict).
type Verdict = numgrad.Status

// The verdicts, numgrad's statuses under the names fuzz targets use.
const (
	Pass      = numgrad.Pass
	Fail      = numgrad.Fail
	NonFinite = numgrad.NonFinite
	Kink      = numgrad.Kink
	Undecided = numgrad.Undecided
)

// Comparison is a model's gradient held against the exact reference of a
// network with the same cost (see [Compare]).
type Comparison struct {
	Verdict Verdict
	// Cost and Grad are the model's; Ref is the reference.
	Cost float64
	Grad []float64
	Ref  *runerr.Ref
	// Tol[i] = Ref.Slack·Ref.Err[i] is component i's tolerance, CostTol
	// the cost's.
	Tol     []float64
	CostTol float64
	// Mismatch lists the components outside tolerance, in order.
	Mismatch []int
	// Why says what is not finite, or which branch is near its kink, or
	// how large the perturbation is, when the verdict is not Pass or Fail.
	Why    string
	layout backprop.Layout
}

// Compare computes m's cost and gradient on b and holds them against the
// exact gradient of net's cost at m's parameters (runerr.Gradient): component
// i agrees if |g_i − r_i| ≤ Slack·Err_i, the bound of both evaluations'
// rounding. m is the model under test and net a network that has the same
// cost (often m is net itself; a wrapper that changes only the gradient is
// what a checker must catch). net's parameters are not used or changed.
//
// The verdict is never Pass when any parameter, data value, cost, gradient
// component or bound is NaN or ±Inf: a NaN hidden by a ReLU (which maps NaN
// to 0) is still reported. It returns an error only if b does not fit the
// model or the network.
func Compare(m backprop.Model, net *backprop.Network, b backprop.Batch) (*Comparison, error) {
	if m.NumParams() != net.NumParams() {
		return nil, fmt.Errorf("fuzz: Compare: the model has %d parameters, the network %d", m.NumParams(), net.NumParams())
	}
	theta := m.ParamsTo(nil)
	c := &Comparison{Grad: make([]float64, len(theta)), layout: net.Layout()}
	var err error
	if c.Cost, err = m.Gradient(c.Grad, b); err != nil {
		return nil, err
	}
	if c.Ref, err = runerr.Gradient(net, theta, b); err != nil {
		return nil, err
	}
	c.Tol = make([]float64, len(theta))
	for i, e := range c.Ref.Err {
		c.Tol[i] = c.Ref.Slack * e
	}
	c.CostTol = c.Ref.Slack * c.Ref.CostErr

	switch {
	case c.nonFinite(theta, b):
		c.Verdict = NonFinite
		return c, nil
	case c.Ref.Overflow:
		c.Verdict = Undecided
		c.Why = "an intermediate of the reference overflows before a branch, which may hide it (ReLU maps NaN to 0): its value need not be the cost's"
		return c, nil
	case c.Ref.Near && hasKink(net):
		c.Verdict = Kink
		c.Why = "a ReLU pre-activation is within rounding of 0"
		return c, nil
	case c.Ref.Underflow:
		c.Verdict = Undecided
		c.Why = "a product underflows (below 2⁻¹⁰²²), whose absolute error another order of evaluation may amplify"
		return c, nil
	case !(c.Ref.Rel <= runerr.MaxRel):
		c.Verdict = Undecided
		c.Why = fmt.Sprintf("an argument of exp, log, tanh or a division is perturbed by %.1e of itself (> %g)", c.Ref.Rel, runerr.MaxRel)
		return c, nil
	}
	for i, g := range c.Grad {
		if !(math.Abs(g-c.Ref.Grad[i]) <= c.Tol[i]) {
			c.Mismatch = append(c.Mismatch, i)
		}
	}
	c.Verdict = Pass
	if len(c.Mismatch) > 0 || !(math.Abs(c.Cost-c.Ref.Cost) <= c.CostTol) {
		c.Verdict = Fail
	}
	return c, nil
}

// nonFinite reports whether anything that goes into or comes out of the
// comparison is NaN or ±Inf, and says what in c.Why.
func (c *Comparison) nonFinite(theta []float64, b backprop.Batch) bool {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	for i, v := range theta {
		if bad(v) {
			c.Why = fmt.Sprintf("parameter %d (%s) is %v", i, c.where(i), v)
			return true
		}
	}
	for i := range b.Len() {
		x, y := b.Sample(i)
		for k, v := range x {
			if bad(v) {
				c.Why = fmt.Sprintf("sample %d input %d is %v", i, k, v)
				return true
			}
		}
		for k, v := range y {
			if bad(v) {
				c.Why = fmt.Sprintf("sample %d target %d is %v", i, k, v)
				return true
			}
		}
	}
	if bad(c.Cost) || bad(c.Ref.Cost) || bad(c.CostTol) {
		c.Why = fmt.Sprintf("the cost is %v (reference %v ± %v)", c.Cost, c.Ref.Cost, c.CostTol)
		return true
	}
	for i, g := range c.Grad {
		if bad(g) || bad(c.Ref.Grad[i]) || bad(c.Tol[i]) {
			c.Why = fmt.Sprintf("∂C/∂θ_%d (%s) is %v (reference %v ± %v)", i, c.where(i), g, c.Ref.Grad[i], c.Tol[i])
			return true
		}
	}
	return false
}

func hasKink(net *backprop.Network) bool {
	for _, a := range net.Config().Activations {
		if a.HasKink() {
			return true
		}
	}
	return false
}

func (c *Comparison) where(i int) string {
	if loc, ok := c.layout.Locate(i); ok {
		return loc.String()
	}
	return fmt.Sprintf("parameter %d", i)
}

// String reports the verdict and, for a failure, every component outside
// tolerance with its location.
func (c *Comparison) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "%v", c.Verdict)
	if c.Why != "" {
		fmt.Fprintf(&s, ": %s", c.Why)
	}
	if c.Ref != nil && !(math.Abs(c.Cost-c.Ref.Cost) <= c.CostTol) && c.Verdict == Fail {
		fmt.Fprintf(&s, "\n  cost: model %v, reference %v, |Δ| = %.3g > tol %.3g", c.Cost, c.Ref.Cost, math.Abs(c.Cost-c.Ref.Cost), c.CostTol)
	}
	for _, i := range c.Mismatch {
		fmt.Fprintf(&s, "\n  %s: model %v, reference %v, |Δ| = %.3g > tol %.3g", c.where(i), c.Grad[i], c.Ref.Grad[i], math.Abs(c.Grad[i]-c.Ref.Grad[i]), c.Tol[i])
	}
	return s.String()
}
