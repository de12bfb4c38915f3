package numgrad

import "math"

// RelErr is the relative error of a against b, the one definition every
// report of this package uses:
//
//	RelErr(a, b) = |a − b| / max(|a|, |b|)
//
// with these cases settled:
//   - NaN if a or b is NaN;
//   - 0 if a == b, so RelErr(0, 0) = RelErr(+0, −0) = 0 and equal
//     infinities give 0 (whether an infinite value may pass is not this
//     function's business: a check fails every non-finite value);
//   - +Inf if exactly one of a, b is infinite, or they are opposite infinities;
//   - otherwise at most 2 (opposite signs), and exactly 1 when one of them
//     is zero: a relative error cannot say whether a tiny value is right,
//     which is why [Within] pairs it with an absolute tolerance.
//
// Subnormal inputs need no special case: the quotient of two subnormals is
// computed exactly enough, and max(|a|, |b|) is never zero when a ≠ b.
func RelErr(a, b float64) float64 {
	switch {
	case math.IsNaN(a) || math.IsNaN(b):
		return math.NaN()
	case a == b:
		return 0
	case math.IsInf(a, 0) || math.IsInf(b, 0):
		return math.Inf(1)
	}
	return math.Abs(a-b) / math.Max(math.Abs(a), math.Abs(b))
}

// Within reports whether a and b agree to within the absolute tolerance
// abs or the relative tolerance rel under [RelErr]:
//
//	|a − b| ≤ abs  or  RelErr(a, b) ≤ rel.
//
// It is gonum's floats/scalar.EqualWithinAbsOrRel with two differences:
// non-finite values never agree, not even equal infinities, because a
// finite difference cannot confirm an infinite slope (NaN never agrees);
// and a difference below the smallest normal number is measured relative
// to max(|a|, |b|) like any other, where gonum measures it against the
// smallest normal.
// The tolerance abs carries the arithmetic (the error bound of a numerical
// derivative, see the package documentation); rel is the caller's
// allowance for relative error beyond it.
func Within(a, b, abs, rel float64) bool {
	if !finite(a) || !finite(b) {
		return false
	}
	return math.Abs(a-b) <= abs || RelErr(a, b) <= rel
}

// Score is |a − b| measured in units of the tolerance that [Within] allows:
//
//	Score(a, b, abs, rel) = |a − b| / max(abs, rel·max(|a|, |b|)),
//
// so Within(a, b, abs, rel) ⟺ Score ≤ 1 for finite a, b. It orders the
// components of a report, worst first. It is +Inf for non-finite a or b
// (NaN sorts first by [Component.Worse]) and 0 when a == b, also when the
// tolerance is zero.
func Score(a, b, abs, rel float64) float64 {
	switch {
	case math.IsNaN(a) || math.IsNaN(b):
		return math.NaN()
	case !finite(a) || !finite(b):
		return math.Inf(1)
	case a == b:
		return 0
	}
	return math.Abs(a-b) / math.Max(abs, rel*math.Max(math.Abs(a), math.Abs(b)))
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
