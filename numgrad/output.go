package numgrad

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/gradcheck/gradcheck/backprop"
)

// WriteTable writes the report for a reader: a header with the method,
// step and noise, one row per group (layer and weights or biases), the
// failures with their likely causes, the step sweeps kept, and a verdict
// line. Every line starts with indent.
func (r *Report) WriteTable(w io.Writer, indent string) error {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, indent+format+"\n", a...) }
	step := "exact, no step"
	if r.Step != 0 {
		step = fmt.Sprintf("h = %.3g·max(1,|θ|)", r.Step)
		if r.Method == MethodRichardson {
			step = fmt.Sprintf("h = %.3g·max(1,|θ|)·2⁻ᵏ, k = 0…%d", r.Step, ladderLevels-1)
		}
	}
	prec := ""
	if r.ClaimEps != r.Eps && r.ClaimEps != 0 {
		prec = fmt.Sprintf(", claim's unit roundoff %.2g", r.ClaimEps)
	}
	p("gradient check by %s (%s), %d parameters, cost %.6g, noise of the cost %.2g%s", methodTitle(r.Method), step, r.N, r.F, r.Noise, prec)
	if r.Fast != nil {
		f := r.Fast
		ok, und := 0, 0
		for _, pr := range f.Projections {
			switch pr.Status {
			case Pass:
				ok++
			case Undecided:
				und++
			}
		}
		p("fast check: %d of %d random projections agree, %d undecided (tolerance up to %.2g); an error e with ‖De‖₂ ≥ %.2g escapes them with probability ≤ 1e-6", ok, f.K, und, f.Tol, f.Detects(1e-6))
		for m, pr := range f.Projections {
			if pr.Note != "" {
				p("projection %d: %v, %s", m, pr.Status, pr.Note)
			}
		}
		if len(r.Components) > 0 {
			p("the projections did not all agree: full check by central differences to decide and locate")
		}
	}
	if len(r.Groups) > 0 {
		// What decides a group comes first (its verdict, then worst/tol and
		// the floor); the counts and the relative error, which decides
		// nothing, after.
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "%s  group\tshape\tverdict\tworst/tol\tfloor\tchecked\tpass\tkink\tundecided\tfail\tmax rel err\n", indent)
		for _, g := range r.Groups {
			shape := g.Block.ShapeString()
			if g.Flat {
				shape = fmt.Sprint(g.Block.Rows)
			}
			verdict := "ok"
			switch {
			case g.NonFinite > 0:
				verdict = "non-finite"
			case g.Failed > 0:
				verdict = "WRONG"
			case g.Undecided > 0:
				verdict = "undecided"
			}
			fmt.Fprintf(tw, "%s  %s\t%s\t%s\t%.2g\t%.1e\t%d\t%d\t%d\t%d\t%d\t%.1e\n", indent, g.Name(), shape, verdict, g.MaxScore, g.MaxFloor, g.Checked, g.Passed, g.Kinks, g.Undecided, g.Failed, g.MaxRelErr)
		}
		tw.Flush()
		for _, l := range tableLegend {
			p("%s", l)
		}
	}
	for _, f := range r.Flags {
		p("NOT FINITE: %s", f)
	}
	for _, n := range r.Notes {
		p("note: %s", n)
	}
	for _, f := range r.Failures() {
		p("FAIL %s", f)
	}
	for _, c := range r.Causes {
		p("likely cause: %s", c)
	}
	for _, s := range r.Sweeps {
		name := fmt.Sprintf("component %d", s.Index)
		if s.Loc != nil {
			name = s.Loc.String()
		}
		var pts []string
		for j := 0; j < len(s.Steps); j += 2 {
			pts = append(pts, fmt.Sprintf("%.0e:%.1e", s.Steps[j], s.Errors[j]))
		}
		p("step sweep of %s (h:|D(h) − claimed|): %s", name, strings.Join(pts, " "))
		switch s.Verdict {
		case Converges:
			p("  → converges (slope %s) to %.1e at h = %.1e: right", slopeText(s.Slope), s.Gap, s.Steps[s.Best])
		case LevelsOff:
			p("  → levels off at a gap of %.3g (slope %s) above the bound %.1e: wrong", s.Gap, slopeText(s.Slope), s.Bound)
		case AtKink:
			p("  → the one-sided derivatives stay apart: a kink")
		case Unsettled:
			p("  → no pair of steps settles it")
		}
	}
	if r.Undecided > 0 {
		var names []string
		for _, c := range r.Components {
			if c.Status == Undecided && len(names) < 5 {
				names = append(names, c.Name())
			}
		}
		p("%s", UndecidedWarning(r.Undecided, names, "their notes say why"))
	}
	p("verdict: %s", r.verdict())
	_, err := io.WriteString(w, b.String())
	return err
}

