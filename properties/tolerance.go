package properties

import (
	"fmt"
	"math"
)

// Tolerance is how a property compares an update of the parameters with
// θ − η·g, for the properties that compare one (see [Settings.Tolerance]).
type Tolerance int

const (
	// Bitwise requires θ − η·g bit for bit, with g the model's gradient on
	// the update's batch and η·g rounded before the subtraction, as
	// [backprop.Update] does: what backprop.Train and backprop.Step do,
	// and what a trainer that calls the model's Gradient on each batch
	// does.
	Bitwise Tolerance = iota
	// Accumulated allows a trainer that computes the mean gradient of a
	// batch of B samples itself, from the model's gradients on one sample
	// each, gₛ: summed in any order and scaled by 1/B (or η/B) anywhere
	// (on each term, on the sum, or by dividing by B), the step taken with
	// or without a fused multiply-add. Each parameter of the update is
	// compared with the two exact references (θ − η·g as Bitwise takes it,
	// and θ − η·(Σₛ gₛ)/B summed in batch order) within
	//
	//	2·γ_{B+2}·η·Σₛ|gₛᵢ|/B + u/(1 − u)·(|θ′ᵢ| + |θ*ᵢ|)
	//
	// of the nearer: each of the two steps carries at most B + 2 roundings
	// per term (B − 1 additions, 1/B or η/B, the product with it, the
	// product with η), which Higham's γ_{B+2} bounds relative to Σ|terms|
	// whatever their order, and each subtraction from θ one rounding of its
	// result (θ′ the trainer's, θ* the reference's). The costs of the
	// history are compared the same way with the mean of the one-sample
	// costs, within 2·γ_{N+1}·Σₛ|eₛ|/N. A trainer whose own one-sample
	// gradients differ from the model's, or that scales by 1/B inside the
	// backward pass, is outside what this bound covers: for B not a power
	// of two the rounding of 1/B then spreads through the model by an
	// amount no black-box check can bound (see the package documentation).
	Accumulated
)

func (t Tolerance) String() string {
	switch t {
	case Bitwise:
		return "bitwise"
	case Accumulated:
		return "accumulated"
	}
	return fmt.Sprintf("Tolerance(%d)", int(t))
}

// accumulatedStep returns the allowance of [Accumulated] on one parameter
// of an update of rate η on B samples whose one-sample gradients have
// Σₛ|gₛᵢ| = abs: 2·γ_{B+2}·η·abs/B + u/(1 − u)·(|got| + |ref|), times
// 1 + 2⁻²⁰ for the roundings of the bound's own arithmetic (a few, each
// below u), plus the underflow floor.
func accumulatedStep(eta, abs float64, b int, got, ref float64) float64 {
	step := 2 * gamma(b+2) * math.Abs(eta) * (abs / float64(b))
	final := unitRoundoff / (1 - unitRoundoff) * (math.Abs(got) + math.Abs(ref))
	return (step+final)*(1+0x1p-20) + underflowFloor
}

// accumulatedCost returns the allowance of [Accumulated] on a cost that is
// the mean of n one-sample costs with Σₛ|eₛ| = abs: 2·γ_{n+1}·abs/n (each
// side sums n terms, n − 1 additions and the scaling by 1/n, at most two
// roundings), times 1 + 2⁻²⁰, plus the underflow floor.
func accumulatedCost(abs float64, n int) float64 {
	return 2*gamma(n+1)*(abs/float64(n))*(1+0x1p-20) + underflowFloor
}

// withinHull reports whether got lies within tol of the interval between
// a and b: the two references a property accepts. Equal values (infinities
// included) and NaN against NaN pass; a NaN tolerance passes only those.
func withinHull(got, a, b, tol float64) bool {
	switch {
	case got == a || got == b:
		return true
	case math.IsNaN(got):
		return math.IsNaN(a) || math.IsNaN(b)
	case math.IsNaN(a):
		a = b
	case math.IsNaN(b):
		b = a
	}
	lo, hi := math.Min(a, b), math.Max(a, b)
	return got >= lo-tol && got <= hi+tol
}

// unitRoundoff is u = 2⁻⁵³, the relative error of one rounding to nearest in
// float64.
const unitRoundoff = 0x1p-53

// underflowFloor is the absolute tolerance every comparison adds. The
// error bounds below are relative to the magnitudes involved, which holds
// only while no intermediate value underflows (drops below 2⁻¹⁰²², where
// each rounding errs by up to 2⁻¹⁰⁷⁵ absolutely); the floor admits 2⁴⁸ such
// roundings, and no bug these properties look for is smaller.
const underflowFloor = 0x1p-1026

// gamma returns γₙ = n·u/(1 − n·u), the bound on the relative error of a
// recursive sum of n + 1 terms (Higham, Accuracy and Stability of Numerical
// Algorithms, 2nd ed., §3.1 and §4.2): |ŝ − s| ≤ γₙ·Σ|xᵢ|, whatever the
// order and parenthesisation, and also with fused multiply-adds.
func gamma(n int) float64 {
	nu := float64(n) * unitRoundoff
	return nu / (1 - nu)
}

// absSums returns Σ_s |v[s][i]| for every i.
func absSums(v [][]float64) []float64 {
	if len(v) == 0 {
		return nil
	}
	s := make([]float64, len(v[0]))
	for _, vs := range v {
		for i, x := range vs {
			s[i] += math.Abs(x)
		}
	}
	return s
}

// firstOver returns the first index i with |a[i] − b[i]| > tol[i], or −1.
// NaN in a or b counts as over unless both are NaN at i.
func firstOver(a, b, tol []float64) int {
	for i := range a {
		if math.IsNaN(a[i]) && math.IsNaN(b[i]) {
			continue
		}
		if !(math.Abs(a[i]-b[i]) <= tol[i]) && a[i] != b[i] {
			return i
		}
	}
	return -1
}

// firstBitDiff returns the first index where a and b differ in their bits,
// or −1.
func firstBitDiff(a, b []float64) int {
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return i
		}
	}
	return -1
}
