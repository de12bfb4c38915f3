package properties

import (
	"math"
	"testing"
)

func TestGamma(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n    int
		want float64
	}{
		{0, 0},
		{1, 0x1p-53 / (1 - 0x1p-53)},
		{1 << 20, 0x1p-33 / (1 - 0x1p-33)},
	} {
		if got := gamma(tc.n); got != tc.want {
			t.Errorf("gamma(%d) = %v, want %v", tc.n, got, tc.want)
		}
	}
}

// TestSumBound checks the summation bound the reduction properties rely on
// against sums of the same terms in every order of a set chosen to round:
// the spread of the results stays within 2·γ_{n−1}·Σ|xᵢ|.
func TestSumBound(t *testing.T) {
	t.Parallel()
	x := []float64{1e16, 1, -1e16, 3.5, 1.0 / 3, -0.1, 7e-17}
	var abs float64
	for _, v := range x {
		abs += math.Abs(v)
	}
	bound := 2 * gamma(len(x)-1) * abs
	lo, hi := math.Inf(1), math.Inf(-1)
	permute(x, 0, func(p []float64) {
		var s float64
		for _, v := range p {
			s += v
		}
		lo, hi = math.Min(lo, s), math.Max(hi, s)
	})
	if hi-lo > bound {
		t.Errorf("sums in different orders spread over %v, beyond the bound %v", hi-lo, bound)
	}
	if hi == lo {
		t.Errorf("every order gave %v: the terms do not exercise rounding", lo)
	}
}

func permute(x []float64, k int, visit func([]float64)) {
	if k == len(x) {
		visit(x)
		return
	}
	for i := k; i < len(x); i++ {
		x[k], x[i] = x[i], x[k]
		permute(x, k+1, visit)
		x[k], x[i] = x[i], x[k]
	}
}

func TestFirstOver(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name      string
		a, b, tol []float64
		want      int
	}{
		{"within", []float64{1, 2}, []float64{1.5, 2}, []float64{0.5, 0}, -1},
		{"over", []float64{1, 2}, []float64{1, 2.1}, []float64{0, 0.05}, 1},
		{"both NaN", []float64{nan}, []float64{nan}, []float64{0}, -1},
		{"one NaN", []float64{nan}, []float64{1}, []float64{1e300}, 0},
		{"equal infinities", []float64{inf}, []float64{inf}, []float64{0}, -1},
		{"±0", []float64{0}, []float64{math.Copysign(0, -1)}, []float64{0}, -1},
	} {
		if got := firstOver(tc.a, tc.b, tc.tol); got != tc.want {
			t.Errorf("%s: firstOver = %d, want %d", tc.name, got, tc.want)
		}
	}
	if got := firstBitDiff([]float64{0}, []float64{math.Copysign(0, -1)}); got != 0 {
		t.Errorf("firstBitDiff(+0, −0) = %d, want 0", got)
	}
}
