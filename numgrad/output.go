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
		if len(r.Components) > 0 {
			p("the projections did not all agree: full check by central differences to decide and locate")
		}
	}
	if len(r.Groups) > 0 {
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "%s  group\tshape\tchecked\tpass\tkink\tundecided\tfail\tworst/tol\tfloor\tmax rel err\t\n", indent)
		for _, g := range r.Groups {
			shape := g.Block.ShapeString()
			if g.Flat {
				shape = fmt.Sprint(g.Block.Rows)
			}
			verdict := "ok"
			switch {
			case g.NonFinite > 0:
				verdict = "NaN"
			case g.Failed > 0:
				verdict = "WRONG"
			case g.Undecided > 0:
				verdict = "undecided"
			}
			fmt.Fprintf(tw, "%s  %s\t%s\t%d\t%d\t%d\t%d\t%d\t%.2g\t%.1e\t%.1e\t%s\n", indent, g.Name(), shape, g.Checked, g.Passed, g.Kinks, g.Undecided, g.Failed, g.MaxScore, g.MaxFloor, g.MaxRelErr, verdict)
		}
		tw.Flush()
		p("(worst/tol: the largest |claimed − estimate| over its tolerance, ≤ 1 passes; floor: the largest detection floor, above which an error fails; the relative error |claimed − estimate|/max(|claimed|, |estimate|) is 1 for a tiny component whatever its tolerance)")
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
			p("  → converges (slope %.1f) to %.1e at h = %.1e: right", s.Slope, s.Gap, s.Steps[s.Best])
		case LevelsOff:
			p("  → levels off at a gap of %.3g (slope %.1f) above the bound %.1e: wrong", s.Gap, s.Slope, s.Bound)
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
		more := ""
		if r.Undecided > len(names) {
			more = fmt.Sprintf(" and %d more", r.Undecided-len(names))
		}
		p("warning: %d undecided (%s%s): neither right nor wrong on this evidence; their notes say why (strict mode fails them)", r.Undecided, strings.Join(names, ", "), more)
	}
	p("verdict: %s", r.verdict())
	_, err := io.WriteString(w, b.String())
	return err
}

// Verdict returns the text of the report's verdict line: "RIGHT (…)",
// "RIGHT where decided, N undecided (…)" or "WRONG (…)".
func (r *Report) Verdict() string { return r.verdict() }

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

// The wire forms of a report: NaN and ±Inf as strings (see Record).
type (
	locationJSON struct {
		Layer int    `json:"layer"`
		Group string `json:"group"`
		Row   int    `json:"row"`
		Col   int    `json:"col"`
		Name  string `json:"name,omitempty"`
		Index []int  `json:"index,omitempty"`
	}
	componentJSON struct {
		Index    int           `json:"index"`
		Loc      *locationJSON `json:"location,omitempty"`
		Claimed  jf            `json:"claimed"`
		Estimate jf            `json:"estimate"`
		Bound    jf            `json:"bound"`
		Tol      jf            `json:"tol"`
		FailAt   jf            `json:"fail_at"`
		Floor    jf            `json:"floor"`
		RelErr   jf            `json:"rel_err"`
		Score    jf            `json:"score"`
		Status   Status        `json:"status"`
		Step     jf            `json:"step"`
		Left     jf            `json:"left,omitempty"`
		Right    jf            `json:"right,omitempty"`
		Note     string        `json:"note,omitempty"`
	}
	groupJSON struct {
		Layer     int    `json:"layer"`
		Group     string `json:"group"`
		Rows      int    `json:"rows"`
		Cols      int    `json:"cols"`
		Offset    int    `json:"offset"`
		Name      string `json:"name,omitempty"`
		Shape     []int  `json:"shape,omitempty"`
		Flat      bool   `json:"flat,omitempty"`
		Checked   int    `json:"checked"`
		Passed    int    `json:"passed"`
		Failed    int    `json:"failed"`
		Kinks     int    `json:"kinks"`
		Undecided int    `json:"undecided"`
		NonFinite int    `json:"non_finite"`
		MaxRelErr jf     `json:"max_rel_err"`
		MaxScore  jf     `json:"max_score"`
		MaxFloor  jf     `json:"max_floor"`
		Worst     int    `json:"worst"`
		Ratio     jf     `json:"ratio"`
		Cause     string `json:"cause,omitempty"`
	}
	sweepJSON struct {
		Index     int           `json:"index"`
		Loc       *locationJSON `json:"location,omitempty"`
		Claimed   jf            `json:"claimed"`
		Steps     []jf          `json:"steps"`
		Estimates []jf          `json:"estimates"`
		Errors    []jf          `json:"errors"`
		Crossing  []bool        `json:"crossing"`
		Best      int           `json:"best"`
		Bound     jf            `json:"bound"`
		Slope     jf            `json:"slope"`
		Gap       jf            `json:"gap"`
		Verdict   SweepVerdict  `json:"verdict"`
	}
	projectionJSON struct {
		Claimed  jf     `json:"claimed"`
		Estimate jf     `json:"estimate"`
		Bound    jf     `json:"bound"`
		Tol      jf     `json:"tol"`
		Score    jf     `json:"score"`
		Step     jf     `json:"step"`
		Status   Status `json:"status"`
	}
	fastJSON struct {
		K           int              `json:"k"`
		Step        jf               `json:"step"`
		Tol         jf               `json:"tol"`
		Detects     jf               `json:"detects_at_1e-6"`
		Status      Status           `json:"status"`
		Projections []projectionJSON `json:"projections"`
	}
	reportJSON struct {
		Version    int             `json:"version"`
		OK         bool            `json:"ok"`
		Verdict    string          `json:"verdict"`
		Method     Method          `json:"method"`
		N          int             `json:"n"`
		F          jf              `json:"f"`
		Noise      jf              `json:"noise"`
		Step       jf              `json:"step"`
		Eps        jf              `json:"eps"`
		ClaimEps   jf              `json:"claim_eps"`
		AbsTol     jf              `json:"abs_tol"`
		RelTol     jf              `json:"rel_tol"`
		Strict     bool            `json:"strict"`
		Floor      jf              `json:"floor"`
		Passed     int             `json:"passed"`
		Failed     int             `json:"failed"`
		Kinks      int             `json:"kinks"`
		Undecided  int             `json:"undecided"`
		NonFinite  int             `json:"non_finite"`
		Located    *groupJSON      `json:"located,omitempty"`
		Flags      []string        `json:"flags,omitempty"`
		Notes      []string        `json:"notes,omitempty"`
		Causes     []string        `json:"causes,omitempty"`
		Failures   []string        `json:"failures,omitempty"`
		Groups     []groupJSON     `json:"groups"`
		Fast       *fastJSON       `json:"fast,omitempty"`
		Sweeps     []sweepJSON     `json:"sweeps,omitempty"`
		Components []componentJSON `json:"components"`
		Replay     *Record         `json:"replay"`
	}
)

