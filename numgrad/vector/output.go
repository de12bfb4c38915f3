package vector

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

var modeTitles = [numModes]string{
	"vector–Jacobian product dx = Jᵀ·dy (reverse mode)",
	"Jacobian–vector product dy = J·dx (forward mode)",
	"full Jacobian J = ∂F/∂x",
	"Hessian–vector product H·v against differences of the gradient along v",
}

// methodTitle names numgrad's method as numgrad's reports do.
func methodTitle(m numgrad.Method) string {
	switch m {
	case numgrad.MethodCentral:
		return "central differences"
	case numgrad.MethodRichardson:
		return "Richardson extrapolation"
	case numgrad.MethodComplex:
		return "the complex step"
	case numgrad.MethodDual:
		return "dual numbers"
	}
	return m.String()
}

// blocks writes a layout's blocks: "x 3×5, gamma 5".
func blocks(l backprop.Layout) string {
	var s []string
	for _, b := range l.Blocks {
		if b.Named() {
			s = append(s, b.Name+" "+b.ShapeString())
		} else {
			s = append(s, fmt.Sprintf("layer %d %v %s", b.Layer, b.Group, b.ShapeString()))
		}
	}
	return strings.Join(s, ", ")
}

// WriteTable writes the report for a reader: what was checked, the check
// of the gradient (HVP), one row per block with the counts of its entries,
// the failures with the worst entry, its evidence and its likely cause,
// the symmetry checks, the chance statement of random directions, and the
// verdict. Every line starts with indent.
func (r *Report) WriteTable(w io.Writer, indent string) error {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, indent+format+"\n", a...) }
	dirs := ""
	switch {
	case r.Mode == Jacobian:
		dirs = fmt.Sprintf("%d × %d entries", r.Out.Len(), r.In.Len())
	case r.Random:
		dirs = fmt.Sprintf("%d random %s", len(r.Dirs), r.dirName())
	default:
		dirs = fmt.Sprintf("%d given %s", len(r.Dirs), r.dirName())
	}
	if r.Mode == HVP {
		p("check of the %s by %s: f of %s; %s, %d evaluations of the gradient", modeTitles[r.Mode], methodTitle(r.Method), blocks(r.In), dirs, r.Evals)
	} else {
		p("check of the %s by %s: %s → %s; %s, %d evaluations", modeTitles[r.Mode], methodTitle(r.Method), blocks(r.In), blocks(r.Out), dirs, r.Evals)
	}
	if g := r.Gradient; g != nil {
		p("the gradient, whose differences are the reference: %s", g.Verdict())
	}
	if len(r.Summaries) > 0 {
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "%s  block\tshape\tchecked\tpass\tkink\tundecided\tfail\tworst/tol\tfloor\tmax rel err\t\n", indent)
		for _, s := range r.Summaries {
			verdict := "ok"
			switch {
			case s.NonFinite > 0:
				verdict = "NaN"
			case s.Failed > 0:
				verdict = "WRONG"
			case s.Undecided > 0:
				verdict = "undecided"
			}
			fmt.Fprintf(tw, "%s  %s\t%s\t%d\t%d\t%d\t%d\t%d\t%.2g\t%.1e\t%.1e\t%s\n", indent, s.Name(), s.shape(), s.Checked, s.Passed, s.Kinks, s.Undecided, s.Failed, s.MaxScore, s.MaxFloor, s.MaxRelErr, verdict)
		}
		tw.Flush()
	}
	for _, f := range r.Flags {
		p("FLAG: %s", f)
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
	for _, s := range r.Symmetry {
		p("symmetry of v %d and v %d: w·(Hv) = %.10g, v·(Hw) = %.10g: %v (tolerance %.1e, fails above %.1e)", s.V, s.W, s.WHv, s.VHw, s.Status, s.Tol, s.FailAt)
	}
	if r.Random && r.Failed == 0 && r.Miss.K > 0 {
		p("an error of the claim linear in the direction, of size ‖E_j‖₂ ≥ %.2g at one entry (%s), escapes all %d random %s with probability ≤ 1e-6", r.Miss.Detects(1e-6), r.missWhat(), r.Miss.K, r.dirName())
	}
	if r.Undecided > 0 {
		var names []string
		for _, e := range r.Entries {
			if e.Status == numgrad.Undecided && len(names) < 5 {
				names = append(names, e.Name(r.Mode))
			}
		}
		p("%s", numgrad.UndecidedWarning(r.Undecided, names, ""))
	}
	p("verdict: %s", r.Verdict())
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) dirName() string {
	switch r.Mode {
	case VJP:
		return "dy"
	case JVP:
		return "dx"
	}
	return "v"
}

