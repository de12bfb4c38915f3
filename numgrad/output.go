package numgrad

import (
	"encoding/json"
	"fmt"
	"io"
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
	p("gradient check by %s (%s), %d parameters, cost %.6g, noise of the cost %.2g", methodTitle(r.Method), step, r.N, r.F, r.Noise)
	if r.Fast != nil {
		f := r.Fast
		ok := 0
		for _, pr := range f.Projections {
			if pr.OK {
				ok++
			}
		}
		p("fast check: %d of %d random projections agree (tolerance up to %.2g); an error e with ‖De‖₂ ≥ %.2g escapes them with probability ≤ 1e-6", ok, f.K, f.Tol, f.Detects(1e-6))
		if len(r.Components) > 0 {
			p("a projection disagreed: full check by central differences to locate it")
		}
	}
	if len(r.Groups) > 0 {
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "%s  group\tshape\tchecked\tpass\tkink\tfail\tmax rel err\tworst/tol\t\n", indent)
		for _, g := range r.Groups {
			shape := fmt.Sprintf("%d×%d", g.Block.Rows, g.Block.Cols)
			if g.Block.Group == backprop.Biases || g.Flat {
				shape = fmt.Sprint(g.Block.Rows)
			}
			verdict := "ok"
			switch {
			case g.NonFinite > 0:
				verdict = "NaN"
			case g.Failed > 0:
				verdict = "WRONG"
			}
			fmt.Fprintf(tw, "%s  %s\t%s\t%d\t%d\t%d\t%d\t%.1e\t%.2g\t%s\n", indent, g.Name(), shape, g.Checked, g.Passed, g.Kinks, g.Failed, g.MaxRelErr, g.MaxScore, verdict)
		}
		tw.Flush()
	}
	for _, f := range r.Flags {
		p("NOT FINITE: %s", f)
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
		p("step sweep of %s (h:|D(h) − analytic|): %s", name, strings.Join(pts, " "))
		switch s.Verdict {
		case Converges:
			p("  → converges (slope %.1f) to %.1e at h = %.1e: right", s.Slope, s.Gap, s.Steps[s.Best])
		case LevelsOff:
			if s.Best < 0 {
				p("  → no step usable: every stencil straddles a kink")
				break
			}
			p("  → levels off at a gap of %.3g (slope %.1f) above the bound %.1e: wrong", s.Gap, s.Slope, s.Bound)
		case AtKink:
			p("  → the one-sided derivatives stay apart: a kink")
		}
	}
	switch {
	case r.OK() && r.Kinks > 0:
		p("verdict: RIGHT (%d components agree, %d at kinks agree with their one-sided derivatives)", r.Passed, r.Kinks)
	case r.OK() && len(r.Components) == 0:
		p("verdict: RIGHT (every projection agrees)")
	case r.OK():
		p("verdict: RIGHT (all %d components agree)", r.Passed)
	case r.Failed == 0 && len(r.Flags) > 0:
		p("verdict: WRONG (%s)", r.Flags[0])
	default:
		where := ""
		if g, ok := r.Located(); ok && !g.Flat {
			where = fmt.Sprintf("; the error enters at %s", g.Name())
		}
		p("verdict: WRONG (%d of %d components disagree%s)", r.Failed, len(r.Components), where)
	}
	_, err := io.WriteString(w, b.String())
	return err
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
	componentJSON struct {
		Index     int                `json:"index"`
		Loc       *backprop.Location `json:"location,omitempty"`
		Analytic  jf                 `json:"analytic"`
		Numerical jf                 `json:"numerical"`
		Tol       jf                 `json:"tol"`
		RelErr    jf                 `json:"rel_err"`
		Score     jf                 `json:"score"`
		Status    string             `json:"status"`
		Step      jf                 `json:"step"`
		Left      jf                 `json:"left,omitempty"`
		Right     jf                 `json:"right,omitempty"`
		Note      string             `json:"note,omitempty"`
	}
	groupJSON struct {
		Layer     int    `json:"layer"`
		Group     string `json:"group"`
		Rows      int    `json:"rows"`
		Cols      int    `json:"cols"`
		Offset    int    `json:"offset"`
		Flat      bool   `json:"flat,omitempty"`
		Checked   int    `json:"checked"`
		Passed    int    `json:"passed"`
		Failed    int    `json:"failed"`
		Kinks     int    `json:"kinks"`
		NonFinite int    `json:"non_finite"`
		MaxRelErr jf     `json:"max_rel_err"`
		MaxScore  jf     `json:"max_score"`
		Worst     int    `json:"worst"`
		Ratio     jf     `json:"ratio"`
		Cause     string `json:"cause,omitempty"`
	}
	sweepJSON struct {
		Index     int                `json:"index"`
		Loc       *backprop.Location `json:"location,omitempty"`
		Analytic  jf                 `json:"analytic"`
		Steps     []jf               `json:"steps"`
		Numerical []jf               `json:"numerical"`
		Errors    []jf               `json:"errors"`
		Crossing  []bool             `json:"crossing"`
		Best      int                `json:"best"`
		Bound     jf                 `json:"bound"`
		Slope     jf                 `json:"slope"`
		Gap       jf                 `json:"gap"`
		Verdict   SweepVerdict       `json:"verdict"`
	}
	projectionJSON struct {
		Claimed   jf   `json:"claimed"`
		Numerical jf   `json:"numerical"`
		Tol       jf   `json:"tol"`
		Score     jf   `json:"score"`
		Step      jf   `json:"step"`
		OK        bool `json:"ok"`
	}
	fastJSON struct {
		K           int              `json:"k"`
		Step        jf               `json:"step"`
		Tol         jf               `json:"tol"`
		Detects     jf               `json:"detects_at_1e-6"`
		Projections []projectionJSON `json:"projections"`
	}
	reportJSON struct {
		OK         bool            `json:"ok"`
		Method     Method          `json:"method"`
		N          int             `json:"n"`
		F          jf              `json:"f"`
		Noise      jf              `json:"noise"`
		Step       jf              `json:"step"`
		Eps        jf              `json:"eps"`
		AbsTol     jf              `json:"abs_tol"`
		RelTol     jf              `json:"rel_tol"`
		Passed     int             `json:"passed"`
		Failed     int             `json:"failed"`
		Kinks      int             `json:"kinks"`
		NonFinite  int             `json:"non_finite"`
		Located    *groupJSON      `json:"located,omitempty"`
		Flags      []string        `json:"flags,omitempty"`
		Causes     []string        `json:"causes,omitempty"`
		Failures   []string        `json:"failures,omitempty"`
		Groups     []groupJSON     `json:"groups"`
		Fast       *fastJSON       `json:"fast,omitempty"`
		Sweeps     []sweepJSON     `json:"sweeps,omitempty"`
		Components []componentJSON `json:"components"`
		Replay     *Record         `json:"replay"`
	}
)

