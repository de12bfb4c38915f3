package numgrad

import (
	"math"
	"math/rand/v2"
	"sort"
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
// within a factor 4 and Δʲf changes sign (noise, not curvature). Where no
// order qualifies, max_{j≥3} σ_j bounds the noise from above: rounding that
// comes in steps (a small cost computed as the difference of large terms
// is a staircase of spacing eps·|term|) shows in high differences without
// looking random. The sampling is repeated at the spacings δ = 2⁻²⁰,
// 2⁻²⁰/10², 2⁻²⁰/10⁴ along two directions, and the median of the positive
// estimates is taken: rounding noise does not depend on δ or the
// direction; curvature that passes for noise (a steep f at the first
// spacing) shrinks with δ; and rounding that comes in rare steps may show
// along one line and not another. Samplings where every difference is
// zero (f flat at that scale) say nothing and are skipped.
//
// The result is at least eps·|f(x)|, the rounding of the value itself, with
// eps the unit roundoff of f's arithmetic. A sampling that meets a NaN or
// Inf (f overflows away from x) says nothing and is skipped; Noise returns
// NaN only if f(x) itself is not finite.
func Noise(f func([]float64) float64, x []float64, eps float64, rng *rand.Rand) float64 {
	var fv [noiseSamples]float64
	xt := make([]float64, len(x))
	var est []float64
	for range noiseDirections {
		p := noiseDirection(x, rng)
		delta := noiseSpacing
		for try := 0; try < noiseTries; try, delta = try+1, delta/100 {
			for t := range fv {
				for i := range x {
					xt[i] = x[i] + float64(t)*delta*p[i]
				}
				fv[t] = f(xt)
			}
			est = append(est, ecnoise(fv[:]))
		}
	}
	fx := f(x)
	if !finite(fx) {
		return math.NaN()
	}
	return math.Max(median(est), eps*math.Abs(fx))
}

// median returns the median of the positive values of v (NaN is not
// positive; the upper of the two middle ones for an even count), or 0 if
// none is positive.
func median(v []float64) float64 {
	var pos []float64
	for _, s := range v {
		if s > 0 {
			pos = append(pos, s)
		}
	}
	if len(pos) == 0 {
		return 0
	}
	sort.Float64s(pos)
	return pos[len(pos)/2]
}

// The sampling of Noise and GradientNoise: 9 points, spacings 2⁻²⁰,
// 2⁻²⁰/10², 2⁻²⁰/10⁴, along two random directions.
const (
	noiseSamples    = 9
	noiseTries      = 3
	noiseDirections = 2
	noiseSpacing    = 1.0 / (1 << 20)
)

// noiseDirection returns p_i = ±max(1, |x_i|), signs from rng.
func noiseDirection(x []float64, rng *rand.Rand) []float64 {
	p := make([]float64, len(x))
	for i, v := range x {
		p[i] = math.Max(1, math.Abs(v))
		if rng.IntN(2) == 0 {
			p[i] = -p[i]
		}
	}
	return p
}

// GradientNoise estimates the noise of each component of a gradient
// function as [Noise] does for a value: grad is sampled at the same points
// (three spacings along two random directions), ECnoise (or its upper
// bound) is applied to each component's samples, and the median of the
// positive estimates is kept, at least eps·|g_i(x)|. It measures what a
// fixed allowance cannot know: a component that is the small difference of large
// terms (a confident softmax's p − y times large activations, summed over
// samples that cancel) carries the rounding of those terms. grad(dst, x)
// sets dst to the gradient at x; its errors are returned.
func GradientNoise(grad func(dst, x []float64) error, x []float64, eps float64, rng *rand.Rand) ([]float64, error) {
	n := len(x)
	samples := make([][]float64, noiseSamples)
	for t := range samples {
		samples[t] = make([]float64, n)
	}
	xt := make([]float64, n)
	est := make([][]float64, n)
	col := make([]float64, noiseSamples)
	for range noiseDirections {
		p := noiseDirection(x, rng)
		delta := noiseSpacing
		for try := 0; try < noiseTries; try, delta = try+1, delta/100 {
			for t := range samples {
				for i := range x {
					xt[i] = x[i] + float64(t)*delta*p[i]
				}
				if err := grad(samples[t], xt); err != nil {
					return nil, err
				}
			}
			for i := range n {
				for t := range col {
					col[t] = samples[t][i]
				}
				est[i] = append(est[i], ecnoise(col))
			}
		}
	}
	if err := grad(samples[0], x); err != nil {
		return nil, err
	}
	out := make([]float64, n)
	for i := range out {
		if !finite(samples[0][i]) {
			out[i] = math.NaN()
			continue
		}
		out[i] = math.Max(median(est[i]), eps*math.Abs(samples[0][i]))
	}
	return out, nil
}

// ecnoise returns the noise level of the samples fv: the ECnoise estimate
// where one qualifies, otherwise the upper bound max_{j≥3} σ_j; 0 if every
// difference is zero.
func ecnoise(fv []float64) float64 {
	m := len(fv) - 1
	d := append([]float64(nil), fv...)
	sigma := make([]float64, m+1)
	signChange := make([]bool, m+1)
	gamma := 1.0
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
		// γ_j = (j!)²/(2j)! = γ_{j−1}·j/(2(2j−1)).
		gamma *= float64(j) / float64(2*(2*j-1))
		sigma[j] = math.Sqrt(gamma * ss / float64(n))
		signChange[j] = pos && neg
	}
	for j := 2; j+2 <= m; j++ {
		lo := math.Min(sigma[j], math.Min(sigma[j+1], sigma[j+2]))
		hi := math.Max(sigma[j], math.Max(sigma[j+1], sigma[j+2]))
		if lo > 0 && hi <= 4*lo && signChange[j] {
			return sigma[j]
		}
	}
	upper := 0.0
	for j := 3; j <= m; j++ {
		upper = math.Max(upper, sigma[j])
	}
	return upper
}