func (r *Report) missWhat() string {
	if r.Mode == VJP {
		return "E_j the column of the error at input j"
	}
	return "E_j the row of the error at entry j, scaled by D = diag(max(1, |x_i|))"
}

func (s Summary) shape() string {
	switch {
	case s.In != nil && s.Out != nil:
		return s.Out.ShapeString() + " × " + s.In.ShapeString()
	case s.In != nil:
		return s.In.ShapeString()
	case s.Out != nil:
		return s.Out.ShapeString()
	}
	return ""
}

// Failures returns a sentence per failing block: how many entries are
// wrong, the worst with both values, the evidence and the likely cause.
func (r *Report) Failures() []string {
	var out []string
	for _, s := range r.Summaries {
		if s.Failed == 0 || s.Worst < 0 {
			continue
		}
		e := r.Entries[s.Worst]
		var b strings.Builder
		fmt.Fprintf(&b, "%s: %d of %d wrong; worst %s: claimed %.6g, estimate %.6g (±%.1e)", s.Name(), s.Failed, s.Checked, e.Name(r.Mode), e.Claimed, e.Estimate, e.Tol)
		switch e.Status {
		case numgrad.NonFinite:
			b.WriteString(", not finite")
		case numgrad.Nondeterministic:
			b.WriteString(", nondeterministic")
		default:
			fmt.Fprintf(&b, ", ratio %.6g, rel err %.2g", e.Ratio(), e.RelErr)
		}
		if e.Note != "" {
			fmt.Fprintf(&b, " [%s]", e.Note)
		}
		if s.Cause != "" {
			fmt.Fprintf(&b, "; likely cause: %s", s.Cause)
		}
		out = append(out, b.String())
	}
	return out
}

// Verdict returns the verdict line's text.
func (r *Report) Verdict() string {
	floor := ""
	if f := r.Floor(); f > 0 {
		floor = fmt.Sprintf("; every error above %.1e fails", f)
	}
	kinks := ""
	if r.Kinks > 0 {
		kinks = fmt.Sprintf(", %d at kinks agree with their one-sided derivatives", r.Kinks)
	}
	symFail := 0
	symUnd := 0
	for _, s := range r.Symmetry {
		if s.Status.Failed() {
			symFail++
		} else if s.Status == numgrad.Undecided {
			symUnd++
		}
	}
	var wrong []string
	for _, s := range r.Summaries {
		if s.Failed > 0 {
			wrong = append(wrong, fmt.Sprintf("%s: %d of %d", s.Name(), s.Failed, s.Checked))
		}
	}
	switch {
	case r.Gradient != nil && !r.Gradient.OK():
		return "WRONG (the gradient fails its own check, so its differences are no reference for H·v; fix the gradient first)"
	case r.Failed > 0:
		return fmt.Sprintf("WRONG (%d of %d entries disagree; %s)", r.Failed, len(r.Entries), strings.Join(wrong, ", "))
	case len(r.Flags) > 0:
		return fmt.Sprintf("WRONG (%s)", r.Flags[0])
	case symFail > 0:
		return fmt.Sprintf("WRONG (%d symmetry checks fail: vᵀ(Hw) ≠ wᵀ(Hv) beyond rounding, though every entry agrees within its floor)", symFail)
	case !r.partsOK():
		return "WRONG (a sub-check fails as a whole; see its report)"
	case (r.Undecided > 0 || symUnd > 0) && r.Strict:
		return fmt.Sprintf("WRONG (strict: %d undecided)", r.Undecided+symUnd)
	case r.Undecided > 0 || symUnd > 0:
		return fmt.Sprintf("RIGHT where decided, %d undecided (%d entries agree%s%s)", r.Undecided+symUnd, r.Passed, kinks, floor)
	}
	return fmt.Sprintf("RIGHT (%d entries agree%s%s)", r.Passed, kinks, floor)
}

