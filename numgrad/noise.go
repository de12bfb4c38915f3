package numgrad

import (
	"math"
	"math/rand/v2"
	"sort"
)

// Noise estimates the noise ε_f of f near x: the standard deviation of the
// rounding error with which f is computed, the quantity that limits every
// finite difference (a central difference carries about ε_f/h of it). See
// [noiseOf] for the method; Noise knows nothing of f's pieces, so a kink
// inside a sampling is recognised only by its shape. rng draws the
// sampling directions; nil means a fixed seed, so that the same f and x
// give the same estimate.
func Noise(f func([]float64) float64, x []float64, eps float64, rng *rand.Rand) float64 {
	if rng == nil {
		rng = rand.New(rand.NewPCG(1, 2))
	}
	s, _, _ := noiseOf(func(x []float64) (float64, bool, error) { return f(x), false, nil }, x, eps, rng)
	return s
}

// noiseOf estimates the noise of f near x after Moré and Wild's ECnoise
// (SIAM J. Sci. Comput. 33(3), 2011): f is sampled at m+1 = 9 equally
// spaced points x + t·δ·p along a random direction p (see
// noiseDirection); the j-th differences Δʲf of a smooth function shrink
// like δʲ while those of the noise grow by the factor √((2j)!/(j!)²), so
//
//	σ_j = √(γ_j · mean_t (Δʲf_t)²),  γ_j = (j!)²/(2j)!
//
// estimates ε_f at the first order j ≥ 2 where σ_j, σ_{j+1}, σ_{j+2} agree
// within a factor 4 and Δʲf changes sign (noise, not curvature). Where no
// order qualifies, max_{j≥3} σ_j bounds the noise from above: rounding that
// comes in steps (a small cost computed as the difference of large terms
// is a staircase of spacing eps·|term|) shows in high differences without
// looking random.
//
// The sampling is repeated at the spacings δ = 2⁻²⁰, 2⁻³², 2⁻⁴⁴, 2⁻⁵⁰,
// 2⁻⁵⁶ along two directions, and the median of the positive estimates is
// taken: rounding noise does not depend on δ or the direction, curvature
// that passes for noise shrinks with δ, and a staircase too fine to see at
// one spacing shows at another. The noise of f is never to be measured
// across a kink, where the jump of the slope would pass for noise: a
// sampling with a point on another piece than x (eval says crossed) is
// left out, and so, where the pieces are unknown, is one whose second
// differences hold a spike (see spike), the mark of a kink between two
// points, which rounding noise leaves in fewer than one sampling in ten.
// Only if every sampling is left out for a spike are they all used: the
// estimate is then too large, which costs resolution, and too large a
// noise passes the evidence of a kink, at steps below it, for rounding.
//
// The finest spacings are there because kinks within 1e-13 of x reach
// every coarser one, and because inputs on an arithmetic progression
// x + t·δ·p round on a sawtooth in t, frac(t·α), which a spacing whose α
// is small keeps linear over the nine points and out of every difference
// (FuzzUserModel regress-sawtooth: both samplings at 2⁻³² saw eps·|f|, a
// thousandth of the rounding of ŷ = w·x + b); the median outvotes them.
// Samplings where every difference is zero (f flat at that scale) or that
// meet a NaN or Inf say nothing and are skipped; where every one is
// skipped, the spacings 2⁻¹⁴ and 2⁻⁸ are tried as well, for a cost that is
// a staircase coarser than the finer ones see. The result is at least
// eps·|f(x)|; it is NaN only if f(x) is not finite. flat reports that no
// sampling saw f change at all: the noise is then unknown, and the result
// is the floor.
func noiseOf(eval func([]float64) (float64, bool, error), x []float64, eps float64, rng *rand.Rand) (sigma float64, flat bool, err error) {
	var fv [noiseSamples]float64
	xt := make([]float64, len(x))
	var est, spiky []float64
	dirs := make([][]float64, noiseDirections)
	for d := range dirs {
		dirs[d] = noiseDirection(x, rng)
	}
	for pass, spacings := range [][]float64{noiseSpacings, coarseSpacings} {
		// The coarser spacings only where f looked flat at every other.
		if pass == 1 && !(len(positive(est)) == 0 && len(positive(spiky)) == 0) {
			continue
		}
		for _, p := range dirs {
			for _, delta := range spacings {
				crossed := false
				for t := range fv {
					for i := range x {
						xt[i] = x[i] + float64(t)*delta*p[i]
					}
					v, c, err := eval(xt)
					if err != nil {
						return 0, false, err
					}
					fv[t] = v
					crossed = crossed || c
				}
				if crossed {
					continue
				}
				s := ecnoise(fv[:])
				if spike(fv[:], eps) {
					spiky = append(spiky, s)
					continue
				}
				est = append(est, s)
			}
		}
	}
	fx, _, err := eval(x)
	if err != nil {
		return 0, false, err
	}
	if !finite(fx) {
		return math.NaN(), false, nil
	}
	if len(positive(est)) == 0 {
		est = append(est, spiky...)
	}
	return math.Max(median(est), eps*math.Abs(fx)), len(positive(est)) == 0, nil
}

