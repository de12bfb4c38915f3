package claimed

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/gradcheck/gradcheck/numgrad"
)

// WriteTable writes the report for a reader: a line on the loss, numgrad's
// per-layer table of the gradient with its failures and causes, the hints,
// and a verdict on the whole claim. Every line starts with indent.
func (r *Report) WriteTable(w io.Writer, indent string) error {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, indent+format+"\n", a...) }
	l := r.Loss
	loss := "not checked"
	if l == nil {
		p("claimed loss: not checked")
	} else {
		loss = l.Status.String()
		p("claimed loss %.17g: %v (ours %.17g, |difference| %.2g, rounding bound %.2g)", l.Claimed, l.Status, l.Computed, math.Abs(l.Claimed-l.Computed), l.Tol)
		if l.Note != "" {
			p("  %s", l.Note)
		}
	}
	if err := r.Gradient.WriteTable(&b, indent); err != nil {
		return err
	}
	for _, h := range r.Hints {
		p("likely cause: %s", h)
	}
	lossWrong := l != nil && l.Status.Failed()
	switch {
	case r.OK() && l != nil && l.Status == numgrad.Pass && r.Gradient.Undecided == 0:
		p("claim: RIGHT (loss and gradient)")
	case r.OK() && r.Gradient.Undecided == 0:
		p("claim: RIGHT (gradient; loss %s)", loss)
	case r.OK():
		p("claim: RIGHT where decided (gradient: %d undecided; loss %s)", r.Gradient.Undecided, loss)
	case !r.Gradient.OK() && lossWrong:
		p("claim: WRONG (loss and gradient)")
	case lossWrong:
		p("claim: WRONG (the loss; the gradient agrees within its floor)")
	default:
		p("claim: WRONG (the gradient; loss %s)", loss)
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
		Status   string `json:"status"`
		Note     string `json:"note,omitempty"`
	}
	var lj *lossJSON
	if l := r.Loss; l != nil {
		lj = &lossJSON{jsonFloat(l.Claimed), jsonFloat(l.Computed), jsonFloat(l.Tol), l.Status.String(), l.Note}
	}
	return json.Marshal(struct {
		Version  int            `json:"version"`
		OK       bool           `json:"ok"`
		Loss     *lossJSON      `json:"loss"`
		Hints    []string       `json:"hints,omitempty"`
		Gradient json.Marshaler `json:"gradient"`
	}{numgrad.ReportVersion, r.OK(), lj, r.Hints, r.Gradient})
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
