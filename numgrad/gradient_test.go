package numgrad_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/numgrad"
)

func TestStepIsExact(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	for range 1000 {
		x := math.Ldexp(2*rng.Float64()-1, rng.IntN(60)-30)
		for _, c := range []float64{2e-8, 6e-6, 1e-3, 1.0 / 128} {
			h := numgrad.Step(x, c)
			if (x+h)-x != h {
				t.Fatalf("Step(%v, %v) = %v: (x + h) − x = %v", x, c, h, (x+h)-x)
			}
			// The rounding to a representable x + h moves h by at most
			// ulp(x), a relative change ≤ eps·|x|/(c·max(1,|x|)) ≤ eps/c.
			if want := c * math.Max(1, math.Abs(x)); math.Abs(h-want) > want*0x1p-52/c {
				t.Fatalf("Step(%v, %v) = %v, want ≈ %v", x, c, h, want)
			}
		}
	}
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if h := numgrad.Step(x, 6e-6); !math.IsNaN(h) {
			t.Errorf("Step(%v) = %v, want NaN", x, h)
		}
	}
}

// TestGradientFormulas checks every formula on f(x) = Σ sin(x_i)·e^{x_{i+1}}
// against its analytic gradient. Each formula's error is its truncation
// C·h^Order·|f^(Order+1)| plus rounding ≈ eps·|f|/h; at the default steps
// both are about eps^{Order/(Order+1)}·(|f|+|f^(Order+1)|) ≈ 1.5e-8 (first
// order), 4e-11 (Central), 1e-13 (Central5) for |x| ≤ 1, with |f| and its
// derivatives ≤ 3·e·n. The bounds below leave a factor of 10 to 100.
func TestGradientFormulas(t *testing.T) {
	t.Parallel()
	f := func(x []float64) float64 {
		var s float64
		for i := range x {
			s += math.Sin(x[i]) * math.Exp(x[(i+1)%len(x)])
		}
		return s
	}
	grad := func(x []float64) []float64 {
		g := make([]float64, len(x))
		n := len(x)
		for i := range x {
			g[i] = math.Cos(x[i])*math.Exp(x[(i+1)%n]) + math.Sin(x[(i+n-1)%n])*math.Exp(x[i])
		}
		return g
	}
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]float64, 7)
	for i := range x {
		x[i] = 2*rng.Float64() - 1
	}
	want := grad(x)
	for _, tc := range []struct {
		name string
		form numgrad.Formula
		tol  float64
	}{
		{"forward", numgrad.Forward, 1e-6},
		{"backward", numgrad.Backward, 1e-6},
		{"central", numgrad.Central, 1e-9},
		{"central5", numgrad.Central5, 1e-11},
	} {
		for _, conc := range []bool{false, true} {
			orig := append([]float64(nil), x...)
			got := numgrad.Gradient(nil, f, x, &numgrad.Settings{Formula: tc.form, Concurrent: conc})
			for i := range x {
				if x[i] != orig[i] {
					t.Fatalf("%s: x[%d] changed", tc.name, i)
				}
				if math.Abs(got[i]-want[i]) > tc.tol {
					t.Errorf("%s (concurrent %v): ∂f/∂x_%d = %v, want %v (tolerance %g)", tc.name, conc, i, got[i], want[i], tc.tol)
				}
			}
		}
	}
}

// TestGradientConcurrentSameBits: a coordinate's derivative does not depend
// on which goroutine computes it.
func TestGradientConcurrentSameBits(t *testing.T) {
	t.Parallel()
	f := func(x []float64) float64 {
		var s float64
		for i, v := range x {
			s += math.Exp(v*float64(i%5)) / (1 + v*v)
		}
		return s
	}
	rng := rand.New(rand.NewPCG(1, 1))
	x := make([]float64, 300)
	for i := range x {
		x[i] = 4*rng.Float64() - 2
	}
	seq := numgrad.Gradient(nil, f, x, nil)
	con := numgrad.Gradient(nil, f, x, &numgrad.Settings{Concurrent: true})
	rs, es := numgrad.Richardson(nil, nil, f, x, nil)
	rc, ec := numgrad.Richardson(nil, nil, f, x, &numgrad.Settings{Concurrent: true})
	for i := range x {
		if math.Float64bits(seq[i]) != math.Float64bits(con[i]) || rs[i] != rc[i] || es[i] != ec[i] {
			t.Fatalf("component %d differs between sequential and concurrent runs", i)
		}
	}
}

func TestGradientPanicsOnLength(t *testing.T) {
	t.Parallel()
	defer func() {
		if r := recover(); r == nil {
			t.Error("no panic for len(dst) != len(x)")
		}
	}()
	numgrad.Gradient(make([]float64, 2), func([]float64) float64 { return 0 }, make([]float64, 3), nil)
}

