package fuzz

import (
	"math"

	"github.com/gradcheck/gradcheck/layer"
	"github.com/gradcheck/gradcheck/numgrad/vector"
)

// CheckLayer checks l's backward pass at args with package layer's check
// ([VerifyLayer]) and fails t, printing the report, if an entry is wrong.
// It returns the verdict, as [CheckGradient] does: Pass; Fail (t has
// failed); Undecided (t does not fail); NonFinite, for an argument, an
// output or a gradient that is NaN or ±Inf, which a fuzzer chooses on
// purpose (t does not fail, and the case never passes). An error of the
// layer or of the check fails t at once.
func CheckLayer(t TB, l layer.Layer, args []layer.Arg, s *vector.Settings) Verdict {
	t.Helper()
	v, r, err := VerifyLayer(l, args, s)
	return settle(t, "CheckLayer", "the backward pass", v, r, err)
}

// VerifyLayer checks l's backward pass at args with layer.Check and
// returns the verdict and the report, failing nothing: for a test that
// expects a failure, or counts verdicts. The verdict is NonFinite when an
// argument holds NaN or ±Inf (the report is then nil) or the report flags
// one; Fail when it is wrong; Undecided when it is right where decided;
// Pass otherwise.
func VerifyLayer(l layer.Layer, args []layer.Arg, s *vector.Settings) (Verdict, *vector.Report, error) {
	for _, a := range args {
		for _, v := range a.Value {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return NonFinite, nil, nil
			}
		}
	}
	r, err := layer.Check(l, args, s)
	if err != nil {
		return Fail, nil, err
	}
	return verdictOf(len(r.Flags), r.NonFinite, r.Undecided, r.OK()), r, nil
}
