package numgrad

import (
	"fmt"
	"math"
)

// Ladder is the default ladder of [Richardson]: central differences at the
// relative steps c_k = 2⁻⁷·2⁻ᵏ, k = 0, …, 5 (about 8e-3 down to 2e-4). Steps
// halve, so each column of the tableau removes one more even power of h.
const (
	ladderStep   = 1.0 / 128
	ladderLevels = 6
)

// Richardson sets dst[i] ≈ ∂f/∂x_i by Richardson extrapolation of central
// differences over a ladder of steps (Ridders' method) and errEst[i] to the
// estimate of its error. With D_k the central difference at h_k = h₀/2ᵏ:
//
//	T_{k,0} = D_k,  T_{k,j} = T_{k,j−1} + (T_{k,j−1} − T_{k−1,j−1})/(4ʲ − 1),
//
// since D_k = f′ + a₁h_k² + a₂h_k⁴ + …; the estimate is the entry of the
// tableau whose error estimate max(|T_{k,j} − T_{k,j−1}|, |T_{k,j} − T_{k−1,j−1}|)
// is least. h₀ = Step(x_i, c) with c the settings' Step (default 2⁻⁷).
// The error estimate is at least the rounding floor 2·eps·max|f|/h of the
// smallest step h that entered the estimate.
//
// It costs 2·6 evaluations of f per coordinate. dst and errEst are
// allocated if nil; x is not modified. It panics if a non-nil dst or errEst
// has a length other than len(x).
func Richardson(dst, errEst []float64, f func([]float64) float64, x []float64, s *Settings) ([]float64, []float64) {
	if dst == nil {
		dst = make([]float64, len(x))
	}
	if errEst == nil {
		errEst = make([]float64, len(x))
	}
	if len(dst) != len(x) || len(errEst) != len(x) {
		panic(fmt.Sprintf("numgrad: Richardson: len(dst) = %d, len(errEst) = %d, len(x) = %d", len(dst), len(errEst), len(x)))
	}
	c := ladderStep
	if s != nil && s.Step != 0 {
		c = s.Step
	}
	parallel(len(x), s.concurrent(), func() func(i int) {
		xc := make([]float64, len(x))
		var lad ladder
		return func(i int) {
			copy(xc, x)
			lad.reset(Step(x[i], c), ladderLevels)
			xi := xc[i]
			fmax := 0.0
			for k, h := range lad.h {
				xc[i] = xi + h
				fp := f(xc)
				xc[i] = xi - h
				fm := f(xc)
				lad.d[k] = (fp - fm) / (2 * h)
				fmax = math.Max(fmax, math.Max(math.Abs(fp), math.Abs(fm)))
			}
			xc[i] = xi
			var last int
			dst[i], errEst[i], last = lad.extrapolate(0)
			// Ridders' estimate can be 0 where tableau entries agree by
			// chance; the rounding of f, eps·|f| per evaluation, amplified
			// by at most 2/h at the smallest step used, is a floor.
			errEst[i] = math.Max(errEst[i], 2*0x1p-53*fmax/lad.h[last])
		}
	})
	return dst, errEst
}

// ladder holds the central differences d[k] at the steps h[k] = h₀/2ᵏ.
type ladder struct {
	h, d []float64
	t    [][]float64 // the tableau, reused
}

func (l *ladder) reset(h0 float64, levels int) {
	l.h, l.d = l.h[:0], l.d[:0]
	for k := range levels {
		l.h = append(l.h, math.Ldexp(h0, -k))
		l.d = append(l.d, 0)
	}
	for len(l.t) < levels {
		l.t = append(l.t, make([]float64, levels))
	}
}

// extrapolate runs the tableau over the levels from first on and returns
// the best estimate, its error estimate and the level of the smallest step
// that entered it. With a single level the error estimate is +Inf.
func (l *ladder) extrapolate(first int) (est, errEst float64, last int) {
	n := len(l.d) - first
	if n <= 0 {
		return math.NaN(), math.Inf(1), first
	}
	t := l.t
	est, errEst, last = l.d[first], math.Inf(1), first
	for k := range n {
		t[k][0] = l.d[first+k]
		fac := 1.0
		for j := 1; j <= k; j++ {
			fac *= 4
			t[k][j] = t[k][j-1] + (t[k][j-1]-t[k-1][j-1])/(fac-1)
			e := math.Max(math.Abs(t[k][j]-t[k][j-1]), math.Abs(t[k][j]-t[k-1][j-1]))
			if e < errEst || math.IsNaN(e) && !math.IsNaN(errEst) {
				est, errEst, last = t[k][j], e, first+k
			}
		}
	}
	if n == 1 {
		return l.d[first], math.Inf(1), first
	}
	return est, errEst, last
}
