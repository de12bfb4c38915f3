package properties

import (
	"math"
	"slices"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
)

// drawBatch draws a batch of the instance's dataset: a non-empty selection
// of distinct samples in any order.
func drawBatch(t *rapid.T, c *instance) backprop.Batch {
	t.Helper()
	perm := rapid.Permutation(seq(c.data.N)).Draw(t, "order")
	k := rapid.IntRange(1, c.data.N).Draw(t, "batch size")
	return backprop.Batch{Data: c.data, Rows: perm[:k:k]}
}

// UpdateExact checks that one update [backprop.Step] with rate η on a batch
// sets θ to θ − η·g bit for bit, where g is the model's own gradient on the
// batch and η·g is rounded before the subtraction (as [backprop.Update]
// does). A model that is a [backprop.Stepper] is checked through its own
// Step; under [Accumulated] that Step may sum the batch's one-sample
// gradients itself, and the update is compared within the rounding of that
// sum. On the way it checks that Gradient gives the same bits twice and
// leaves the parameters alone.
func UpdateExact(t *rapid.T, f Factory, s *Settings) {
	t.Helper()
	set := s.withDefaults()
	tol := set.toleranceOf("UpdateExact")
	c := newInstance(t, f, samples(set.MaxSamples))
	b := drawBatch(t, c)
	eta := Rate().Draw(t, "η")
	g, _ := c.gradient(t, b)
	if i := firstBitDiff(c.Model.ParamsTo(nil), c.theta0); i >= 0 {
		c.fatalf(t, "Gradient changed the parameters: %s was %v, is %v", c.param(i), c.theta0[i], c.Model.ParamsTo(nil)[i])
	}
	g2, _ := c.gradient(t, b)
	if i := firstBitDiff(g, g2); i >= 0 {
		c.fatalf(t, "Gradient is not deterministic: two calls on rows %v give %v and %v at %s", b.Rows, g[i], g2[i], c.param(i))
	}
	if err := backprop.Step(c.Model, eta, b); err != nil {
		c.fatalf(t, "Step(η = %v, rows %v): %v", eta, b.Rows, err)
	}
	got := c.Model.ParamsTo(nil)
	if tol == Accumulated {
		if gap, ok := c.stepMismatch(t, tol, c.theta0, eta, b.Rows, got); !ok {
			c.fatalf(t, "one update with η = %v on rows %v is not w − η·g: %s", eta, b.Rows, gap.describe(c, tol))
		}
		return
	}
	want := slices.Clone(c.theta0)
	backprop.Update(want, eta, g)
	if i := firstBitDiff(got, want); i >= 0 {
		c.fatalf(t, "one update with η = %v on rows %v is not w − η·g: %s = %v, want %v − %v·%v = %v",
			eta, b.Rows, c.param(i), got[i], c.theta0[i], eta, g[i], want[i])
	}
}

// ZeroRate checks that an update with η = 0 leaves every parameter at its
// value and the cost at its bits. Values are compared with ==: a weight −0
// whose gradient is negative becomes +0 (−0 − (−0) = +0 in IEEE 754), the
// same number.
func ZeroRate(t *rapid.T, f Factory, s *Settings) {
	t.Helper()
	set := s.withDefaults()
	c := newInstance(t, f, samples(set.MaxSamples))
	b := drawBatch(t, c)
	before := c.cost(t, backprop.All(c.data))
	if err := backprop.Step(c.Model, 0, b); err != nil {
		c.fatalf(t, "Step(η = 0, rows %v): %v", b.Rows, err)
	}
	got := c.Model.ParamsTo(nil)
	for i := range got {
		if got[i] != c.theta0[i] && !(math.IsNaN(got[i]) && math.IsNaN(c.theta0[i])) {
			c.fatalf(t, "an update with η = 0 on rows %v moved %s from %v to %v", b.Rows, c.param(i), c.theta0[i], got[i])
		}
	}
	if after := c.cost(t, backprop.All(c.data)); math.Float64bits(after) != math.Float64bits(before) {
		c.fatalf(t, "an update with η = 0 on rows %v changed the cost from %v to %v", b.Rows, before, after)
	}
}

// LinearRate checks that the step θ − θ′ of one update is η·g for two rates
// η₁ and η₂ = c·η₁, so that it is linear in η. The computed step
// s = fl(w − fl(w − fl(η·g))) differs from fl(η·g) by at most
// u·(|w| + 4|η·g|) to first order (one rounding of each of the three
// operations and of the reference product); the check allows that times
// 1 + 2⁻²⁰ for the terms in u², plus the underflow floor. Under
// [Accumulated] each of the two updates is compared with θ − η·g as
// [UpdateExact] compares it in that mode.
func LinearRate(t *rapid.T, f Factory, s *Settings) {
	t.Helper()
	set := s.withDefaults()
	tol := set.toleranceOf("LinearRate")
	c := newInstance(t, f, samples(set.MaxSamples))
	b := drawBatch(t, c)
	eta1 := RateRange(0x1p-30, 1).Draw(t, "η₁")
	factor := rapid.SampledFrom([]float64{2, 3, 0.5, 1.0 / 3, 10, 0.1}).Draw(t, "η₂/η₁")
	g, _ := c.gradient(t, b)
	for _, eta := range []float64{eta1, eta1 * factor} {
		c.reset()
		if err := backprop.Step(c.Model, eta, b); err != nil {
			c.fatalf(t, "Step(η = %v, rows %v): %v", eta, b.Rows, err)
		}
		got := c.Model.ParamsTo(nil)
		if tol == Accumulated {
			if gap, ok := c.stepMismatch(t, tol, c.theta0, eta, b.Rows, got); !ok {
				c.fatalf(t, "the step is not η·g: with η = %v (η₁ = %v, η₂ = %v) on rows %v, %s", eta, eta1, eta1*factor, b.Rows, gap.describe(c, tol))
			}
			continue
		}
		for i, w := range c.theta0 {
			step, want := w-got[i], float64(eta*g[i])
			bound := unitRoundoff*(math.Abs(w)+4*math.Abs(want))*(1+0x1p-20) + underflowFloor
			if !(math.Abs(step-want) <= bound) {
				c.fatalf(t, "the step is not linear in η: with η = %v (η₁ = %v, η₂ = %v) on rows %v, %s moved by %v, want η·g = %v·%v = %v (tolerance %.3g)",
					eta, eta1, eta1*factor, b.Rows, c.param(i), step, eta, g[i], want, bound)
			}
		}
	}
}