// Verdict returns the text of the report's verdict line: "RIGHT (…)",
// "RIGHT where decided, N undecided (…)" or "WRONG (…)".
func (r *Report) Verdict() string { return r.verdict() }

// slopeText writes a sweep's slope with one decimal, 0.0 rather than -0.0.
func slopeText(x float64) string {
	v := fmt.Sprintf("%.1f", x)
	if v == "-0.0" {
		return "0.0"
	}
	return v
}

// tableLegend explains the table's columns, once under it: worst/tol
// decides, and the relative error, which reads as a contradiction beside
// "ok" on a component near 0, decides nothing.
var tableLegend = []string{
	"worst/tol: the group's largest |claimed − estimate| over its tolerance; it decides (≤ 1 passes).",
	"floor: the group's largest detection floor; every error above it fails.",
	"max rel err: |claimed − estimate|/max(|claimed|, |estimate|), not a verdict: near 0 a passing one reaches 1.",
}

// verdict is the verdict line's text.
func (r *Report) verdict() string {
	floor := ""
	if f := r.Floor(); f > 0 {
		floor = fmt.Sprintf("; every error above %.1e fails", f)
	}
	unresolved := 0
	for _, c := range r.Components {
		if c.Status == Pass && math.Abs(c.Estimate) <= c.Floor && c.Claimed != c.Estimate {
			unresolved++
		}
	}
	below := ""
	if unresolved > 0 {
		below = fmt.Sprintf("; %d of them are below their floor, so their error is bounded, not their ratio", unresolved)
	}
	kinks := ""
	if r.Kinks > 0 {
		kinks = fmt.Sprintf(", %d at kinks agree with their one-sided derivatives", r.Kinks)
	}
	fastFail := r.Fast != nil && (r.Fast.Status() == Fail || r.Fast.Status() == NonFinite)
	switch {
	case r.Failed == 0 && len(r.Flags) > 0:
		return fmt.Sprintf("WRONG (%s)", r.Flags[0])
	case r.Failed > 0:
		where := ""
		if names := r.wrongNamed(); names != "" {
			where = "; wrong in " + names
		} else if g, ok := r.Located(); ok && !g.Flat {
			where = fmt.Sprintf("; the error enters at %s", g.Name())
		}
		return fmt.Sprintf("WRONG (%d of %d components disagree%s)", r.Failed, len(r.Components), where)
	case fastFail:
		return "WRONG (a random projection disagrees beyond its bound, though no single component resolves the error: it is spread below each component's floor)"
	case r.Fast != nil && len(r.Components) == 0:
		return fmt.Sprintf("RIGHT (every projection agrees; an error e with ‖De‖₂ ≥ %.2g escapes them with probability ≤ 1e-6)", r.Fast.Detects(1e-6))
	case r.Undecided > 0 && r.Strict:
		return fmt.Sprintf("WRONG (strict: %d undecided)", r.Undecided)
	case r.Undecided > 0:
		return fmt.Sprintf("RIGHT where decided, %d undecided (%d components agree%s%s%s)", r.Undecided, r.Passed, kinks, floor, below)
	}
	return fmt.Sprintf("RIGHT (%d components agree%s%s%s)", r.Passed, kinks, floor, below)
}

// wrongNamed lists the named blocks with a failure ("x, gamma"), or ""
// where the layout has none: the blocks of a function's named arguments
// have no backward order in which an error enters, as a network's layers
// do.
func (r *Report) wrongNamed() string {
	var names []string
	for _, g := range r.Groups {
		if g.Failed > 0 && !g.Flat && g.Block.Named() {
			names = append(names, g.Block.Name)
		}
	}
	return strings.Join(names, ", ")
}

