package numgrad

import "fmt"

// Status is the outcome of one check: of a component of a gradient, of a
// projection of the fast check, of a claimed loss (package claimed), or of
// a comparison with the exact reference (package fuzz). It is the one
// vocabulary of every check in gradcheck.
type Status int

const (
	// Pass: the claim agrees with an estimate within the estimate's error
	// bound plus the allowance for the claim's rounding; its error is at
	// most the component's detection floor.
	Pass Status = iota
	// Fail: the claim differs from an estimate by more than the bound plus
	// the largest rounding a correct claim can have: it is wrong.
	Fail
	// Kink: the function has no derivative at the point along this
	// coordinate (a ReLU pre-activation is 0 there), and the claim agrees
	// with the one-sided derivative of the piece the point lies on, or,
	// without piece information, lies between the one-sided derivatives.
	// Neither pass nor fail: no single derivative exists.
	Kink
	// NonFinite: the claim, the estimate or f itself is NaN or ±Inf. A
	// failure: such a gradient is never accepted.
	NonFinite
	// Undecided: the evidence cannot decide. No estimate has a bound that
	// settles the component (every step is dominated by rounding or
	// crosses kinks that cannot be told apart, a budget was spent, the
	// first-order rounding bound is not trusted), or the disagreement is
	// one that the arithmetic of a model that does not declare it could
	// explain. The component is neither passed nor failed; strict mode
	// fails it.
	Undecided
	// Nondeterministic: the claim differs between two evaluations at the
	// same point by more than the rounding of its declared precision (a
	// dropout mask drawn per call, an unseeded random number). A failure
	// unless a tolerance for it is set.
	Nondeterministic
	numStatuses
)

var statusNames = [numStatuses]string{"pass", "FAIL", "kink", "non-finite", "undecided", "nondeterministic"}

func (s Status) String() string {
	if s < 0 || s >= numStatuses {
		return fmt.Sprintf("Status(%d)", int(s))
	}
	return statusNames[s]
}

// Failed reports whether s counts against what was checked: Fail,
// NonFinite and Nondeterministic.
func (s Status) Failed() bool { return s == Fail || s == NonFinite || s == Nondeterministic }

// MarshalText writes the status's name.
func (s Status) MarshalText() ([]byte, error) {
	if s < 0 || s >= numStatuses {
		return nil, fmt.Errorf("numgrad: unknown status %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText reads a status's name.
func (s *Status) UnmarshalText(b []byte) error {
	for i, n := range statusNames {
		if n == string(b) {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("numgrad: unknown status %q", b)
}
