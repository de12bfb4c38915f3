package numgrad

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
)

// Component is the check of one partial derivative ∂f/∂x_i.
type Component struct {
	Index int
	// Loc says which layer, group, row and column the component is, when
	// the problem has a layout; nil otherwise.
	Loc *backprop.Location
	// Claimed is the claimed value, Estimate the checker's estimate of
	// ∂f/∂x_i that decided it, and Bound the bound on the estimate's
	// error, from the arithmetic (the noise of f, the steps, the
	// truncation seen between two steps; the rounding of an exact
	// reference): |Estimate − ∂f/∂x_i| ≤ Bound.
	Claimed, Estimate, Bound float64
	// Tol is the largest |Claimed − Estimate| that passes (Bound plus the
	// allowance for the claim's rounding); FailAt the one above which the
	// component fails (Bound plus the largest rounding a correct claim can
	// have): between the two it is Undecided. Floor is the detection
	// floor: a claim whose error exceeds it fails, and a claim that passes
	// errs by at most it (+Inf where no estimate has a bound).
	Tol, FailAt, Floor float64
	// RelErr is RelErr(Claimed, Estimate); Score is |Claimed − Estimate|/Tol:
	// ≤ 1 passes.
	RelErr, Score float64
	Status        Status
	// Step is the step h of Estimate (0 for an exact reference).
	Step float64
	// Left and Right are the one-sided derivatives (f(x) − f(x−h))/h and
	// (f(x+h) − f(x))/h at the step Step, for a component at a kink.
	Left, Right float64
	// Note says how the verdict was reached when the first comparison did
	// not settle it: the step sweep, a kink, the exact reference, a budget.
	Note string
}

// Worse reports whether c should be listed before d: non-finite first,
// then by Score, then by index.
func (c Component) Worse(d Component) bool {
	cn, dn := c.Status == NonFinite || c.Status == Nondeterministic, d.Status == NonFinite || d.Status == Nondeterministic
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

// Ratio returns Claimed/Estimate, the figure that shows a constant factor
// (NaN when Estimate is 0).
func (c Component) Ratio() float64 {
	if c.Estimate == 0 {
		return math.NaN()
	}
	return c.Claimed / c.Estimate
}

// Group summarises the components of one layout block (one layer's
// weights or biases), or of the whole vector when there is no layout.
type Group struct {
	// Block is the layout block; Flat is set when there was no layout.
	Block backprop.Block
	Flat  bool
	// Checked counts the components checked; Passed, Failed (Fail,
	// NonFinite and Nondeterministic), Kinks, Undecided and NonFinite
	// count their verdicts.
	Checked, Passed, Failed, Kinks, Undecided, NonFinite int
	// MaxRelErr is the largest RelErr over the group's components that are
	// not kinks; MaxScore the largest Score (NaN for a non-finite one);
	// MaxFloor the largest finite detection floor.
	MaxRelErr, MaxScore, MaxFloor float64
	// Worst is the index into Report.Components of the group's worst
	// component, −1 if none was checked.
	Worst int
	// Ratio is Claimed/Estimate common to the group's failures when they
	// share one (NaN otherwise); Cause is the likely cause, when the
	// pattern is recognisable.
	Ratio float64
	Cause string
}

// Name returns "layer l weights", the block's name for a named block
// ("x", "gamma"), or "all" for a flat group.
func (g Group) Name() string {
	if g.Flat {
		return "all"
	}
	if g.Block.Named() {
		return g.Block.Name
	}
	return fmt.Sprintf("layer %d %v", g.Block.Layer, g.Block.Group)
}

// Report is the result of a check.
//
// # The verdict
//
// A report with a failed component (Fail, NonFinite, Nondeterministic), a
// failed projection of the fast check or a flag is WRONG: OK is false. A
// report with Undecided components and no failure is "RIGHT where
// decided": OK is true and the report names them, unless the check was
// strict, where OK is false. Kinks do not fail a check.
type Report struct {
	// Method is the method asked for; with MethodFast and a projection that
	// did not pass, the components come from the central check that
	// followed.
	Method Method
	// N is the length of the vector; F is f(x).
	N int
	F float64
	// Noise is the estimated noise ε_f of f (see [Noise]); 0 when the
	// method did not need it. Step is the relative step c of the method
	// (0 for an exact reference). Eps, ClaimEps, AbsTol, RelTol and Strict
	// are the settings that were used.
	Noise, Step, Eps, ClaimEps, AbsTol, RelTol float64
	Strict                                     bool
	// Components holds the checked components in index order; empty when
	// a fast check passed.
	Components []Component
	// Groups holds one entry per layout block in order (one flat entry
	// without a layout), only for blocks with checked components.
	Groups []Group
	// Passed, Failed, Kinks, Undecided and NonFinite count the components'
	// verdicts (Failed includes NonFinite and Nondeterministic).
	Passed, Failed, Kinks, Undecided, NonFinite int
	// Flags lists conditions that fail the check as a whole, such as a
	// non-finite f(x).
	Flags []string
	// Notes lists declarations of the problem that were not used, and why.
	Notes []string
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

// OK reports whether the gradient passed (see the verdict above).
func (r *Report) OK() bool {
	if r.Failed > 0 || len(r.Flags) > 0 {
		return false
	}
	if r.Fast != nil {
		if st := r.Fast.Status(); st == Fail || st == NonFinite {
			return false
		}
		if len(r.Components) == 0 && r.Fast.Status() != Pass {
			return false
		}
	}
	return !(r.Strict && r.Undecided > 0)
}

// Floor returns the largest detection floor of the decided components
// (Pass, Fail, and Kink judged on x's own piece): every error above it
// fails.
func (r *Report) Floor() float64 {
	f := 0.0
	for _, c := range r.Components {
		if (c.Status == Pass || c.Status == Fail || c.Status == Kink) && finite(c.Floor) {
			f = math.Max(f, c.Floor)
		}
	}
	return f
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
		fmt.Fprintf(&b, "%s: %d of %d wrong; worst %s: claimed %.6g, estimate %.6g (±%.1e)", g.Name(), g.Failed, g.Checked, c.Name(), c.Claimed, c.Estimate, c.Tol)
		switch c.Status {
		case NonFinite:
			fmt.Fprintf(&b, ", not finite")
		case Nondeterministic:
			fmt.Fprintf(&b, ", nondeterministic")
		default:
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