func (r *Report) partsOK() bool {
	for _, p := range r.Parts {
		if !p.OK() {
			return false
		}
	}
	return true
}

// String returns the table of [Report.WriteTable].
func (r *Report) String() string {
	var b strings.Builder
	r.WriteTable(&b, "")
	return b.String()
}

// The wire form. NaN and ±Inf are strings, as in numgrad's reports.
type (
	jf        float64
	blockJSON struct {
		Name   string `json:"name,omitempty"`
		Layer  int    `json:"layer"`
		Group  string `json:"group,omitempty"`
		Shape  []int  `json:"shape"`
		Offset int    `json:"offset"`
	}
	locJSON struct {
		Name  string `json:"name"`
		Index []int  `json:"index"`
	}
	entryJSON struct {
		Name     string         `json:"name"`
		In       *locJSON       `json:"in,omitempty"`
		Out      *locJSON       `json:"out,omitempty"`
		Dir      int            `json:"dir"`
		Index    int            `json:"index"`
		Claimed  jf             `json:"claimed"`
		Estimate jf             `json:"estimate"`
		Bound    jf             `json:"bound"`
		Tol      jf             `json:"tol"`
		FailAt   jf             `json:"fail_at"`
		Floor    jf             `json:"floor"`
		RelErr   jf             `json:"rel_err"`
		Score    jf             `json:"score"`
		Status   numgrad.Status `json:"status"`
		Step     jf             `json:"step"`
		Note     string         `json:"note,omitempty"`
	}
	summaryJSON struct {
		Name      string `json:"name"`
		Shape     string `json:"shape"`
		Checked   int    `json:"checked"`
		Passed    int    `json:"passed"`
		Failed    int    `json:"failed"`
		Kinks     int    `json:"kinks"`
		Undecided int    `json:"undecided"`
		NonFinite int    `json:"non_finite"`
		MaxScore  jf     `json:"max_score"`
		MaxFloor  jf     `json:"max_floor"`
		MaxRelErr jf     `json:"max_rel_err"`
		Worst     int    `json:"worst"`
		Ratio     jf     `json:"ratio"`
		Cause     string `json:"cause,omitempty"`
	}
	symmetryJSON struct {
		V      int            `json:"v"`
		W      int            `json:"w"`
		WHv    jf             `json:"w_hv"`
		VHw    jf             `json:"v_hw"`
		Tol    jf             `json:"tol"`
		FailAt jf             `json:"fail_at"`
		Status numgrad.Status `json:"status"`
	}
	partJSON struct {
		Name   string          `json:"name"`
		Report *numgrad.Report `json:"report"`
	}
	reportJSON struct {
		Version   int             `json:"version"`
		OK        bool            `json:"ok"`
		Verdict   string          `json:"verdict"`
		Mode      Mode            `json:"mode"`
		Method    numgrad.Method  `json:"method"`
		In        []blockJSON     `json:"inputs"`
		Out       []blockJSON     `json:"outputs"`
		Random    bool            `json:"random"`
		Dirs      [][]jf          `json:"directions,omitempty"`
		Floor     jf              `json:"floor"`
		Passed    int             `json:"passed"`
		Failed    int             `json:"failed"`
		Kinks     int             `json:"kinks"`
		Undecided int             `json:"undecided"`
		NonFinite int             `json:"non_finite"`
		Evals     int             `json:"evaluations"`
		MissTol   jf              `json:"miss_tol,omitempty"`
		Detects   jf              `json:"detects_at_1e-6,omitempty"`
		Flags     []string        `json:"flags,omitempty"`
		Notes     []string        `json:"notes,omitempty"`
		Causes    []string        `json:"causes,omitempty"`
		Failures  []string        `json:"failures,omitempty"`
		Summaries []summaryJSON   `json:"blocks"`
		Symmetry  []symmetryJSON  `json:"symmetry,omitempty"`
		Gradient  *numgrad.Report `json:"gradient,omitempty"`
		Entries   []entryJSON     `json:"entries"`
		Parts     []partJSON      `json:"parts"`
	}
)