// TestRichardsonErrorEstimate checks that Ridders' error estimate bounds
// the actual error (within a factor 10: it is an estimate, not a bound) on
// smooth functions, and that the result is far better than central
// differences: the tableau removes h², h⁴, … so only rounding remains,
// ≈ eps·|f|/h_min ≈ 1e-12 here.
func TestRichardsonErrorEstimate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		f    func(x []float64) float64
		g    func(x []float64) []float64
	}{
		{"exp·sin", func(x []float64) float64 { return math.Exp(x[0]) * math.Sin(3*x[1]) },
			func(x []float64) []float64 {
				return []float64{math.Exp(x[0]) * math.Sin(3*x[1]), 3 * math.Exp(x[0]) * math.Cos(3*x[1])}
			}},
		{"rational", func(x []float64) float64 { return 1 / (1 + x[0]*x[0] + 2*x[1]*x[1]) },
			func(x []float64) []float64 {
				d := 1 + x[0]*x[0] + 2*x[1]*x[1]
				return []float64{-2 * x[0] / (d * d), -4 * x[1] / (d * d)}
			}},
	} {
		rng := rand.New(rand.NewPCG(1, 1))
		for range 50 {
			x := []float64{4*rng.Float64() - 2, 4*rng.Float64() - 2}
			est, errs := numgrad.Richardson(nil, nil, tc.f, x, nil)
			want := tc.g(x)
			for i := range x {
				e := math.Abs(est[i] - want[i])
				if e > 1e-10*math.Max(1, math.Abs(want[i])) {
					t.Errorf("%s at %v: ∂_%d = %v, want %v", tc.name, x, i, est[i], want[i])
				}
				if e > 10*errs[i] && e > 1e-14 {
					t.Errorf("%s at %v: ∂_%d error %.2g, estimate %.2g", tc.name, x, i, e, errs[i])
				}
			}
		}
	}
}

// TestNoise checks Noise against a function with noise of known size: a
// smooth function plus σ·u(x), u a deterministic hash of x uniform in
// [−√3, √3] (standard deviation 1). ECnoise estimates σ within a factor of
// about 2 from 9 samples; the test allows 3. A smooth float64 function
// gives an estimate at the level of eps·|f|.
func TestNoise(t *testing.T) {
	t.Parallel()
	hash := func(x []float64) float64 {
		var h uint64 = 14695981039346656037
		for _, v := range x {
			h ^= math.Float64bits(v)
			h *= 1099511628211
		}
		return rand.New(rand.NewPCG(h, 1)).Float64()*2*math.Sqrt(3) - math.Sqrt(3)
	}
	x := []float64{0.3, -1.2, 2}
	smooth := func(x []float64) float64 { return math.Exp(x[0]) + x[1]*x[2] }
	for _, sigma := range []float64{1e-6, 1e-9, 1e-12} {
		f := func(x []float64) float64 { return smooth(x) + sigma*hash(x) }
		got := numgrad.Noise(f, x, 0x1p-53, rand.New(rand.NewPCG(1, 1)))
		if got < sigma/3 || got > 3*sigma {
			t.Errorf("σ = %g: Noise = %g", sigma, got)
		}
	}
	got := numgrad.Noise(smooth, x, 0x1p-53, rand.New(rand.NewPCG(1, 1)))
	if fx := smooth(x); got < 0x1p-53*math.Abs(fx) || got > 100*0x1p-53*math.Abs(fx) {
		t.Errorf("smooth: Noise = %g, f = %g", got, fx)
	}
	if got := numgrad.Noise(func([]float64) float64 { return math.NaN() }, x, 0x1p-53, rand.New(rand.NewPCG(1, 1))); !math.IsNaN(got) {
		t.Errorf("NaN function: Noise = %v, want NaN", got)
	}
	// Overflow away from x does not poison the estimate.
	over := func(y []float64) float64 {
		if y[0] != x[0] {
			return math.Inf(1)
		}
		return smooth(y)
	}
	if got := numgrad.Noise(over, x, 0x1p-53, rand.New(rand.NewPCG(1, 1))); !(got >= 0x1p-53*math.Abs(smooth(x))) || math.IsInf(got, 0) {
		t.Errorf("f infinite off x: Noise = %v, want the floor", got)
	}
}

// TestNoiseKinksUnderCurvature: kinks within the first interval of the
// coarsest sampling, whose jump is small beside f's curvature there (two
// units 4.7e-10 from their kinks in a cost of curvature ~100), must not
// pass for noise: the estimate stays at f's rounding, not the ~1e-10 of
// the kinks (properties-long's rapid seed 7 shrank to such a case), for
// every seed of the sampling directions.
func TestNoiseKinksUnderCurvature(t *testing.T) {
	t.Parallel()
	const s = 4.656612873077393e-10
	x := []float64{0.3, -0.2}
	f := func(y []float64) float64 {
		z := (y[0] - x[0]) + (y[1] - x[1])
		return 7 + 60*(y[0]*y[0]+y[1]*y[1]) + 0.9*(max(z+s, 0)-max(z-s, 0))
	}
	for seed := range uint64(50) {
		if got := numgrad.Noise(f, x, 0x1p-53, rand.New(rand.NewPCG(seed, 1))); got > 1e-13 {
			t.Errorf("seed %d: Noise = %g, want f's rounding (about 1e-15)", seed, got)
		}
	}
}

// TestNoiseInnerRounding: f = (w·x + b − y)², its residual small beside
// b, with parameters and data of few bits (a fuzzer's): f's noise is the
// rounding of ŷ = w·x + b, ulp(b)/√12 times |∂f/∂ŷ| = 2|r|, far above
// eps·|f|, and the sampling must see it although x + t·δ·p would be exact
// for a direction p of few bits too (FuzzUserModel's regress-inner-rounding).
func TestNoiseInnerRounding(t *testing.T) {
	t.Parallel()
	const xd, y = -0x1p-13, 1.505859375
	f := func(th []float64) float64 {
		r := th[0]*xd + th[1] - y
		return r * r
	}
	th := []float64{2.1016845703125, 1.505859375}
	r := th[0]*xd + th[1] - y
	want := 2 * math.Abs(r) * 0x1p-52 / math.Sqrt(12)
	for seed := range uint64(20) {
		if got := numgrad.Noise(f, th, 0x1p-53, rand.New(rand.NewPCG(seed, 1))); got < want/4 || got > 4*want {
			t.Errorf("seed %d: Noise = %g, want about %g (eps·|f| = %g)", seed, got, want, 0x1p-53*r*r)
		}
	}
}
