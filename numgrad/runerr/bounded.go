package runerr

import "math"

// u is the unit roundoff of float64, 2⁻⁵³.
const u = 0x1p-53

// eta is the absolute error of a product, quotient or library function
// whose result is subnormal, at most 2⁻¹⁰⁷⁵, in units of u (sums of
// subnormals are exact).
const eta = 0x1p-1022

// bounded is a forward-mode dual number V + D·ε, computed exactly as
// [backprop.Dual] computes it, that also carries a running bound on its
// rounding errors (running error analysis: N. J. Higham, Accuracy and
// Stability of Numerical Algorithms, 2nd ed., §3.3). With v and d the exact
// value and derivative of the same expression at the same float64 inputs,
//
//	|V − v| ≤ u·EV,   |D − d| ≤ u·ED   (to first order in u).
//
// Each operation adds the rounding of its own result, at most u·|result|
// for + − × / and 1 ulp ≤ 2u·|result| for the library's exp, log, log1p,
// tanh and cosh (all documented to be within 1 ulp), to the errors it
// inherits, propagated through the operation's partial derivatives. For
// sums the rounding is charged on the magnitudes MV and MD, the value and
// derivative evaluated with every term's absolute value, so that a sum
// that cancels still pays for the size of its terms.
//
// The bound is first order: it holds while the relative perturbation of
// every argument of a nonlinear function stays small; t records the largest
// such perturbation so that the caller can refuse a verdict when it does
// not (see [Gradient]).
type bounded struct {
	V, D   float64
	MV, MD float64
	EV, ED float64
	t      *tracker
}

// tracker collects, over one evaluation, what the first-order bound needs
// to stay honest.
type tracker struct {
	// slack is the factor by which another evaluation order may differ
	// from this one (see [Gradient]); a branch on a value within
	// slack·u·EV of its threshold may go either way.
	slack float64
	// near is set when a branch was decided that close.
	near bool
	// rel is the largest relative perturbation u·E/|x| of the argument of
	// a nonlinear function (u·E for exp and tanh, whose scale is 1).
	rel float64
	// under is set when a product, quotient or exponential underflowed
	// (a subnormal result, or 0 from nonzero operands).
	under bool
	// overflow is set when a branch was decided on a value that is not
	// finite or whose bound is not (see Re).
	overflow bool
}

// minNormal is the smallest normal float64, 2⁻¹⁰²².
const minNormal = 0x1p-1022

// product notes an underflow in p = a·b (or a/b).
func (t *tracker) product(p, a, b float64) {
	if t == nil {
		return
	}
	if (p == 0 && a != 0 && b != 0) || (p != 0 && math.Abs(p) < minNormal) {
		t.under = true
	}
}

func (x bounded) tr(y bounded) *tracker {
	if x.t != nil {
		return x.t
	}
	return y.t
}

func (t *tracker) see(rel float64) {
	if t != nil && !(rel <= t.rel) {
		t.rel = rel
	}
}

func (x bounded) Add(y bounded) bounded {
	r := bounded{V: x.V + y.V, D: x.D + y.D, MV: x.MV + y.MV, MD: x.MD + y.MD, t: x.tr(y)}
	r.EV = x.EV + y.EV + r.MV
	r.ED = x.ED + y.ED + r.MD
	return r
}

func (x bounded) Sub(y bounded) bounded {
	r := bounded{V: x.V - y.V, D: x.D - y.D, MV: x.MV + y.MV, MD: x.MD + y.MD, t: x.tr(y)}
	r.EV = x.EV + y.EV + r.MV
	r.ED = x.ED + y.ED + r.MD
	return r
}

func (x bounded) Mul(y bounded) bounded {
	r := bounded{V: x.V * y.V, D: x.D*y.V + x.V*y.D, t: x.tr(y)}
	r.t.product(r.V, x.V, y.V)
	r.t.product(x.D*y.V, x.D, y.V)
	r.t.product(x.V*y.D, x.V, y.D)
	r.MV = x.MV * y.MV
	r.EV = x.EV*y.MV + x.MV*y.EV + r.MV + eta
	r.MD = x.MD*y.MV + x.MV*y.MD
	// Two products and their sum, each rounded once.
	r.ED = x.ED*y.MV + x.MD*y.EV + x.EV*y.MD + x.MV*y.ED + 2*r.MD + 2*eta
	return r
}

