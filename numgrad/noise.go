package numgrad

import (
	"math"
	"math/rand/v2"
)

// Noise estimates the noise ε_f of f near x: the standard deviation of the
// rounding error with which f is computed, the quantity that limits every
// finite difference (a central difference carries about ε_f/h of it).
//
// It follows Moré and Wild's ECnoise (SIAM J. Sci. Comput. 33(3), 2011):
// f is sampled at m+1 = 9 equally spaced points x + t·δ·p along a random
// direction p (p_i = ±max(1, |x_i|), signs from rng); the j-th differences
// Δʲf of a smooth function shrink like δʲ while those of the noise grow by
// the factor √((2j)!/(j!)²), so
//
//	σ_j = √(γ_j · mean_t (Δʲf_t)²),  γ_j = (j!)²/(2j)!
//
// estimates ε_f at the first order j ≥ 2 where σ_j, σ_{j+1}, σ_{j+2} agree
// within a factor 4 and Δʲf changes sign (noise, not curvature). If no order
// qualifies the spacing δ is divided by 100 and the sampling repeated, from
// δ = 2⁻²⁰ down to 2⁻²⁰/10⁴; failing that, or if every difference is zero,
// the estimate is the floor below.
//
// The result is at least eps·|f(x)|, the rounding of the value itself, with
// eps the unit roundoff of f's arithmetic. It returns NaN if f is not
// finite at any sample.
func Noise(f func([]float64) float64, x []float64, eps float64, rng *rand.Rand) float64 {
	const m = 8
	p := make([]float64, len(x))
	for i, v := range x {
		p[i] = math.Max(1, math.Abs(v))
		if rng.IntN(2) == 0 {
			p[i] = -p[i]
		}
	}
	xt := make([]float64, len(x))
	var fv [m + 1]float64
	floor := 0.0
	delta := 1.0 / (1 << 20)
	for try := 0; try < 3; try, delta = try+1, delta/100 {
		for t := range fv {
			for i := range x {
				xt[i] = x[i] + float64(t)*delta*p[i]
			}
			fv[t] = f(xt)
			if !finite(fv[t]) {
				return math.NaN()
			}
		}
		floor = eps * math.Abs(fv[0])
		if sigma, ok := ecnoise(fv[:]); ok {
			return math.Max(sigma, floor)
		}
	}
	return floor
}

// ecnoise returns the noise level of the samples fv, or false if they show
// none (smooth at this spacing, or all equal).
func ecnoise(fv []float64) (float64, bool) {
	m := len(fv) - 1
	d := append([]float64(nil), fv...)
	sigma := make([]float64, m+1)
	signChange := make([]bool, m+1)
	gamma := 1.0
	allZero := true
	for j := 1; j <= m; j++ {
		n := m + 1 - j
		var ss float64
		pos, neg := false, false
		for t := range n {
			d[t] = d[t+1] - d[t]
			ss += d[t] * d[t]
			pos = pos || d[t] > 0
			neg = neg || d[t] < 0
		}
		if ss != 0 {
			allZero = false
		}
		// γ_j = (j!)²/(2j)! = γ_{j−1}·j/(2(2j−1)).
		gamma *= float64(j) / float64(2*(2*j-1))
		sigma[j] = math.Sqrt(gamma * ss / float64(n))
		signChange[j] = pos && neg
	}
	if allZero {
		return 0, false
	}
	for j := 2; j+2 <= m; j++ {
		lo := math.Min(sigma[j], math.Min(sigma[j+1], sigma[j+2]))
		hi := math.Max(sigma[j], math.Max(sigma[j+1], sigma[j+2]))
		if lo > 0 && hi <= 4*lo && signChange[j] {
			return sigma[j], true
		}
	}
	return 0, false
}
