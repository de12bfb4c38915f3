package numgrad

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
)

// Status is the verdict on one component.
type Status int

const (
	// Pass: the analytic value agrees with the numerical one within the
	// tolerance (see [Within]).
	Pass Status = iota
	// Fail: it does not, even with the best step of a step sweep.
	Fail
	// Kink: the cost is not differentiable at the point along this
	// coordinate (a ReLU pre-activation is 0 there), and the analytic value
	// lies between the one-sided derivatives, as the derivative of either
	// piece does. Neither pass nor fail: no single derivative exists.
	Kink
	// NonFinite: the analytic value, the numerical one or f itself is NaN or
	// ±Inf. A failure: such a gradient is never accepted.
	NonFinite
)

var statusNames = [...]string{"pass", "FAIL", "kink", "NaN"}

func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return fmt.Sprintf("Status(%d)", int(s))
	}
	return statusNames[s]
}

// Failed reports whether s counts against the gradient.
func (s Status) Failed() bool { return s == Fail || s == NonFinite }

// Component is the check of one partial derivative ∂f/∂x_i.
type Component struct {
	Index int
	// Loc says which layer, group, row and column the component is, when
	// the check was given a layout; nil otherwise.
	Loc *backprop.Location
	// Analytic is the claimed value, Numerical the checker's.
	Analytic, Numerical float64
	// Tol is the absolute tolerance τ_i: the bound on |Numerical − f′|
	// derived from the noise of f, the step and the truncation estimate,
	// plus the allowance for the analytic value's own rounding (see the
	// package documentation).
	Tol float64
	// RelErr is RelErr(Analytic, Numerical); Score is Score(Analytic,
	// Numerical, Tol, RelTol): ≤ 1 passes.
	RelErr, Score float64
	Status        Status
	// Step is the step h of Numerical (0 for an exact reference).
	Step float64
	// Left and Right are the one-sided derivatives (f(x) − f(x−h))/h and
	// (f(x+h) − f(x))/h at the step Step, for a Kink or a failure at one.
	Left, Right float64
	// Note says how the verdict was reached when the first comparison did
	// not settle it: the step sweep, a kink, a group over its budget.
	Note string
}

// Worse reports whether c should be listed before d: non-finite first,
// then by Score, then by index.
func (c Component) Worse(d Component) bool {
	cn, dn := c.Status == NonFinite, d.Status == NonFinite
	if cn != dn {
		return cn
	}
	cs, ds := c.Score, d.Score
	if math.IsNaN(cs) {
		cs = math.Inf(1)
	}
	if math.IsNaN(ds) {
		ds = math.Inf(1)
	}
	if cs != ds {
		return cs > ds
	}
	return c.Index < d.Index
}

// Name returns the component's location, or "component i" without a
// layout.
func (c Component) Name() string {
	if c.Loc != nil {
		return c.Loc.String()
	}
	return fmt.Sprintf("component %d", c.Index)
}

// Ratio returns Analytic/Numerical, the figure that shows a constant
// factor (NaN when Numerical is 0).
func (c Component) Ratio() float64 {
	if c.Numerical == 0 {
		return math.NaN()
	}
	return c.Analytic / c.Numerical
}

// Group summarises the components of one layout block (one layer's
// weights or biases), or of the whole vector when there is no layout.
type Group struct {
	// Block is the layout block; Flat is set when there was no layout.
	Block backprop.Block
	Flat  bool
	// Checked counts the components checked; Passed, Failed (Fail and
	// NonFinite), Kinks and NonFinite count their verdicts.
	Checked, Passed, Failed, Kinks, NonFinite int
	// MaxRelErr is the largest RelErr over the group's components that are
	// not kinks; MaxScore the largest Score (NaN for a non-finite one).
	MaxRelErr, MaxScore float64
	// Worst is the index into Report.Components of the group's worst
	// component, −1 if none was checked.
	Worst int
	// Ratio is Analytic/Numerical common to the group's failures when they
	// share one (NaN otherwise); Cause is the likely cause, when the
	// pattern is recognisable.
	Ratio float64
	Cause string
}

