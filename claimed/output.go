package claimed

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
)

// WriteTable writes the report for a reader: a line on the loss, numgrad's
// per-layer table of the gradient with its failures and causes, the hints,
// and a verdict on the whole claim. Every line starts with indent.
func (r *Report) WriteTable(w io.Writer, indent string) error {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, indent+format+"\n", a...) }
	l := r.Loss
	switch l.Verdict {
	case LossUnchecked:
		p("claimed loss: not checked")
	default:
		p("claimed loss %.17g: %v (ours %.17g, |difference| %.2g, rounding bound %.2g)", l.Claimed, l.Verdict, l.Computed, math.Abs(l.Claimed-l.Computed), l.Tol)
	}
	if l.Note != "" {
		p("  %s", l.Note)
	}
	if err := r.Gradient.WriteTable(&b, indent); err != nil {
		return err
	}
	for _, h := range r.Hints {
		p("likely cause: %s", h)
	}
	switch {
	case r.OK() && l.Verdict == LossRight:
		p("claim: RIGHT (loss and gradient)")
	case r.OK():
		p("claim: RIGHT (gradient; loss %v)", l.Verdict)
	case !r.Gradient.OK() && l.Verdict == LossWrong:
		p("claim: WRONG (loss and gradient)")
	case l.Verdict == LossWrong:
		p("claim: WRONG (the loss; the gradient is right)")
	default:
		p("claim: WRONG (the gradient; loss %v)", l.Verdict)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// String returns the table of [Report.WriteTable].
func (r *Report) String() string {
	var b strings.Builder
	r.WriteTable(&b, "")
	return b.String()
}

// MarshalJSON writes {"ok", "loss", "hints", "gradient"}, the gradient as
// numgrad's report writes itself. Non-finite loss values are written as
// strings ("NaN", "+Inf", "-Inf"), as numgrad writes them.
func (r *Report) MarshalJSON() ([]byte, error) {
	type lossJSON struct {
		Claimed  any    `json:"claimed"`
		Computed any    `json:"computed"`
		Tol      any    `json:"tol"`
		Verdict  string `json:"verdict"`
		Note     string `json:"note,omitempty"`
	}
	l := r.Loss
	return json.Marshal(struct {
		OK       bool           `json:"ok"`
		Loss     lossJSON       `json:"loss"`
		Hints    []string       `json:"hints,omitempty"`
		Gradient json.Marshaler `json:"gradient"`
	}{r.OK(), lossJSON{jsonFloat(l.Claimed), jsonFloat(l.Computed), jsonFloat(l.Tol), l.Verdict.String(), l.Note}, r.Hints, r.Gradient})
}

func jsonFloat(v float64) any {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return v
}