func methodTitle(m Method) string {
	switch m {
	case MethodCentral:
		return "central differences"
	case MethodRichardson:
		return "Richardson extrapolation"
	case MethodComplex:
		return "the complex step"
	case MethodDual:
		return "dual numbers"
	case MethodFast:
		return "random projections"
	}
	return m.String()
}

// String returns the table of [Report.WriteTable].
func (r *Report) String() string {
	var b strings.Builder
	r.WriteTable(&b, "")
	return b.String()
}

// ReportVersion is the version of the report's JSON form (the "version"
// field). 2: the statuses gained undecided and nondeterministic and the
// components their estimate's bound and floor. 3: a claim's report is this
// same object with "loss" and "hints" beside the gradient's fields (it was
// {"ok", "loss", "hints", "gradient": {…}}); groups gained "name", and a
// group of a report without a layout is "all".
const ReportVersion = 3

// JSONFloat is a float64 that JSON carries also when it is NaN or ±Inf, as
// the strings "NaN", "+Inf" and "-Inf".
type JSONFloat float64

// MarshalJSON writes v as a number, or as "NaN", "+Inf" or "-Inf".
func (v JSONFloat) MarshalJSON() ([]byte, error) { return jf(v).MarshalJSON() }

// UnmarshalJSON reads a number, or "NaN", "+Inf" ("Inf") or "-Inf".
func (v *JSONFloat) UnmarshalJSON(b []byte) error { return (*jf)(v).UnmarshalJSON(b) }

