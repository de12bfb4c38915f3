package numgrad

import "math"

// Every estimate of a derivative carries a bound on its error, and every
// comparison of a claim with an estimate is made by judge, in one place.
// The bounds come from the arithmetic; this file is the only place that
// computes them.

// noiseDevs is how many standard deviations of the rounding noise of f a
// rounding bound covers: 5.7, beyond which a Gaussian tail holds 1.2e-8 of
// the mass.
const noiseDevs = 5.7

// noiseBound returns the bound on the rounding error of the linear
// combination Σ_k c_k·f(x_k) when each value carries independent noise of
// standard deviation σ: noiseDevs·σ·‖c‖₂. A central difference
// (f(x+h) − f(x−h))/2h has ‖c‖₂ = 1/(√2·h), so 4σ/h; a one-sided
// difference 8σ/h.
func noiseBound(sigma float64, c ...float64) float64 {
	var s float64
	for _, v := range c {
		s += v * v
	}
	return noiseDevs * sigma * math.Sqrt(s)
}

// centralRound is noiseBound of a central difference at step h.
func centralRound(sigma, h float64) float64 { return noiseBound(sigma, 0.5/h, -0.5/h) }

// oneSidedRound is noiseBound of a one-sided difference at step h.
func oneSidedRound(sigma, h float64) float64 { return noiseBound(sigma, 1/h, -1/h) }

// pairBound is the error bound of the central difference D₁ at the step
// h₁ given the central difference D₂ at a larger step h₂ (h₂/h₁ ≥ 2):
//
//	|D₁ − f′| ≤ 2|D₁ − D₂| + r₁ + r₂.
//
// In the h² regime D₁ − f′ ≈ a·h₁² and D₂ − D₁ ≈ a·(h₂² − h₁²) ≥ 3a·h₁², so
// |D₁ − D₂| bounds the truncation three times over; the factor 2 more
// covers the next term of the series and the rounding r₁ + r₂ of the
// difference itself, and r₁ is D₁'s own rounding. A kink between the two
// steps makes D₂ far from D₁ and the bound large, never small.
func pairBound(d1, d2, r1, r2 float64) float64 { return 2*math.Abs(d1-d2) + r1 + r2 }

// gapRatioOK reports whether the one-sided gaps g = (f(x+h) − 2f(x) +
// f(x−h))/h at the steps h₁ < h₂ scale as a smooth f's do, g ∝ h, and
// returns the error that a kink the test cannot see may still put into the
// central difference at h₁, for the caller to add to its bound.
//
// For a smooth f, g(h) = h·f″ + h³f⁗/12 + …, so with ρ = h₂/h₁
//
//	|g₂ − ρ·g₁| ≤ T = 2⁻¹⁶·|g₂| + rg
//
// holds up to rounding rg, as long as h₁²·|f⁗/f″| < 2⁻¹⁴ (at the first
// comparison's step, for any f⁗/f″ below 10⁶). A kink at a distance r from
// x inside both stencils (r ≪ h₁) adds about the jump J of the slope to
// both gaps whatever h is, so that |g₂ − ρg₁| ≈ (ρ − 1)·J: the test fails
// unless J ≤ T/(ρ − 1), and the central difference at h₁, which such a
// kink errs by J/2 at most, errs by at most T/(2ρ − 5/2) (the second
// result; the denominator keeps a margin for r close to h₁). For
// r ≥ h₁/2, pairBound covers the error: the jump shows in D₁ − D₂. The
// test is tight on purpose: a loose one (a quarter of |g₂|) lets a kink
// hide behind the curvature of a steep f, and a right claim be failed.
// One kink at most is assumed within the steps on each side.
func gapRatioOK(g1, g2, h1, h2, rg float64) (bool, float64) {
	rho := h2 / h1
	t := 0x1p-16*math.Abs(g2) + rg
	return math.Abs(g2-rho*g1) <= t, t / (2*rho - 2.5)
}

// gapPairRound is the rounding bound of g₂ − (h₂/h₁)·g₁ (see gapRatioOK):
// the coefficients of f(x ± h₂), f(x ± h₁) and f(x).
func gapPairRound(sigma, h1, h2 float64) float64 {
	r := h2 / h1
	return noiseBound(sigma, 1/h2, 1/h2, -r/h1, -r/h1, -2/h2+2*r/h1)
}