// ReportVersion is the version of the report's JSON form.
const ReportVersion = 1

func (v jf) MarshalJSON() ([]byte, error) {
	f := float64(v)
	switch {
	case math.IsNaN(f):
		return []byte(`"NaN"`), nil
	case math.IsInf(f, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(f, -1):
		return []byte(`"-Inf"`), nil
	}
	return json.Marshal(f)
}

func layoutWire(l backprop.Layout) []blockJSON {
	out := []blockJSON{}
	for _, b := range l.Blocks {
		w := blockJSON{Name: b.Name, Layer: b.Layer, Offset: b.Offset}
		if b.Named() {
			w.Shape = append([]int{}, b.Shape[:b.Dims]...)
		} else {
			w.Group = b.Group.String()
			w.Shape = []int{b.Rows, b.Cols}
		}
		out = append(out, w)
	}
	return out
}

func locWire(l *backprop.Location) *locJSON {
	if l == nil {
		return nil
	}
	if l.Name != "" {
		return &locJSON{Name: l.Name, Index: append([]int{}, l.Index[:l.Dims]...)}
	}
	return &locJSON{Name: fmt.Sprintf("layer %d %v", l.Layer, l.Group), Index: []int{l.Row, l.Col}}
}

// MarshalJSON writes the whole report: the blocks, every entry with its
// names, the summaries, the symmetry checks, the gradient's check and
// numgrad's report of every part (each with its replay record).
func (r *Report) MarshalJSON() ([]byte, error) {
	w := reportJSON{Version: ReportVersion, OK: r.OK(), Verdict: r.Verdict(), Mode: r.Mode, Method: r.Method, In: layoutWire(r.In), Out: layoutWire(r.Out),
		Random: r.Random, Floor: jf(r.Floor()), Passed: r.Passed, Failed: r.Failed, Kinks: r.Kinks, Undecided: r.Undecided, NonFinite: r.NonFinite,
		Evals: r.Evals, Flags: r.Flags, Notes: r.Notes, Causes: r.Causes, Failures: r.Failures(), Gradient: r.Gradient,
		Summaries: []summaryJSON{}, Entries: []entryJSON{}, Parts: []partJSON{}}
	if r.Random && r.Miss.K > 0 {
		w.MissTol, w.Detects = jf(r.Miss.Tol), jf(r.Miss.Detects(1e-6))
	}
	for _, d := range r.Dirs {
		var v []jf
		for _, x := range d {
			v = append(v, jf(x))
		}
		w.Dirs = append(w.Dirs, v)
	}
	for _, s := range r.Summaries {
		w.Summaries = append(w.Summaries, summaryJSON{Name: s.Name(), Shape: s.shape(), Checked: s.Checked, Passed: s.Passed, Failed: s.Failed, Kinks: s.Kinks,
			Undecided: s.Undecided, NonFinite: s.NonFinite, MaxScore: jf(s.MaxScore), MaxFloor: jf(s.MaxFloor), MaxRelErr: jf(s.MaxRelErr), Worst: s.Worst, Ratio: jf(s.Ratio), Cause: s.Cause})
	}
	for _, e := range r.Entries {
		w.Entries = append(w.Entries, entryJSON{Name: e.Name(r.Mode), In: locWire(e.In), Out: locWire(e.Out), Dir: e.Dir, Index: e.Index, Claimed: jf(e.Claimed),
			Estimate: jf(e.Estimate), Bound: jf(e.Bound), Tol: jf(e.Tol), FailAt: jf(e.FailAt), Floor: jf(e.Floor), RelErr: jf(e.RelErr), Score: jf(e.Score),
			Status: e.Status, Step: jf(e.Step), Note: e.Note})
	}
	for _, s := range r.Symmetry {
		w.Symmetry = append(w.Symmetry, symmetryJSON{V: s.V, W: s.W, WHv: jf(s.WHv), VHw: jf(s.VHw), Tol: jf(s.Tol), FailAt: jf(s.FailAt), Status: s.Status})
	}
	for k, p := range r.Parts {
		w.Parts = append(w.Parts, partJSON{Name: r.PartNames[k], Report: p})
	}
	return json.Marshal(w)
}
