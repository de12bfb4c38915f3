package properties

import "math"

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