func (x bounded) Div(y bounded) bounded {
	q := x.V / y.V
	r := bounded{V: q, D: (x.D - q*y.D) / y.V, t: x.tr(y)}
	r.t.product(q, x.V, y.V)
	r.t.product(q*y.D, q, y.D)
	r.t.product(r.D, x.D-q*y.D, y.V)
	ay := math.Abs(y.V)
	r.t.see(u * y.EV / ay)
	r.MV = x.MV / ay
	r.EV = x.EV/ay + r.MV*y.EV/ay + r.MV + eta
	// n = x.D − q·y.D, then n/y.
	mp := r.MV * y.MD
	ep := r.EV*y.MD + r.MV*y.ED + mp + eta
	mn := x.MD + mp
	en := x.ED + ep + mn
	r.MD = mn / ay
	r.ED = en/ay + r.MD*y.EV/ay + r.MD + eta
	return r
}

func (x bounded) Neg() bounded {
	x.V, x.D = -x.V, -x.D
	return x
}

func (x bounded) Exp() bounded {
	e := math.Exp(x.V)
	x.t.see(u * x.EV)
	r := bounded{V: e, D: x.D * e, MV: e, t: x.t}
	r.t.product(e, 1, 1)
	r.t.product(r.D, x.D, e)
	r.EV = e*x.EV + 2*e + eta
	r.MD = x.MD * e
	r.ED = x.ED*e + x.MD*r.EV + r.MD + eta
	return r
}

func (x bounded) Log() bounded {
	ax := math.Abs(x.V)
	x.t.see(u * x.EV / ax)
	r := bounded{V: math.Log(x.V), D: x.D / x.V, t: x.t}
	r.MV = math.Abs(r.V)
	r.EV = x.EV/ax + 2*r.MV + eta
	r.MD = x.MD / ax
	r.ED = x.ED/ax + r.MD*x.EV/ax + r.MD + eta
	return r
}

func (x bounded) Log1p() bounded {
	s := 1 + x.V
	as := math.Abs(s)
	x.t.see(u * x.EV / as)
	r := bounded{V: math.Log1p(x.V), D: x.D / s, t: x.t}
	r.MV = math.Abs(r.V)
	r.EV = x.EV/as + 2*r.MV + eta
	r.MD = x.MD / as
	// s carries x's error and its own rounding, u·|s|.
	r.ED = x.ED/as + r.MD*(x.EV+as)/as + r.MD + eta
	return r
}

func (x bounded) Tanh() bounded {
	// As Dual: tanh′ = 1/cosh², not 1 − tanh².
	c := math.Cosh(x.V)
	c2 := c * c
	x.t.see(u * x.EV)
	r := bounded{V: math.Tanh(x.V), D: x.D / c2, t: x.t}
	r.t.product(r.D, x.D, 1/c2)
	r.MV = math.Abs(r.V)
	r.EV = x.EV/c2 + 2*r.MV + eta
	r.MD = x.MD / c2
	// cosh is off by |tanh|·EV (from x) plus 1 ulp, relative; squaring
	// doubles that and rounds; the division rounds.
	rc := math.Abs(r.V)*x.EV + 2
	r.ED = x.ED/c2 + r.MD*(2*rc+1+1) + eta
	return r
}

func (x bounded) Sqrt() bounded {
	// As Dual: √V and D/(2√V). The root is correctly rounded (IEEE 754),
	// u·|r|; it inherits x's error through 1/(2r); 2r is exact and the
	// quotient rounds once.
	ax := math.Abs(x.V)
	x.t.see(u * x.EV / ax)
	s := math.Sqrt(x.V)
	r := bounded{V: s, D: x.D / (2 * s), t: x.t}
	r.t.product(r.D, x.D, 1/(2*s))
	r.MV = math.Abs(s)
	r.EV = x.EV/(2*r.MV) + r.MV + eta
	r.MD = x.MD / (2 * r.MV)
	r.ED = x.ED/(2*r.MV) + r.MD*r.EV/r.MV + r.MD + eta
	return r
}

// Re returns V, noting in the tracker when a branch on it would be decided
// within rounding of the threshold 0 (every branch of backprop's
// activations and losses compares a value with 0 or with another value of
// the same size). A value computed exactly (EV = 0) is the same in every
// evaluation order, so even an exact 0 is not near.
//
// A branch on a value that is ±Inf or NaN, or whose bound is (an
// intermediate overflowed in this order of evaluation), is noted too: the
// branch may hide it (ReLU maps NaN to 0), so that the result need not be
// the cost's even though it is finite.
func (x bounded) Re() float64 {
	if x.t != nil {
		if math.Abs(x.V) < x.t.slack*u*x.EV {
			x.t.near = true
		}
		if math.IsNaN(x.V) || math.IsInf(x.V, 0) || math.IsNaN(x.EV) || math.IsInf(x.EV, 0) {
			x.t.overflow = true
		}
	}
	return x.V
}

func (x bounded) Const(c float64) bounded { return bounded{V: c, MV: math.Abs(c), t: x.t} }