type (
	// ReportJSON is the JSON form of a [Report], which `gradcheck check
	// --json` prints: one object, the same whether the gradient is a
	// model's own or a claim from elsewhere (package claimed sets Loss and
	// Hints, and OK and Verdict to the claim's). Every float is a JSON
	// number or one of the strings "NaN", "+Inf" and "-Inf" ([JSONFloat]);
	// keys are lower case with underscores. Fields are added without a
	// change of [ReportVersion], so a reader ignores keys it does not know;
	// the version changes when a field changes its meaning or goes away.
	ReportJSON struct {
		// Version is [ReportVersion].
		Version int `json:"version"`
		// OK is false exactly when the check failed (exit code 1):
		// Report.OK, or for a claim claimed.Report.OK.
		OK bool `json:"ok"`
		// Verdict is the verdict line: "RIGHT (…)", "RIGHT where decided,
		// N undecided (…)" or "WRONG (…)"; for a claim, the claim's
		// verdict ("RIGHT (loss and gradient)", "WRONG (the gradient; …)").
		Verdict string `json:"verdict"`
		// Loss is the check of a claimed loss: only in a claim's report
		// whose loss was checked.
		Loss *LossJSON `json:"loss,omitempty"`
		// Hints are a claim's likely causes typical of another framework.
		Hints []string `json:"hints,omitempty"`
		// Method is central, richardson, complex, dual or fast; N the
		// number of components (parameters); F the value f(x) (the cost);
		// Noise the estimated noise of f; Step the relative step c (0 for
		// an exact reference); Eps, ClaimEps, AbsTol, RelTol and Strict the
		// settings; Floor the largest detection floor of the decided
		// components (every error above it fails).
		Method   Method    `json:"method"`
		N        int       `json:"n"`
		F        JSONFloat `json:"f"`
		Noise    JSONFloat `json:"noise"`
		Step     JSONFloat `json:"step"`
		Eps      JSONFloat `json:"eps"`
		ClaimEps JSONFloat `json:"claim_eps"`
		AbsTol   JSONFloat `json:"abs_tol"`
		RelTol   JSONFloat `json:"rel_tol"`
		Strict   bool      `json:"strict"`
		Floor    JSONFloat `json:"floor"`
		// Passed, Failed (fail, non-finite and nondeterministic), Kinks,
		// Undecided and NonFinite count the components' statuses.
		Passed    int `json:"passed"`
		Failed    int `json:"failed"`
		Kinks     int `json:"kinks"`
		Undecided int `json:"undecided"`
		NonFinite int `json:"non_finite"`
		// Located is the group where the error enters (see
		// [Report.Located]); absent when no group failed.
		Located *GroupJSON `json:"located,omitempty"`
		// Flags, Notes, Causes and Failures are the report's sentences
		// (Failures: one per failing group, [Report.Failures]).
		Flags    []string `json:"flags,omitempty"`
		Notes    []string `json:"notes,omitempty"`
		Causes   []string `json:"causes,omitempty"`
		Failures []string `json:"failures,omitempty"`
		// Groups are the table's rows; Fast the fast check's projections;
		// Sweeps the step sweeps kept; Components every component checked,
		// in index order (none when a fast check passed).
		Groups     []GroupJSON     `json:"groups"`
		Fast       *FastJSON       `json:"fast,omitempty"`
		Sweeps     []SweepJSON     `json:"sweeps,omitempty"`
		Components []ComponentJSON `json:"components"`
		// Replay is the record that runs the check again ([ReadRecord]
		// reads it from the whole report).
		Replay *Record `json:"replay"`
	}

	// LocationJSON is a component's place in the layout: layer l (0 reads
	// the input), group "weights" or "biases", row j and column i of
	// W[j][i] (column 0 for a bias); in a named block (backprop.Block.Name)
	// the block's name and the component's index into its shape.
	LocationJSON struct {
		Layer int    `json:"layer"`
		Group string `json:"group"`
		Row   int    `json:"row"`
		Col   int    `json:"col"`
		Name  string `json:"name,omitempty"`
		Index []int  `json:"index,omitempty"`
	}

	// ComponentJSON is a [Component]: its index into the flat vector, its
	// location (absent without a layout), the claimed value, the estimate
	// that decided it and the estimate's error bound, the tolerance (≤ it
	// passes), fail_at (above it fails; between the two it is undecided),
	// the detection floor, the relative error, the score |claimed −
	// estimate|/tol, the status (pass, FAIL, kink, non-finite, undecided,
	// nondeterministic), the step, the one-sided derivatives left and right
	// at a kink, and a note on how the verdict was reached.
	ComponentJSON struct {
		Index    int           `json:"index"`
		Location *LocationJSON `json:"location,omitempty"`
		Claimed  JSONFloat     `json:"claimed"`
		Estimate JSONFloat     `json:"estimate"`
		Bound    JSONFloat     `json:"bound"`
		Tol      JSONFloat     `json:"tol"`
		FailAt   JSONFloat     `json:"fail_at"`
		Floor    JSONFloat     `json:"floor"`
		RelErr   JSONFloat     `json:"rel_err"`
		Score    JSONFloat     `json:"score"`
		Status   Status        `json:"status"`
		Step     JSONFloat     `json:"step"`
		Left     JSONFloat     `json:"left,omitempty"`
		Right    JSONFloat     `json:"right,omitempty"`
		Note     string        `json:"note,omitempty"`
	}

	// GroupJSON is a [Group], a row of the table: its name as the table
	// prints it ("layer 0 weights", a named block's name, "all"), layer
	// and group ("weights", "biases", or "all" without a layout, where flat
	// is true), the block's rows, cols and offset in the flat vector (and
	// a named block's shape), the counts of its
	// components' statuses, the largest relative error (kinks left out),
	// the largest score (worst/tol in the table), the largest detection
	// floor, the index into components of its worst component (−1: none),
	// the ratio claimed/estimate its failures share (NaN: none) and the
	// likely cause.
	GroupJSON struct {
		Name      string    `json:"name"`
		Layer     int       `json:"layer"`
		Group     string    `json:"group"`
		Rows      int       `json:"rows"`
		Cols      int       `json:"cols"`
		Offset    int       `json:"offset"`
		Shape     []int     `json:"shape,omitempty"`
		Flat      bool      `json:"flat,omitempty"`
		Checked   int       `json:"checked"`
		Passed    int       `json:"passed"`
		Failed    int       `json:"failed"`
		Kinks     int       `json:"kinks"`
		Undecided int       `json:"undecided"`
		NonFinite int       `json:"non_finite"`
		MaxRelErr JSONFloat `json:"max_rel_err"`
		MaxScore  JSONFloat `json:"max_score"`
		MaxFloor  JSONFloat `json:"max_floor"`
		Worst     int       `json:"worst"`
		Ratio     JSONFloat `json:"ratio"`
		Cause     string    `json:"cause,omitempty"`
	}

	// SweepJSON is a [Sweep]: the component, the claim, the ladder of
	// steps with the estimate, its distance from the claim and whether its
	// stencil crosses a kink at each, the best step's index, the bound
	// there, the slope of the errors, the gap, and the sweep's verdict
	// ("converges", "levels off", "kink", "unsettled").
	SweepJSON struct {
		Index     int           `json:"index"`
		Location  *LocationJSON `json:"location,omitempty"`
		Claimed   JSONFloat     `json:"claimed"`
		Steps     []JSONFloat   `json:"steps"`
		Estimates []JSONFloat   `json:"estimates"`
		Errors    []JSONFloat   `json:"errors"`
		Crossing  []bool        `json:"crossing"`
		Best      int           `json:"best"`
		Bound     JSONFloat     `json:"bound"`
		Slope     JSONFloat     `json:"slope"`
		Gap       JSONFloat     `json:"gap"`
		Verdict   string        `json:"verdict"`
	}

	// ProjectionJSON is one [Projection] of the fast check.
	ProjectionJSON struct {
		Claimed  JSONFloat `json:"claimed"`
		Estimate JSONFloat `json:"estimate"`
		Bound    JSONFloat `json:"bound"`
		Tol      JSONFloat `json:"tol"`
		Score    JSONFloat `json:"score"`
		Step     JSONFloat `json:"step"`
		Status   Status    `json:"status"`
		Note     string    `json:"note,omitempty"`
	}

	// FastJSON is the fast check ([Fast]): k projections at the step,
	// their largest tolerance, the error size ‖De‖₂ they detect but with
	// probability 1e-6, and their status.
	FastJSON struct {
		K           int              `json:"k"`
		Step        JSONFloat        `json:"step"`
		Tol         JSONFloat        `json:"tol"`
		Detects     JSONFloat        `json:"detects_at_1e-6"`
		Status      Status           `json:"status"`
		Projections []ProjectionJSON `json:"projections"`
	}

	// LossJSON is package claimed's check of a claimed loss: the claimed
	// value, gradcheck's, the rounding bound of their difference, the
	// status (pass, FAIL or undecided) and a note.
	LossJSON struct {
		Claimed  JSONFloat `json:"claimed"`
		Computed JSONFloat `json:"computed"`
		Tol      JSONFloat `json:"tol"`
		Status   Status    `json:"status"`
		Note     string    `json:"note,omitempty"`
	}
)

