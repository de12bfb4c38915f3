package numgrad_test

import (
	"math"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// TestFastPassesAndLocates: the fast check accepts a right gradient with k
// projections and no per-component work, and on a wrong one falls back to
// the full check, which locates the wrong component.
func TestFastPassesAndLocates(t *testing.T) {
	t.Parallel()
	for _, tf := range testFuncs() {
		g := make([]float64, len(tf.x))
		tf.gonum.Grad(g, tf.x)
		r, err := numgrad.Check(tf.gonum.Func, g, tf.x, &numgrad.CheckSettings{Method: numgrad.MethodFast, Projections: 8})
		if err != nil {
			t.Fatal(err)
		}
		if !r.OK() || r.Fast == nil || r.Fast.K != 8 || len(r.Fast.Projections) != 8 || len(r.Components) != 0 {
			t.Errorf("%s: right gradient: OK %v, %d components\n%s", tf.name, r.OK(), len(r.Components), r)
		}
		if tf.name == "BrownBadlyScaled" {
			// Its noise, eps·10¹² per evaluation, hides any error below
			// ≈ 10 in the derivative: the report's Detects says so.
			continue
		}
		g[len(g)-1] += 1e-3 * (1 + math.Abs(g[len(g)-1]))
		r, err = numgrad.Check(tf.gonum.Func, g, tf.x, &numgrad.CheckSettings{Method: numgrad.MethodFast, Projections: 8})
		if err != nil {
			t.Fatal(err)
		}
		if r.OK() || r.Fast.OK() || len(r.Components) != len(g) {
			t.Errorf("%s: wrong gradient: OK %v, fast OK %v, %d components", tf.name, r.OK(), r.Fast.OK(), len(r.Components))
			continue
		}
		if w := r.Worst(1)[0]; w.Index != len(g)-1 {
			t.Errorf("%s: located component %d, want %d", tf.name, w.Index, len(g)-1)
		}
	}
}

// TestFastMissProbability checks the stated bound against the frequency of
// misses. With one projection and an error e placed so that the bound
// √(2/π)·τ/‖De‖₂ is ½, the true miss probability is P(|Z| ≤ 0.627) = 0.47
// for Z ~ N(0, 1); over 400 seeds the count of misses has standard
// deviation 10, so more than 0.5·400 + 40 misses would refute the bound
// (a 4σ event were it true), and fewer than 0.47·400 − 60 would show the
// check missing far less than it should: the tolerance is not what the
// report says. f is quadratic, so the truncation term is 0 and τ is the
// same in every direction.
func TestFastMissProbability(t *testing.T) {
	t.Parallel()
	n := 20
	x := make([]float64, n)
	for i := range x {
		x[i] = 0.1 * float64(i%7)
	}
	f := func(x []float64) float64 {
		var s float64
		for i, v := range x {
			s += float64(i+1) * v * v
		}
		return s
	}
	grad := func() []float64 {
		g := make([]float64, n)
		for i, v := range x {
			g[i] = 2 * float64(i+1) * v
		}
		return g
	}
	misses := 0
	const trials = 400
	var last *numgrad.Fast
	for seed := range uint64(trials) {
		// τ depends a little on the seed (the noise estimate's direction):
		// learn it from the right gradient, then place the error.
		s := &numgrad.CheckSettings{Method: numgrad.MethodFast, Projections: 1, Seed: seed + 1, Sweeps: -1}
		r0, err := numgrad.Check(f, grad(), x, s)
		if err != nil {
			t.Fatal(err)
		}
		E := 2 * math.Sqrt(2/math.Pi) * r0.Fast.Tol // bound = ½
		g := grad()
		g[3] += E // D = diag(max(1, |x_i|)) = I here
		r, err := numgrad.Check(f, g, x, s)
		if err != nil {
			t.Fatal(err)
		}
		if p := r.Fast.MissProbability(E); math.Abs(p-0.5) > 1e-3 {
			t.Fatalf("seed %d: stated bound %v, want ½", seed, p)
		}
		if r.Fast.OK() {
			misses++
		}
		last = r.Fast
	}
	t.Logf("%d misses in %d projections at a stated miss bound of ½ (normal law: %.0f)", misses, trials, 0.4694*trials)
	if misses > trials/2+40 || misses < trials*47/100-60 {
		t.Errorf("%d misses in %d; the bound says at most ≈ %d, the normal law ≈ %d", misses, trials, trials/2, trials*47/100)
	}
	// Detects inverts MissProbability.
	for _, p := range []float64{1e-6, 1e-3, 0.1} {
		last.K = 16
		if got := last.MissProbability(last.Detects(p)); math.Abs(got-p) > 1e-9*p {
			t.Errorf("MissProbability(Detects(%g)) = %g", p, got)
		}
	}
}

// TestFastOnNetwork: the fast check on a network with ReLU kinks, right
// and wrong.
func TestFastOnNetwork(t *testing.T) {
	t.Parallel()
	net := backprop.MustNew(backprop.Config{Sizes: []int{4, 6, 3}, Activations: []backprop.Activation{backprop.ReLU, backprop.Identity}, Loss: backprop.SoftmaxCrossEntropy, Seed: 9})
	d := &backprop.Dataset{N: 3, In: 4, Out: 3, X: []float64{0, 0, 0, 0, 1, -1, 0.5, 0.2, -0.3, 0.8, 0.1, -0.9}, Y: []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}}
	r, err := numgrad.CheckModel(net, backprop.All(d), &numgrad.CheckSettings{Method: numgrad.MethodFast})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("right gradient failed:\n%s", r)
	}
	r, err = numgrad.CheckModel(scaled{net, func(g []float64) { g[30] = -g[30] + 0.01 }}, backprop.All(d), &numgrad.CheckSettings{Method: numgrad.MethodFast})
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || r.Worst(1)[0].Index != 30 {
		t.Fatalf("wrong component 30 not located:\n%s", r)
	}
}
