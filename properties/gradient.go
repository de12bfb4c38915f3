package properties

import (
	"fmt"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
)

// Why the gradient properties draw N = 2ᵏ samples: a model scales each
// sample's contribution by 1/N somewhere (backprop scales ∂e/∂aᴸ). For N a
// power of two that scaling is exact and commutes with every later
// rounding, so the batch sums exactly the per-sample gradients gₛ/N, and
// two computations of the same mean differ only by the order of one sum of
// the same N terms: |Δᵢ| ≤ 2·γ_N·Σₛ|gₛᵢ|/N (see gamma). For other N the
// rounding of 1/N propagates through the model, and how far depends on its
// conditioning, which a black-box check cannot bound.

// GradientIsMean checks that the gradient on a batch of N samples is the
// mean of the N gradients on one sample each:
//
//	∂C/∂θ (all N) = (1/N) Σₛ ∂eₛ/∂θ,
//
// within the summation bound 2·γ_N·Σₛ|gₛᵢ|/N, for N = 2ᵏ.
func GradientIsMean(t *rapid.T, f Factory, s *Settings) {
	t.Helper()
	set := s.withDefaults()
	c := newInstance(t, f, powersOfTwo(set.MaxSamples))
	d := c.data
	g, _ := c.gradient(t, backprop.All(d))
	per := perSample(t, c)
	mean := make([]float64, len(g))
	for _, gs := range per {
		for i, v := range gs {
			mean[i] += v
		}
	}
	for i := range mean {
		mean[i] /= float64(d.N) // exact: N is a power of two
	}
	tol := sumTol(absSums(per), d.N, 2*gamma(d.N))
	if i := firstOver(g, mean, tol); i >= 0 {
		c.fatalf(t, "gradient on all %d samples is not the mean of the per-sample gradients at %s: %v on the batch, %v as the mean (difference %.3g, tolerance %.3g)",
			d.N, c.param(i), g[i], mean[i], g[i]-mean[i], tol[i])
	}
}

// DuplicatesInvariant checks that duplicating every sample (each twice in a
// row, or the whole dataset twice over) changes neither the cost nor the
// gradient, within (γ_N + γ_2N)·Σₛ|gₛᵢ|/N (and the same bound on the cost
// with the per-sample errors eₛ), for N = 2ᵏ.
func DuplicatesInvariant(t *rapid.T, f Factory, s *Settings) {
	t.Helper()
	set := s.withDefaults()
	c := newInstance(t, f, powersOfTwo(set.MaxSamples))
	d := c.data
	interleave := rapid.Bool().Draw(t, "interleave")
	d2 := &backprop.Dataset{N: 2 * d.N, In: d.In, Out: d.Out}
	for _, pass := range [2]int{0, 1} {
		for i := range d.N {
			x, y := d.Sample(i)
			if interleave && pass == 1 {
				continue
			}
			d2.X, d2.Y = append(d2.X, x...), append(d2.Y, y...)
			if interleave {
				d2.X, d2.Y = append(d2.X, x...), append(d2.Y, y...)
			}
		}
	}
	g, cost := c.gradient(t, backprop.All(d))
	g2, cost2 := c.gradient(t, backprop.All(d2))
	per := perSample(t, c)
	errs := make([][]float64, d.N)
	for i := range errs {
		errs[i] = []float64{c.cost(t, one(d, i))}
	}
	k := gamma(d.N) + gamma(2*d.N)
	how := "each sample twice in a row"
	if !interleave {
		how = "the dataset twice over"
	}
	if tol := sumTol(absSums(errs), d.N, k); firstOver([]float64{cost}, []float64{cost2}, tol) >= 0 {
		c.fatalf(t, "duplicating the samples (%s) changes the cost: %v on the %d samples, %v on the %d (tolerance %.3g)", how, cost, d.N, cost2, 2*d.N, tol[0])
	}
	tol := sumTol(absSums(per), d.N, k)
	if i := firstOver(g, g2, tol); i >= 0 {
		c.fatalf(t, "duplicating the samples (%s) changes the gradient at %s: %v on the %d samples, %v on the %d (tolerance %.3g)", how, c.param(i), g[i], d.N, g2[i], 2*d.N, tol[i])
	}
}

// OrderInvariant checks that the cost and gradient on a batch do not
// depend on the order of its samples, within 2·γ_N·Σₛ|gₛᵢ|/N, for N = 2ᵏ.
func OrderInvariant(t *rapid.T, f Factory, s *Settings) {
	t.Helper()
	set := s.withDefaults()
	c := newInstance(t, f, powersOfTwo(set.MaxSamples))
	d := c.data
	perm := rapid.Permutation(seq(d.N)).Draw(t, "order")
	g, cost := c.gradient(t, backprop.All(d))
	gp, costp := c.gradient(t, backprop.Batch{Data: d, Rows: perm})
	per := perSample(t, c)
	errs := make([][]float64, d.N)
	for i := range errs {
		errs[i] = []float64{c.cost(t, one(d, i))}
	}
	if tol := sumTol(absSums(errs), d.N, 2*gamma(d.N)); firstOver([]float64{cost}, []float64{costp}, tol) >= 0 {
		c.fatalf(t, "the cost depends on the order of the samples: %v in dataset order, %v in order %v (tolerance %.3g)", cost, costp, perm, tol[0])
	}
	tol := sumTol(absSums(per), d.N, 2*gamma(d.N))
	if i := firstOver(g, gp, tol); i >= 0 {
		c.fatalf(t, "the gradient depends on the order of the samples at %s: %v in dataset order, %v in order %v (tolerance %.3g)", c.param(i), g[i], gp[i], perm, tol[i])
	}
}

// perSample returns the gradient on each sample alone, at θ₀.
func perSample(t *rapid.T, c *instance) [][]float64 {
	t.Helper()
	per := make([][]float64, c.data.N)
	for i := range per {
		per[i], _ = c.gradient(t, one(c.data, i))
	}
	return per
}

// sumTol returns k·abs[i]/n + underflowFloor for every i: the bound on the
// difference of two sums of the terms gₛᵢ/n whose absolute values sum to
// abs[i]/n.
func sumTol(abs []float64, n int, k float64) []float64 {
	tol := make([]float64, len(abs))
	for i, a := range abs {
		tol[i] = k*(a/float64(n)) + underflowFloor
	}
	return tol
}

// param names parameter i, with its location when the model has a layout.
func (c *instance) param(i int) string {
	if l, ok := c.Model.(backprop.Layouter); ok {
		if loc, ok := l.Layout().Locate(i); ok {
			return fmt.Sprintf("θ[%d] (%v)", i, loc)
		}
	}
	return fmt.Sprintf("θ[%d]", i)
}

// seq returns 0, 1, …, n−1.
func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