func locWire(l *backprop.Location) *LocationJSON {
	if l == nil {
		return nil
	}
	w := &LocationJSON{Layer: l.Layer, Group: l.Group.String(), Row: l.Row, Col: l.Col, Name: l.Name}
	if l.Name != "" {
		w.Index = append([]int{}, l.Index[:l.Dims]...)
	}
	return w
}

func groupWire(g Group) GroupJSON {
	group := g.Block.Group.String()
	if g.Flat {
		group = "all"
	}
	var shape []int
	if g.Block.Named() {
		shape = append([]int{}, g.Block.Shape[:g.Block.Dims]...)
	}
	return GroupJSON{Name: g.Name(), Layer: g.Block.Layer, Group: group, Rows: g.Block.Rows, Cols: g.Block.Cols, Offset: g.Block.Offset, Shape: shape, Flat: g.Flat,
		Checked: g.Checked, Passed: g.Passed, Failed: g.Failed, Kinks: g.Kinks, Undecided: g.Undecided, NonFinite: g.NonFinite,
		MaxRelErr: JSONFloat(g.MaxRelErr), MaxScore: JSONFloat(g.MaxScore), MaxFloor: JSONFloat(g.MaxFloor), Worst: g.Worst, Ratio: JSONFloat(g.Ratio), Cause: g.Cause}
}

