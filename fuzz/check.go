package fuzz

import (
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
// checker and fails t, printing the report's table, if a component is
// wrong. It returns the verdict:
//
//   - Pass: every component agrees (kinks aside, which numgrad classifies);
//   - Fail: some component is wrong, and t has failed;
//   - NonFinite: a parameter, a data value, the cost or the gradient is
//     NaN or ±Inf. A fuzzer chooses such cases on purpose, so t does not
//     fail, but the case never passes.
//
// With s nil it checks by central differences and gives the components
// they reject a second opinion by Richardson extrapolation
// (numgrad.MethodRichardson): a component fails only if both reject it. A
// fuzzer reaches cases where the rounding of a cost that is the small
// difference of large terms hides from numgrad's noise estimate (exact
// dyadic inputs, where the cost rounds nowhere near x), and central
// differences then call a right gradient wrong by a few parts in 10⁹; a
// wrong formula is wrong by every method. With s not nil it runs that one
// check as s says.
//
// An error of the model or the checker (b does not fit m) fails t at once.
// m's parameters are restored before it returns.
func CheckGradient(t TB, m backprop.Model, b backprop.Batch, s *numgrad.CheckSettings) Verdict {
	t.Helper()
	if hasNaNOrInf(m.ParamsTo(nil), b) {
		return NonFinite
	}
	r, err := numgrad.CheckModel(m, b, s)
	if err != nil {
		t.Fatalf("fuzz: CheckGradient: %v", err)
		return Fail
	}
	switch {
	case len(r.Flags) > 0 || r.NonFinite > 0:
		return NonFinite
	case r.OK():
		return Pass
	}
	var tab strings.Builder
	r.WriteTable(&tab, "  ")
	if s == nil {
		var failed []int
		for _, c := range r.Components {
			if c.Status.Failed() {
				failed = append(failed, c.Index)
			}
		}
		second, err := numgrad.CheckModel(m, b, &numgrad.CheckSettings{Method: numgrad.MethodRichardson, Indices: failed})
		if err != nil {
			t.Fatalf("fuzz: CheckGradient: %v", err)
			return Fail
		}
		if second.OK() {
			return Pass
		}
		tab.WriteString("  second opinion:\n")
		second.WriteTable(&tab, "  ")
	}
	t.Errorf("the gradient is wrong:\n%s", tab.String())
	return Fail
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