// gammaN returns Higham's γ_n = n·u/(1 − n·u) for u = eps.
func gammaN(n int, eps float64) float64 {
	nu := float64(n) * eps
	if nu >= 1 {
		return math.Inf(1)
	}
	return nu / (1 - nu)
}

// The allowance for the claim's rounding, in units of u·G (u the claim's
// unit roundoff, G the gradient's scale) when the problem declares no term
// scale: a difference below blindLow of them passes (a chain of 2¹³
// roundings on terms of the gradient's own size), one above blindHigh = √u
// fails (half the digits: no correct computation in that precision loses
// them but a catastrophic cancellation), and one between is Undecided.
const blindLow = 1 << 13

// allowance is the band [lo, hi] of the rounding a correct claim can carry
// in one component: lo == hi when the arithmetic is known.
type allowance struct{ lo, hi float64 }

// blindAllowance returns the band of a component when the claim's
// arithmetic is unknown: [min(2¹³u, √u/4)·G, √u·G].
func blindAllowance(u, g float64) allowance {
	hi := math.Sqrt(u) * g
	return allowance{lo: math.Min(blindLow*u*g, hi/4), hi: hi}
}

// scaledAllowance returns the allowance of a component whose terms have
// magnitude m along a chain of k roundings in unit roundoff u: 2γ_k(u)·m,
// plus the rounding of the claimed value a itself to u.
//
// Below the smallest normal number a rounding is an absolute error of up to
// 2⁻¹⁰⁷⁵ instead of a relative one (a saturated sigmoid's e^{−700}): k of
// them, 2k·2⁻¹⁰⁷⁴, are allowed besides.
func scaledAllowance(u float64, k int, m, a float64) allowance {
	v := 2*gammaN(k, u)*m + u*math.Abs(a) + underflowAllowance(k)
	return allowance{lo: v, hi: v}
}

// underflowAllowance is the absolute error of k roundings below the
// smallest normal number, 2⁻¹⁰⁷⁴ each, for two evaluations.
func underflowAllowance(k int) float64 { return 2 * float64(k) * 0x1p-1074 }

// bound is the error bound of an estimate: lo == hi for finite
// differences, whose bound is computed from the noise and the steps; an
// exact reference of unknown arithmetic has a band like a claim's.
type bound struct{ lo, hi float64 }

// judgement is the outcome of comparing a claim with an estimate.
type judgement struct {
	status Status
	// tol is the largest difference that passes, failAt the one above which
	// the claim fails, floor the detection floor: a claim whose error
	// exceeds it fails.
	tol, failAt, floor, score float64
}

// judge compares claim a with estimate e of bound b, given the allowance w
// for the claim's rounding and the settings' RelTol ρ and AbsTol:
//
//	|a − e| ≤ max(b.lo + w.lo, ρ·m) → Pass,
//	|a − e| >  max(b.hi + w.hi, ρ·m) → Fail, otherwise Undecided,
//
// with m = max(|a|, |e|). If |e − f′| ≤ b.hi, a Pass means |a − f′| ≤
// 2b.hi + w.hi, the floor, and an error above the floor always fails. With
// AbsTol set, |a − e| ≤ AbsTol passes and anything else fails (floor
// AbsTol + b.hi). NaN or ±Inf in a or e is NonFinite.
func judge(a, e float64, b bound, w allowance, s *CheckSettings) judgement {
	if !finite(a) || !finite(e) {
		return judgement{status: NonFinite, tol: math.NaN(), failAt: math.NaN(), floor: math.NaN(), score: math.NaN()}
	}
	d := math.Abs(a - e)
	m := math.Max(math.Abs(a), math.Abs(e))
	var j judgement
	if s.AbsTol > 0 {
		j = judgement{tol: s.AbsTol, failAt: s.AbsTol, floor: s.AbsTol + b.hi}
	} else {
		rel := s.RelTol * m
		j = judgement{tol: math.Max(b.lo+w.lo, rel), failAt: math.Max(b.hi+w.hi, rel), floor: 2*b.hi + w.hi}
	}
	switch {
	case d <= j.tol:
		j.status = Pass
	case d > j.failAt:
		j.status = Fail
	default:
		j.status = Undecided
	}
	j.score = 0
	if d > 0 {
		j.score = d / j.tol
	}
	return j
}
