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
	if l := r.Loss; l == nil {
		p("claimed loss: not checked")
	} else {
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
	p("claim: %s", r.verdict())
	_, err := io.WriteString(w, b.String())
	return err
}

// String returns the table of [Report.WriteTable].
func (r *Report) String() string {
	var b strings.Builder
	r.WriteTable(&b, "")
	return b.String()
}

// verdict is the verdict on the whole claim, as the line "claim: …" and
// the JSON's "verdict" give it.
func (r *Report) verdict() string {
	l := r.Loss
	loss := "not checked"
	if l != nil {
		loss = l.Status.String()
	}
	lossWrong := l != nil && l.Status.Failed()
	switch {
	case r.OK() && l != nil && l.Status == numgrad.Pass && r.Gradient.Undecided == 0:
		return "RIGHT (loss and gradient)"
	case r.OK() && r.Gradient.Undecided == 0:
		return fmt.Sprintf("RIGHT (gradient; loss %s)", loss)
	case r.OK():
		return fmt.Sprintf("RIGHT where decided (gradient: %d undecided; loss %s)", r.Gradient.Undecided, loss)
	case !r.Gradient.OK() && lossWrong:
		return "WRONG (loss and gradient)"
	case lossWrong:
		return "WRONG (the loss; the gradient agrees within its floor)"
	}
	return fmt.Sprintf("WRONG (the gradient; loss %s)", loss)
}

// JSON returns the claim's JSON form: numgrad's report of the gradient
// ([numgrad.ReportJSON]) with the claimed loss and the hints beside it, and
// "ok" and "verdict" the whole claim's.
func (r *Report) JSON() *numgrad.ReportJSON {
	w := r.Gradient.JSON()
	w.OK, w.Verdict, w.Hints = r.OK(), r.verdict(), r.Hints
	if l := r.Loss; l != nil {
		w.Loss = &numgrad.LossJSON{Claimed: numgrad.JSONFloat(l.Claimed), Computed: numgrad.JSONFloat(l.Computed), Tol: numgrad.JSONFloat(l.Tol), Status: l.Status, Note: l.Note}
	}
	return w
}

// MarshalJSON writes the claim's JSON form, [Report.JSON]. Non-finite
// values are written as strings ("NaN", "+Inf", "-Inf"), as numgrad writes
// them.
func (r *Report) MarshalJSON() ([]byte, error) { return json.Marshal(r.JSON()) }
