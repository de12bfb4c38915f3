package reports

import (
	"math"
	"testing"
)

// TestFit checks the fits on data with known exponents. Exact data gives
// the exponent to rounding: a few ulps of the logs summed over ≤ 5 points,
// so 1e-12 is generous; noisy data is checked against the exponent the
// noise cannot move by more than its size over the log range.
func TestFit(t *testing.T) {
	t.Parallel()
	x := []float64{10, 100, 1000, 1e4}
	for _, tc := range []struct {
		name      string
		fit       func(x, y []float64) (Fit, error)
		x         []float64
		f         func(x float64) float64
		slope, r2 float64
		tol       float64
	}{
		{"linear", fitPower, x, func(x float64) float64 { return 3 * x }, 1, 1, 1e-12},
		{"quadratic", fitPower, x, func(x float64) float64 { return 0.5 * x * x }, 2, 1, 1e-12},
		// y = 4^L: slope log 4.
		{"exponential", fitExp, []float64{1, 2, 3, 4, 5}, func(x float64) float64 { return math.Pow(4, x) }, math.Log(4), 1, 1e-12},
		// ±10% noise, alternating, on y = x: |Δslope| ≤ log(1.1/0.9)/log(10³) ≈ 0.03.
		{"noisy", fitPower, x, func(x float64) float64 {
			if x == 100 || x == 1e4 {
				return 1.1 * x
			}
			return 0.9 * x
		}, 1, 0.99, 0.03},
	} {
		y := make([]float64, len(tc.x))
		for i, v := range tc.x {
			y[i] = tc.f(v)
		}
		f, err := tc.fit(tc.x, y)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if math.Abs(f.Slope-tc.slope) > tc.tol || f.R2 < tc.r2-1e-12 || f.N != len(tc.x) {
			t.Errorf("%s: got slope %v, R² %v, N %d; want slope %v ± %v, R² ≥ %v", tc.name, f.Slope, f.R2, f.N, tc.slope, tc.tol, tc.r2)
		}
	}
	if _, err := fitPower([]float64{5}, []float64{1}); err == nil {
		t.Error("one point: no error")
	}
	if _, err := fitPower([]float64{5, 5}, []float64{1, 2}); err == nil {
		t.Error("one x: no error")
	}
}
