package backprop

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestGradientMatchesDual compares backprop with the exact derivative that
// forward-mode dual numbers give, one parameter at a time, on random
// networks of every activation and both losses. Both are exact up to
// float64 rounding in a different order of summation; over a network of
// depth ≤ 3 and width ≤ 5 the accumulated relative error is a few hundred
// ulps of the largest term at most, so the bound 1e-12·max(1, ‖g‖∞) has
// two orders of margin and still catches any wrong term.
func TestGradientMatchesDual(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	for _, loss := range Losses() {
		for _, a := range Activations() {
			for trial := range 10 {
				net := MustNew(randomConfig(rng, a, loss))
				d := randomData(rng, net, 1+rng.IntN(6))
				t.Run(fmt.Sprintf("%v/%v/%d", loss, a, trial), func(t *testing.T) {
					got := make([]float64, net.NumParams())
					if _, err := net.Gradient(got, All(d)); err != nil {
						t.Fatal(err)
					}
					want := dualGradient(t, net, All(d))
					scale := math.Max(1, infNorm(want))
					for i := range got {
						if math.Abs(got[i]-want[i]) > 1e-12*scale {
							loc, _ := net.Layout().Locate(i)
							t.Errorf("%v: backprop %g, dual %g", loc, got[i], want[i])
						}
					}
				})
			}
		}
	}
}

// TestGradientMatchesCentral compares backprop with central differences
// (f(θ+h) − f(θ−h))/2h, h = 6e-6·max(1, |θ_i|) ≈ ∛eps. Its error is the
// truncation h²|C‴|/6 plus rounding eps·|C|/h, about 1e-11·(|C‴| + |C|);
// on these small networks |C|, |C‴| ≲ 10², so 1e-7·max(1, |g_i|) bounds it
// with margin. For ReLU and leaky ReLU a component whose stencil moves any
// pre-activation across 0 has no derivative to compare with and is skipped
// (numgrad classifies such components as kinks).
func TestGradientMatchesCentral(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2, 2))
	for _, loss := range Losses() {
		for _, a := range Activations() {
			for trial := range 5 {
				net := MustNew(randomConfig(rng, a, loss))
				d := randomData(rng, net, 1+rng.IntN(6))
				t.Run(fmt.Sprintf("%v/%v/%d", loss, a, trial), func(t *testing.T) {
					got := make([]float64, net.NumParams())
					if _, err := net.Gradient(got, All(d)); err != nil {
						t.Fatal(err)
					}
					theta := net.ParamsTo(nil)
					probe := net.Clone()
					for i := range theta {
						h := 6e-6 * math.Max(1, math.Abs(theta[i]))
						p := append([]float64(nil), theta...)
						p[i] = theta[i] + h
						probe.SetParams(p)
						fp, _ := probe.Cost(All(d))
						sp := signs(probe)
						p[i] = theta[i] - h
						probe.SetParams(p)
						fm, _ := probe.Cost(All(d))
						if a.HasKink() && sp != signs(probe) {
							continue
						}
						num := (fp - fm) / (2 * h)
						if math.Abs(num-got[i]) > 1e-7*math.Max(1, math.Abs(got[i])) {
							loc, _ := net.Layout().Locate(i)
							t.Errorf("%v: backprop %g, central %g", loc, got[i], num)
						}
					}
				})
			}
		}
	}
}

// signs returns the sign pattern of every pre-activation of the last
// forward pass, as a string to compare.
func signs(n *Network) string {
	var s []byte
	for l := range n.NumLayers() {
		z := n.PreActivation(l)
		r, c := z.Dims()
		for i := range r {
			for j := range c {
				if z.At(i, j) > 0 {
					s = append(s, '+')
				} else {
					s = append(s, '-')
				}
			}
		}
	}
	return string(s)
}

