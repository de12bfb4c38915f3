package fuzz

import (
	"io"
	"math"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// TB is the part of a test handle that the checks use: *testing.T,
// *testing.F's fuzz function's *testing.T and rapid's *rapid.T all have
// it, so that one check serves `go test`, fuzzing and rapid properties.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// CheckGradient checks m's gradient on b at m's parameters with numgrad's
// checker ([Verify]) and fails t, printing the report's table, if a
// component is wrong. It returns the verdict:
//
//   - Pass: every component agrees (kinks aside, which numgrad classifies);
//   - Fail: some component is wrong, and t has failed;
//   - Undecided: no component is wrong, and some cannot be decided (see
//     numgrad.Undecided): t does not fail;
//   - NonFinite: a parameter, a data value, the cost or the gradient is
//     NaN or ±Inf. A fuzzer chooses such cases on purpose, so t does not
//     fail, but the case never passes.
//
// An error of the model or the checker (b does not fit m) fails t at once.
// m's parameters are restored before it returns.
func CheckGradient(t TB, m backprop.Model, b backprop.Batch, s *numgrad.CheckSettings) Verdict {
	t.Helper()
	v, r, err := Verify(m, b, s)
	return settle(t, "CheckGradient", "the gradient", v, r, err)
}

// tabler is a report that prints its table: numgrad's or numgrad/vector's.
type tabler interface {
	WriteTable(w io.Writer, indent string) error
}

// settle fails t at once on err, reports the table of a Fail as what is
// wrong, and returns v: the end of CheckGradient and CheckLayer.
func settle(t TB, fn, what string, v Verdict, r tabler, err error) Verdict {
	t.Helper()
	if err != nil {
		t.Fatalf("fuzz: %s: %v", fn, err)
		return Fail
	}
	if v == Fail {
		var tab strings.Builder
		r.WriteTable(&tab, "  ")
		t.Errorf("%s is wrong:\n%s", what, tab.String())
	}
	return v
}

// verdictOf is the verdict of a report with the given flags and counts:
// NonFinite where it flags one, Fail where it is not OK, Undecided where
// it is right where decided, Pass otherwise.
func verdictOf(flags, nonFinite, undecided int, ok bool) Verdict {
	switch {
	case flags > 0 || nonFinite > 0:
		return NonFinite
	case !ok:
		return Fail
	case undecided > 0:
		return Undecided
	}
	return Pass
}

// Verify checks m's gradient on b at m's parameters with numgrad.CheckModel
// (central differences by default, s as numgrad reads it) and returns the
// verdict and the report, failing nothing: for a target that expects a
// failure, or counts verdicts. The verdict is NonFinite when a parameter or
// a data value is NaN or ±Inf (the report is then nil: nothing is checked)
// or the report flags one; Fail when the report is wrong; Undecided when it
// is right where decided; Pass otherwise. m's parameters are restored.
func Verify(m backprop.Model, b backprop.Batch, s *numgrad.CheckSettings) (Verdict, *numgrad.Report, error) {
	if m == nil {
		panic("fuzz: Verify: nil model")
	}
	if hasNaNOrInf(m.ParamsTo(nil), b) {
		return NonFinite, nil, nil
	}
	r, err := numgrad.CheckModel(m, b, s)
	if err != nil {
		return Fail, nil, err
	}
	return verdictOf(len(r.Flags), r.NonFinite, r.Undecided, r.OK()), r, nil
}

// Check holds m's gradient on b against the exact gradient of net's cost
// (see [Compare]; m is often net itself, or a model that must have net's
// cost) and fails t if they disagree. It returns the verdict; only Fail
// fails t, and an error fails it at once.
func Check(t TB, m backprop.Model, net *backprop.Network, b backprop.Batch) Verdict {
	t.Helper()
	c, err := Compare(m, net, b)
	if err != nil {
		t.Fatalf("fuzz: Check: %v", err)
		return Fail
	}
	if c.Verdict == Fail {
		t.Errorf("the gradient disagrees with the exact reference: %v", c)
	}
	return c.Verdict
}

// hasNaNOrInf reports whether theta or b's samples hold NaN or ±Inf.
func hasNaNOrInf(theta []float64, b backprop.Batch) bool {
	bad := func(v []float64) bool {
		for _, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return true
			}
		}
		return false
	}
	if bad(theta) {
		return true
	}
	for i := range b.Len() {
		x, y := b.Sample(i)
		if bad(x) || bad(y) {
			return true
		}
	}
	return false
}