func floatsWire(x []float64) []JSONFloat {
	if x == nil {
		return nil
	}
	out := make([]JSONFloat, len(x))
	for i, v := range x {
		out[i] = JSONFloat(v)
	}
	return out
}

// JSON returns the report's JSON form, components, sweeps and replay record
// included.
func (r *Report) JSON() *ReportJSON {
	w := &ReportJSON{Version: ReportVersion, OK: r.OK(), Verdict: r.verdict(), Method: r.Method, N: r.N, F: JSONFloat(r.F), Noise: JSONFloat(r.Noise),
		Step: JSONFloat(r.Step), Eps: JSONFloat(r.Eps), ClaimEps: JSONFloat(r.ClaimEps), AbsTol: JSONFloat(r.AbsTol), RelTol: JSONFloat(r.RelTol),
		Strict: r.Strict, Floor: JSONFloat(r.Floor()), Passed: r.Passed, Failed: r.Failed, Kinks: r.Kinks, Undecided: r.Undecided, NonFinite: r.NonFinite,
		Flags: r.Flags, Notes: r.Notes, Causes: r.Causes, Failures: r.Failures(), Replay: r.Replay, Groups: []GroupJSON{}, Components: []ComponentJSON{}}
	if g, ok := r.Located(); ok {
		gw := groupWire(g)
		w.Located = &gw
	}
	for _, g := range r.Groups {
		w.Groups = append(w.Groups, groupWire(g))
	}
	for _, c := range r.Components {
		w.Components = append(w.Components, ComponentJSON{Index: c.Index, Location: locWire(c.Loc), Claimed: JSONFloat(c.Claimed), Estimate: JSONFloat(c.Estimate),
			Bound: JSONFloat(c.Bound), Tol: JSONFloat(c.Tol), FailAt: JSONFloat(c.FailAt), Floor: JSONFloat(c.Floor), RelErr: JSONFloat(c.RelErr),
			Score: JSONFloat(c.Score), Status: c.Status, Step: JSONFloat(c.Step), Left: JSONFloat(c.Left), Right: JSONFloat(c.Right), Note: c.Note})
	}
	for _, s := range r.Sweeps {
		w.Sweeps = append(w.Sweeps, SweepJSON{Index: s.Index, Location: locWire(s.Loc), Claimed: JSONFloat(s.Claimed), Steps: floatsWire(s.Steps),
			Estimates: floatsWire(s.Estimates), Errors: floatsWire(s.Errors), Crossing: s.Crossing, Best: s.Best, Bound: JSONFloat(s.Bound),
			Slope: JSONFloat(s.Slope), Gap: JSONFloat(s.Gap), Verdict: s.Verdict.String()})
	}
	if f := r.Fast; f != nil {
		fw := &FastJSON{K: f.K, Step: JSONFloat(f.Step), Tol: JSONFloat(f.Tol), Detects: JSONFloat(f.Detects(1e-6)), Status: f.Status()}
		for _, p := range f.Projections {
			fw.Projections = append(fw.Projections, ProjectionJSON{Claimed: JSONFloat(p.Claimed), Estimate: JSONFloat(p.Estimate), Bound: JSONFloat(p.Bound),
				Tol: JSONFloat(p.Tol), Score: JSONFloat(p.Score), Step: JSONFloat(p.Step), Status: p.Status, Note: p.Note})
		}
		w.Fast = fw
	}
	return w
}

// MarshalJSON writes the report's JSON form, [Report.JSON].
func (r *Report) MarshalJSON() ([]byte, error) { return json.Marshal(r.JSON()) }

// UndecidedWarning is a report's warning line for n undecided entries, of
// which names are the first few, and why (a clause, or ""): the one wording
// of numgrad's reports and those built on them (numgrad/vector).
func UndecidedWarning(n int, names []string, why string) string {
	more := ""
	if n > len(names) {
		more = fmt.Sprintf(" and %d more", n-len(names))
	}
	if why != "" {
		why = "; " + why
	}
	return fmt.Sprintf("warning: %d undecided (%s%s): neither right nor wrong on this evidence%s (strict mode fails them)", n, strings.Join(names, ", "), more, why)
}