func groupWire(g Group) groupJSON {
	return groupJSON{Layer: g.Block.Layer, Group: g.Block.Group.String(), Rows: g.Block.Rows, Cols: g.Block.Cols, Offset: g.Block.Offset, Flat: g.Flat,
		Checked: g.Checked, Passed: g.Passed, Failed: g.Failed, Kinks: g.Kinks, NonFinite: g.NonFinite,
		MaxRelErr: jf(g.MaxRelErr), MaxScore: jf(g.MaxScore), Worst: g.Worst, Ratio: jf(g.Ratio), Cause: g.Cause}
}

// MarshalJSON writes the whole report, components, sweeps and replay
// record included; NaN and ±Inf are written as "NaN", "+Inf", "-Inf".
func (r *Report) MarshalJSON() ([]byte, error) {
	w := reportJSON{OK: r.OK(), Method: r.Method, N: r.N, F: jf(r.F), Noise: jf(r.Noise), Step: jf(r.Step), Eps: jf(r.Eps),
		AbsTol: jf(r.AbsTol), RelTol: jf(r.RelTol), Passed: r.Passed, Failed: r.Failed, Kinks: r.Kinks, NonFinite: r.NonFinite,
		Flags: r.Flags, Causes: r.Causes, Failures: r.Failures(), Replay: r.Replay, Groups: []groupJSON{}, Components: []componentJSON{}}
	if g, ok := r.Located(); ok {
		gw := groupWire(g)
		w.Located = &gw
	}
	for _, g := range r.Groups {
		w.Groups = append(w.Groups, groupWire(g))
	}
	for _, c := range r.Components {
		w.Components = append(w.Components, componentJSON{Index: c.Index, Loc: c.Loc, Analytic: jf(c.Analytic), Numerical: jf(c.Numerical),
			Tol: jf(c.Tol), RelErr: jf(c.RelErr), Score: jf(c.Score), Status: c.Status.String(), Step: jf(c.Step),
			Left: jf(c.Left), Right: jf(c.Right), Note: c.Note})
	}
	for _, s := range r.Sweeps {
		w.Sweeps = append(w.Sweeps, sweepJSON{Index: s.Index, Loc: s.Loc, Analytic: jf(s.Analytic), Steps: jfs(s.Steps), Numerical: jfs(s.Numerical),
			Errors: jfs(s.Errors), Crossing: s.Crossing, Best: s.Best, Bound: jf(s.Bound), Slope: jf(s.Slope), Gap: jf(s.Gap), Verdict: s.Verdict})
	}
	if f := r.Fast; f != nil {
		fw := &fastJSON{K: f.K, Step: jf(f.Step), Tol: jf(f.Tol), Detects: jf(f.Detects(1e-6))}
		for _, p := range f.Projections {
			fw.Projections = append(fw.Projections, projectionJSON{Claimed: jf(p.Claimed), Numerical: jf(p.Numerical), Tol: jf(p.Tol), Score: jf(p.Score), Step: jf(p.Step), OK: p.OK})
		}
		w.Fast = fw
	}
	return json.Marshal(w)
}
