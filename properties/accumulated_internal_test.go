package properties

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAccumulatedStepBound checks the allowance of Accumulated against the
// ways a trainer may compute one update from B one-sample gradients: the
// sum in random orders, scaled by dividing by B, by multiplying with
// fl(1/B) or fl(η/B), on each term or on the sum, the step taken with or
// without a fused multiply-add. Every one must lie within the allowance of
// the reference θ − η·(Σₛ gₛ)/B summed in order; the terms are drawn to
// cancel, so that the sums round. The test would fail if the bound dropped
// a rounding: the spread found is logged against it.
func TestAccumulatedStepBound(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	worst := 0.0 // the largest |θ′ − θ*| / allowance seen
	for trial := range 20000 {
		b := 1 + rng.IntN(40)
		eta := math.Ldexp(1+rng.Float64(), -rng.IntN(21))
		theta := (2*rng.Float64() - 1) * math.Ldexp(1, rng.IntN(8)-4)
		g := make([]float64, b)
		for s := range g {
			g[s] = (2*rng.Float64() - 1) * math.Ldexp(1, rng.IntN(40)-20)
		}
		var abs float64
		for _, v := range g {
			abs += math.Abs(v)
		}
		var sum float64
		for _, v := range g {
			sum += v
		}
		ref := theta - float64(eta*(sum/float64(b)))
		perm := rng.Perm(b)
		var ordered, scaled, etaScaled float64
		inv, etaInv := 1/float64(b), eta/float64(b)
		for _, s := range perm {
			ordered += g[s]
			scaled += float64(g[s] * inv)
			etaScaled += float64(g[s] * etaInv)
		}
		for k, got := range []float64{
			theta - float64(eta*(ordered/float64(b))),
			theta - float64(eta*float64(ordered*inv)),
			theta - float64(etaInv*ordered),
			theta - float64(eta*scaled),
			theta - etaScaled,
			math.FMA(-eta, ordered/float64(b), theta),
			math.FMA(-etaInv, ordered, theta),
		} {
			tol := accumulatedStep(eta, abs, b, got, ref)
			if !withinHull(got, ref, ref, tol) {
				t.Fatalf("trial %d, computation %d: B = %d, η = %v: θ′ = %v, reference %v, |Δ| = %.3g beyond the allowance %.3g",
					trial, k, b, eta, got, ref, math.Abs(got-ref), tol)
			}
			worst = math.Max(worst, math.Abs(got-ref)/tol)
		}
	}
	if worst == 0 {
		t.Fatal("every computation gave the reference's bits: the terms do not exercise rounding")
	}
	t.Logf("largest |θ′ − θ*| seen: %.3g of the allowance", worst)
}

// TestAccumulatedStepCatchesOneSample checks that the allowance is far
// below the mistakes it must not hide: dividing by B + 1 or dropping one
// sample moves the step by about 1/B of itself.
func TestAccumulatedStepCatchesOneSample(t *testing.T) {
	t.Parallel()
	for _, b := range []int{2, 3, 16, 40} {
		g := make([]float64, b)
		for s := range g {
			g[s] = 1 + float64(s)/float64(b)
		}
		var sum, abs float64
		for _, v := range g {
			sum, abs = sum+v, abs+math.Abs(v)
		}
		eta, theta := 0.5, 0.25
		ref := theta - eta*sum/float64(b)
		for name, got := range map[string]float64{
			"divided by B + 1": theta - eta*sum/float64(b+1),
			"last sample lost": theta - eta*(sum-g[b-1])/float64(b),
		} {
			if tol := accumulatedStep(eta, abs, b, got, ref); withinHull(got, ref, ref, tol) {
				t.Errorf("B = %d, %s: θ′ = %v within %.3g of %v", b, name, got, tol, ref)
			}
		}
	}
}

// TestWithinHull checks the interval comparison at its edges: ±0, NaN,
// ±Inf, a NaN reference, and subnormal gaps under the underflow floor.
func TestWithinHull(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name         string
		got, a, b, t float64
		want         bool
	}{
		{"inside the interval", 1.5, 1, 2, 0, true},
		{"within the allowance below", 0.9, 1, 2, 0.1, true},
		{"beyond the allowance above", 2.2, 1, 2, 0.1, false},
		{"±0", math.Copysign(0, -1), 0, 0, 0, true},
		{"NaN against NaN", nan, nan, 1, 0, true},
		{"NaN against numbers", nan, 1, 2, inf, false},
		{"a NaN reference leaves the other", 1.05, nan, 1, 0.1, true},
		{"a NaN reference is not a wildcard", 5, nan, 1, 0.1, false},
		{"equal infinities", inf, inf, 1, 0, true},
		{"an infinity against numbers", inf, 1, 2, 1e300, false},
		{"a NaN allowance", 1.5, 1, 1, nan, false},
		{"a subnormal gap under the floor", 0x1p-1070, 0, 0, underflowFloor, true},
	} {
		if got := withinHull(tc.got, tc.a, tc.b, tc.t); got != tc.want {
			t.Errorf("%s: withinHull(%v, %v, %v, %v) = %v, want %v", tc.name, tc.got, tc.a, tc.b, tc.t, got, tc.want)
		}
	}
}

// TestAccumulatedCostBound checks the cost allowance against means of n
// costs summed in random orders and scaled either way.
func TestAccumulatedCostBound(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2, 2))
	for range 5000 {
		n := 1 + rng.IntN(40)
		e := make([]float64, n)
		var abs, sum float64
		for s := range e {
			e[s] = rng.ExpFloat64() * math.Ldexp(1, rng.IntN(30)-15)
			abs += e[s]
			sum += e[s]
		}
		ref := sum / float64(n)
		var a, b float64
		inv := 1 / float64(n)
		for _, s := range rng.Perm(n) {
			a += e[s]
			b += e[s] * inv
		}
		tol := accumulatedCost(abs, n)
		for _, got := range []float64{a / float64(n), b, a * inv} {
			if !withinHull(got, ref, ref, tol) {
				t.Fatalf("n = %d: %v beyond %.3g of %v", n, got, tol, ref)
			}
		}
	}
}