// spike reports whether the second differences of fv hold one value, or
// two neighbouring ones, that stand out of the rest (at least four values)
// by more than four times the rest's rms about their mean, and by more
// than the rounding of f's values could (16·eps·max|f|): the mark of a
// kink between two samples. The mean is f's curvature, δ²·f″, the same at
// every sample of a smooth f; measured against the rms of the values
// themselves, a kink whose jump is smaller than four times that curvature
// (two units turning 1e-9 from x, within the first interval of a sampling
// at 2⁻²⁰) passes for noise, and its sampling for a noise estimate some
// ten thousand times too large (properties-long's rapid seed 7). The one
// that stands out is the farthest from the median.
func spike(fv []float64, eps float64) bool {
	n := len(fv) - 2
	d2 := make([]float64, n)
	for t := range d2 {
		d2[t] = fv[t+2] - 2*fv[t+1] + fv[t]
		if !finite(d2[t]) {
			return false
		}
	}
	med := append([]float64(nil), d2...)
	sort.Float64s(med)
	mid := med[n/2]
	top := 0
	for t, v := range d2 {
		if math.Abs(v-mid) > math.Abs(d2[top]-mid) {
			top = t
		}
	}
	var sum, ss float64
	k := 0
	for t, v := range d2 {
		if t >= top-1 && t <= top+1 {
			continue
		}
		sum += v
		k++
	}
	if k < 4 {
		return false
	}
	mean := sum / float64(k)
	for t, v := range d2 {
		if t >= top-1 && t <= top+1 {
			continue
		}
		ss += (v - mean) * (v - mean)
	}
	dev, big := math.Abs(d2[top]-mean), 0.0
	for _, v := range fv {
		big = math.Max(big, math.Abs(v))
	}
	return dev > 16*eps*big && dev > 4*math.Sqrt(ss/float64(k))
}

func positive(v []float64) []float64 {
	var pos []float64
	for _, s := range v {
		if s > 0 {
			pos = append(pos, s)
		}
	}
	return pos
}

// median returns the median of the positive values of v (NaN is not
// positive; the upper of the two middle ones for an even count), or 0 if
// none is positive.
func median(v []float64) float64 {
	pos := positive(v)
	if len(pos) == 0 {
		return 0
	}
	sort.Float64s(pos)
	return pos[len(pos)/2]
}

// The sampling of noiseOf: 9 points at five spacings along two random
// directions (and two coarser spacings where those see f flat).
const (
	noiseSamples    = 9
	noiseDirections = 2
)

var (
	noiseSpacings  = []float64{0x1p-20, 0x1p-32, 0x1p-44, 0x1p-50, 0x1p-56}
	coarseSpacings = []float64{0x1p-14, 0x1p-8}
)

// noiseDirection returns p_i = ±max(1, |x_i|)·(1 + u_i), signs and u_i ∈
// [0, 1) from rng. The factor 1 + u_i gives every sample point x + t·δ·p
// a full mantissa, as the steps of a sweep have: with p_i = ±max(1, |x_i|)
// alone, parameters and data of few bits (a fuzzer's, or 0.5, 2.25) keep
// x + t·δ·p exact and the rounding of f's inner sums (w·x + b with |b| ≫
// |f|) out of every sampling, and the noise measured would be only the
// last rounding, eps·|f|, far below what the steps meet (FuzzUserModel's
// regress-inner-rounding).
func noiseDirection(x []float64, rng *rand.Rand) []float64 {
	p := make([]float64, len(x))
	for i, v := range x {
		p[i] = math.Max(1, math.Abs(v)) * (1 + rng.Float64())
		if rng.IntN(2) == 0 {
			p[i] = -p[i]
		}
	}
	return p
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