// Name returns "layer l weights" or "all" for a flat group.
func (g Group) Name() string {
	if g.Flat {
		return "all"
	}
	return fmt.Sprintf("layer %d %v", g.Block.Layer, g.Block.Group)
}

// Report is the result of a check.
type Report struct {
	// Method is the method asked for; with MethodFast and a failed
	// projection the components come from the central check that followed.
	Method Method
	// N is the length of the vector; F is f(x).
	N int
	F float64
	// Noise is the estimated noise ε_f of f (see [Noise]); 0 when the
	// method did not need it. Step is the relative step c of the method
	// (0 for an exact reference). Eps, AbsTol and RelTol are the settings
	// that were used (AbsTol 0: derived per component).
	Noise, Step, Eps, AbsTol, RelTol float64
	// Components holds the checked components in index order; empty when
	// a fast check passed.
	Components []Component
	// Groups holds one entry per layout block in order (one flat entry
	// without a layout), only for blocks with checked components.
	Groups []Group
	// Passed, Failed, Kinks and NonFinite count the components' verdicts
	// (Failed includes NonFinite).
	Passed, Failed, Kinks, NonFinite int
	// Flags lists conditions that fail the check as a whole, such as a
	// non-finite f(x).
	Flags []string
	// Fast holds the projections of a fast check.
	Fast *Fast
	// Sweeps holds the step sweeps of the worst suspicious components.
	Sweeps []Sweep
	// Causes lists the likely causes found across groups, most specific
	// first.
	Causes []string
	// Replay is everything needed to run this check again (see [Replay]).
	Replay *Record
}

// OK reports whether the gradient passed: no failed or non-finite
// component, no flag, and (for a fast check that stopped there) every
// projection within its tolerance. Kinks do not fail a check.
func (r *Report) OK() bool {
	if r.Failed > 0 || len(r.Flags) > 0 {
		return false
	}
	if r.Fast != nil && len(r.Components) == 0 {
		return r.Fast.OK()
	}
	return true
}

// Worst returns up to k components, worst first (k < 0: all).
func (r *Report) Worst(k int) []Component {
	c := append([]Component(nil), r.Components...)
	sort.Slice(c, func(i, j int) bool { return c[i].Worse(c[j]) })
	if k >= 0 && k < len(c) {
		c = c[:k]
	}
	return c
}

// Located returns the group where the error enters: the failing group of
// the highest layer, since backpropagation runs from the last layer to the
// first and every layer to the left of a wrong one inherits its error.
// Within that layer it prefers weights when both groups fail. ok is false
// when no group failed.
func (r *Report) Located() (g Group, ok bool) {
	best := -1
	for k, gr := range r.Groups {
		if gr.Failed == 0 {
			continue
		}
		if best < 0 || gr.Block.Layer > r.Groups[best].Block.Layer {
			best = k
		}
	}
	if best < 0 {
		return Group{}, false
	}
	return r.Groups[best], true
}

// Failures returns a sentence per failing group: which component is
// worst, both values, the ratio, the relative error and the likely cause.
func (r *Report) Failures() []string {
	var out []string
	for _, g := range r.Groups {
		if g.Failed == 0 || g.Worst < 0 {
			continue
		}
		c := r.Components[g.Worst]
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %d of %d wrong; worst %s: analytic %.6g, numerical %.6g (±%.1e)", g.Name(), g.Failed, g.Checked, c.Name(), c.Analytic, c.Numerical, c.Tol)
		if c.Status == NonFinite {
			fmt.Fprintf(&b, ", not finite")
		} else {
			fmt.Fprintf(&b, ", ratio %.6g, rel err %.2g", c.Ratio(), c.RelErr)
		}
		if c.Note != "" {
			fmt.Fprintf(&b, " [%s]", c.Note)
		}
		if g.Cause != "" {
			fmt.Fprintf(&b, "; likely cause: %s", g.Cause)
		}
		out = append(out, b.String())
	}
	return out
}