// TestMeanOfSampleGradients checks that the batch gradient is the mean of
// the per-sample gradients. The two sum the same B terms in different
// orders and roundings, so they agree to B·eps relative to the largest
// term; 1e-13·max(1, ‖g‖∞) covers B ≤ 6 with margin.
func TestMeanOfSampleGradients(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 3))
	for _, loss := range Losses() {
		for _, a := range Activations() {
			net := MustNew(randomConfig(rng, a, loss))
			d := randomData(rng, net, 2+rng.IntN(5))
			batch := make([]float64, net.NumParams())
			net.Gradient(batch, All(d))
			mean := make([]float64, net.NumParams())
			g := make([]float64, net.NumParams())
			for i := range d.N {
				net.Gradient(g, Batch{Data: d, Rows: []int{i}})
				for k := range g {
					mean[k] += g[k] / float64(d.N)
				}
			}
			scale := math.Max(1, infNorm(batch))
			for k := range batch {
				if math.Abs(batch[k]-mean[k]) > 1e-13*scale {
					t.Errorf("%v/%v: parameter %d: batch gradient %g, mean of samples %g", loss, a, k, batch[k], mean[k])
				}
			}
		}
	}
}

// TestCostMatchesGeneric checks the float64 fast path against CostAt[Real],
// which evaluates the same definitions one sample at a time.
func TestCostMatchesGeneric(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(4, 4))
	for _, loss := range Losses() {
		for _, a := range Activations() {
			net := MustNew(randomConfig(rng, a, loss))
			d := randomData(rng, net, 5)
			fast, err := net.Cost(All(d))
			if err != nil {
				t.Fatal(err)
			}
			slow, err := CostAt(net, asReal(net.ParamsTo(nil)), All(d))
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(fast-float64(slow)) > 1e-14*math.Max(1, math.Abs(fast)) {
				t.Errorf("%v/%v: Cost %g, CostAt %g", loss, a, fast, slow)
			}
		}
	}
}

func TestBatchErrors(t *testing.T) {
	t.Parallel()
	net := MustNew(Config{Sizes: []int{2, 3, 1}, Activations: []Activation{Tanh, Identity}})
	good := &Dataset{N: 1, In: 2, Out: 1, X: []float64{1, 2}, Y: []float64{3}}
	wide := &Dataset{N: 1, In: 3, Out: 1, X: []float64{1, 2, 3}, Y: []float64{3}}
	g := make([]float64, net.NumParams())
	for _, tc := range []struct {
		name string
		b    Batch
	}{
		{"nil data", Batch{}},
		{"no rows", Batch{Data: good, Rows: []int{}}},
		{"wrong width", All(wide)},
		{"row out of range", Batch{Data: good, Rows: []int{1}}},
		{"short X", All(&Dataset{N: 2, In: 2, Out: 1, X: []float64{1, 2}, Y: []float64{3, 4}})},
		{"short Y", All(&Dataset{N: 2, In: 2, Out: 1, X: []float64{1, 2, 3, 4}, Y: []float64{3}})},
	} {
		if _, err := net.Cost(tc.b); err == nil {
			t.Errorf("%s: Cost: no error", tc.name)
		}
		if _, err := net.Gradient(g, tc.b); err == nil {
			t.Errorf("%s: Gradient: no error", tc.name)
		}
	}
}

// dualGradient returns ∂C/∂θ from one dual-number forward pass per
// parameter.
func dualGradient(t *testing.T, net *Network, b Batch) []float64 {
	t.Helper()
	theta := net.ParamsTo(nil)
	dual := make([]Dual, len(theta))
	g := make([]float64, len(theta))
	for i := range theta {
		for k, v := range theta {
			dual[k] = Dual{V: v}
		}
		dual[i].D = 1
		c, err := CostAt(net, dual, b)
		if err != nil {
			t.Fatal(err)
		}
		g[i] = c.D
	}
	return g
}

func infNorm(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = math.Max(m, math.Abs(v))
	}
	return m
}