// ReportVersion is the version of the report's JSON form (the "version"
// field): 2 since the statuses gained undecided and nondeterministic and
// the components their estimate's bound and floor.
const ReportVersion = 2

func locWire(l *backprop.Location) *locationJSON {
	if l == nil {
		return nil
	}
	w := &locationJSON{Layer: l.Layer, Group: l.Group.String(), Row: l.Row, Col: l.Col, Name: l.Name}
	if l.Name != "" {
		w.Index = append([]int{}, l.Index[:l.Dims]...)
	}
	return w
}

func groupWire(g Group) groupJSON {
	var shape []int
	if g.Block.Named() {
		shape = append([]int{}, g.Block.Shape[:g.Block.Dims]...)
	}
	return groupJSON{Layer: g.Block.Layer, Group: g.Block.Group.String(), Rows: g.Block.Rows, Cols: g.Block.Cols, Offset: g.Block.Offset, Name: g.Block.Name, Shape: shape, Flat: g.Flat,
		Checked: g.Checked, Passed: g.Passed, Failed: g.Failed, Kinks: g.Kinks, Undecided: g.Undecided, NonFinite: g.NonFinite,
		MaxRelErr: jf(g.MaxRelErr), MaxScore: jf(g.MaxScore), MaxFloor: jf(g.MaxFloor), Worst: g.Worst, Ratio: jf(g.Ratio), Cause: g.Cause}
}

// MarshalJSON writes the whole report, components, sweeps and replay
// record included; NaN and ±Inf are written as "NaN", "+Inf", "-Inf".
func (r *Report) MarshalJSON() ([]byte, error) {
	w := reportJSON{Version: ReportVersion, OK: r.OK(), Verdict: r.verdict(), Method: r.Method, N: r.N, F: jf(r.F), Noise: jf(r.Noise), Step: jf(r.Step), Eps: jf(r.Eps),
		ClaimEps: jf(r.ClaimEps), AbsTol: jf(r.AbsTol), RelTol: jf(r.RelTol), Strict: r.Strict, Floor: jf(r.Floor()),
		Passed: r.Passed, Failed: r.Failed, Kinks: r.Kinks, Undecided: r.Undecided, NonFinite: r.NonFinite,
		Flags: r.Flags, Notes: r.Notes, Causes: r.Causes, Failures: r.Failures(), Replay: r.Replay, Groups: []groupJSON{}, Components: []componentJSON{}}
	if g, ok := r.Located(); ok {
		gw := groupWire(g)
		w.Located = &gw
	}
	for _, g := range r.Groups {
		w.Groups = append(w.Groups, groupWire(g))
	}
	for _, c := range r.Components {
		w.Components = append(w.Components, componentJSON{Index: c.Index, Loc: locWire(c.Loc), Claimed: jf(c.Claimed), Estimate: jf(c.Estimate), Bound: jf(c.Bound),
			Tol: jf(c.Tol), FailAt: jf(c.FailAt), Floor: jf(c.Floor), RelErr: jf(c.RelErr), Score: jf(c.Score), Status: c.Status, Step: jf(c.Step),
			Left: jf(c.Left), Right: jf(c.Right), Note: c.Note})
	}
	for _, s := range r.Sweeps {
		w.Sweeps = append(w.Sweeps, sweepJSON{Index: s.Index, Loc: locWire(s.Loc), Claimed: jf(s.Claimed), Steps: jfs(s.Steps), Estimates: jfs(s.Estimates),
			Errors: jfs(s.Errors), Crossing: s.Crossing, Best: s.Best, Bound: jf(s.Bound), Slope: jf(s.Slope), Gap: jf(s.Gap), Verdict: s.Verdict})
	}
	if f := r.Fast; f != nil {
		fw := &fastJSON{K: f.K, Step: jf(f.Step), Tol: jf(f.Tol), Detects: jf(f.Detects(1e-6)), Status: f.Status()}
		for _, p := range f.Projections {
			fw.Projections = append(fw.Projections, projectionJSON{Claimed: jf(p.Claimed), Estimate: jf(p.Estimate), Bound: jf(p.Bound), Tol: jf(p.Tol), Score: jf(p.Score), Step: jf(p.Step), Status: p.Status})
		}
		w.Fast = fw
	}
	return json.Marshal(w)
}
