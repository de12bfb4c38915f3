package properties

import (
	"math"
	"slices"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
)

// MiniBatchOfN checks that mini-batch training with B ≥ N takes the same
// steps as full-batch training: one update per epoch on every sample.
// Without shuffling both use the samples in dataset order and must agree
// bit for bit. With shuffling the mini-batch holds them in another order;
// then N is drawn as a power of two and each parameter may differ by
// η·2γ_N·Σₛ|gₛᵢ|/N (the order bound of [OrderInvariant], scaled by the
// rate) plus one rounding of each side's product and difference:
// u·(|η·Gᵢ| + |η·G′ᵢ| + |θᵢ| + |θ′ᵢ|), times 1 + 2⁻²⁰ for the terms in u².
// Only the first update is compared in that case, because later ones start
// from parameters that already differ.
//
// Under [Accumulated] each run's updates are checked on their own instead,
// each within the rounding of a sum of its batch's one-sample gradients
// (see [Accumulated]), after the same check of their rows: the two runs
// need not take the same bits, since a trainer may sum a full batch and a
// mini-batch by different code. It needs the modes FullBatch and MiniBatch.
func MiniBatchOfN(t *rapid.T, f Factory, s *Settings) {
	t.Helper()
	set := s.withDefaults()
	requireModes(t, "MiniBatchOfN", set)
	tol := set.toleranceOf("MiniBatchOfN")
	shuffle := rapid.Bool().Draw(t, "shuffle")
	count := samples(set.MaxTrainSamples)
	if shuffle && tol == Bitwise {
		count = powersOfTwo(set.MaxTrainSamples)
	}
	c := newInstance(t, f, count)
	n := c.data.N
	full := backprop.TrainSettings{
		Mode:         backprop.FullBatch,
		Epochs:       rapid.IntRange(1, DefaultMaxEpochs).Draw(t, "epochs"),
		LearningRate: positiveRate.Draw(t, "η"),
		Seed:         rapid.Uint64().Draw(t, "seed"),
		Shuffle:      shuffle,
	}
	if shuffle && tol == Bitwise {
		full.Epochs = 1
	}
	mini := full
	mini.Mode = backprop.MiniBatch
	mini.BatchSize = rapid.IntRange(n, 2*n).Draw(t, "B")
	// Drop-last keeps the one batch only when it is full, B = N.
	mini.DropLast = rapid.Bool().Draw(t, "drop last") && mini.BatchSize == n
	rf, rm := c.train(t, set.Trainer, full), c.train(t, set.Trainer, mini)
	for _, r := range []struct {
		run
		ts backprop.TrainSettings
	}{{rf, full}, {rm, mini}} {
		switch {
		case r.err != nil:
			c.fatalf(t, "%v: %v", settings(r.ts), r.err)
		case len(r.updates) != full.Epochs:
			c.fatalf(t, "%v: %d updates in %d epochs; want one per epoch", settings(r.ts), len(r.updates), full.Epochs)
		}
		shuffled := r.ts.Shuffle && r.ts.Mode == backprop.MiniBatch
		for k, u := range r.updates {
			used, want := u.rows, "every sample once, in dataset order"
			if shuffled {
				used, want = slices.Sorted(slices.Values(u.rows)), "every sample once"
			}
			if !slices.Equal(used, seq(n)) {
				c.fatalf(t, "%v: the one batch of epoch %d of N = %d samples uses rows %v; want %s",
					settings(r.ts), k+1, n, u.rows, want)
			}
		}
	}
	if tol == Accumulated {
		c.checkSteps(t, tol, full, rf.updates)
		c.checkSteps(t, tol, mini, rm.updates)
		return
	}
	if !shuffle {
		if i := firstBitDiff(rm.final, rf.final); i >= 0 {
			c.fatalf(t, "mini-batch training with B = %d ≥ N = %d (%v) ends at %s = %v; full-batch training at %v",
				mini.BatchSize, n, settings(mini), c.param(i), rm.final[i], rf.final[i])
		}
		return
	}
	c.reset()
	per := perSample(t, c)
	gf, _ := c.gradient(t, backprop.All(c.data))
	gm, _ := c.gradient(t, backprop.Batch{Data: c.data, Rows: rm.updates[0].rows})
	eta := full.LearningRate
	order := sumTol(absSums(per), n, 2*gamma(n))
	for i := range c.theta0 {
		a, b := rf.final[i], rm.final[i]
		tol := eta*order[i] + unitRoundoff*(math.Abs(eta*gf[i])+math.Abs(eta*gm[i])+math.Abs(a)+math.Abs(b))*(1+0x1p-20) + underflowFloor
		if !(math.Abs(a-b) <= tol) && a != b {
			c.fatalf(t, "mini-batch training with B = %d ≥ N = %d, shuffled (%v), ends at %s = %v; full-batch training at %v (tolerance %.3g)",
				mini.BatchSize, n, settings(mini), c.param(i), b, a, tol)
		}
	}
}

// MiniBatchOfOne checks that mini-batch training with B = 1 takes the same
// steps as online training with the same seed: the same samples in the same
// order, and the same parameters after every update, bit for bit. Under
// [Accumulated] each run's updates are checked on their own instead, each
// within the rounding of its one-sample step (see [Accumulated]). It needs
// the modes Online and MiniBatch.
func MiniBatchOfOne(t *rapid.T, f Factory, s *Settings) {
	t.Helper()
	set := s.withDefaults()
	requireModes(t, "MiniBatchOfOne", set)
	tol := set.toleranceOf("MiniBatchOfOne")
	c := newInstance(t, f, samples(set.MaxTrainSamples))
	online := backprop.TrainSettings{
		Mode:         backprop.Online,
		Epochs:       rapid.IntRange(1, DefaultMaxEpochs).Draw(t, "epochs"),
		LearningRate: positiveRate.Draw(t, "η"),
		Shuffle:      rapid.Bool().Draw(t, "shuffle"),
		Seed:         rapid.Uint64().Draw(t, "seed"),
	}
	mini := online
	mini.Mode, mini.BatchSize = backprop.MiniBatch, 1
	mini.DropLast = rapid.Bool().Draw(t, "drop last")
	ro, rm := c.train(t, set.Trainer, online), c.train(t, set.Trainer, mini)
	if ro.err != nil || rm.err != nil {
		c.fatalf(t, "online (%v): error %v; mini-batch with B = 1 (%v): error %v", settings(online), ro.err, settings(mini), rm.err)
	}
	if len(ro.updates) != len(rm.updates) {
		c.fatalf(t, "online training applies %d updates, mini-batch with B = 1 %d (%v)", len(ro.updates), len(rm.updates), settings(mini))
	}
	for k := range ro.updates {
		uo, um := ro.updates[k], rm.updates[k]
		if !slices.Equal(uo.rows, um.rows) {
			c.fatalf(t, "update %d: online training uses rows %v, mini-batch with B = 1 rows %v (%v)", k+1, uo.rows, um.rows, settings(mini))
		}
		if tol != Bitwise {
			continue
		}
		if i := firstBitDiff(uo.theta, um.theta); i >= 0 {
			c.fatalf(t, "update %d: online training sets %s = %v, mini-batch with B = 1 sets %v (%v)", k+1, c.param(i), uo.theta[i], um.theta[i], settings(mini))
		}
	}
	if tol == Accumulated {
		for _, u := range ro.updates {
			if len(u.rows) != 1 {
				c.fatalf(t, "%v: an online update uses rows %v; want one sample", settings(online), u.rows)
			}
		}
		c.checkSteps(t, tol, online, ro.updates)
		c.checkSteps(t, tol, mini, rm.updates)
	}
}

// SeedOrder checks the trainer's use of the shuffling seed: the same seed
// gives the same trajectory (the same batches, and the same parameters
// after every update, bit for bit), and different seeds give different
// sample orders. For the second, one epoch is run with K seeds and not all
// K orders may agree; K is the least number with (N!)^(K−1) ≥ 2⁶⁴, so that
// a trainer drawing uniform permutations fails with probability below
// 2⁻⁶⁴ (K = 65 for N = 2, 11 for N = 5, 2 from N = 21). It draws the
// shuffling modes the trainer supports, Online and MiniBatch, and needs one.
func SeedOrder(t *rapid.T, f Factory, s *Settings) {
	t.Helper()
	set := s.withDefaults()
	requireModes(t, "SeedOrder", set)
	c := newInstance(t, f, rapid.IntRange(2, max(2, set.MaxTrainSamples)))
	n := c.data.N
	ts := backprop.TrainSettings{
		Mode:         rapid.SampledFrom(set.supported(backprop.Online, backprop.MiniBatch)).Draw(t, "mode"),
		BatchSize:    BatchSize(n).Draw(t, "B"),
		Epochs:       rapid.IntRange(1, DefaultMaxEpochs).Draw(t, "epochs"),
		LearningRate: positiveRate.Draw(t, "η"),
		Shuffle:      true,
		Seed:         rapid.Uint64().Draw(t, "seed"),
	}
	r1, r2 := c.train(t, set.Trainer, ts), c.train(t, set.Trainer, ts)
	if r1.err != nil || r2.err != nil {
		c.fatalf(t, "%v: errors %v and %v", settings(ts), r1.err, r2.err)
	}
	if len(r1.updates) != len(r2.updates) {
		c.fatalf(t, "%v: two runs with the same seed apply %d and %d updates", settings(ts), len(r1.updates), len(r2.updates))
	}
	for k := range r1.updates {
		u1, u2 := r1.updates[k], r2.updates[k]
		if !slices.Equal(u1.rows, u2.rows) {
			c.fatalf(t, "%v: two runs with the same seed use rows %v and %v in update %d", settings(ts), u1.rows, u2.rows, k+1)
		}
		if i := firstBitDiff(u1.theta, u2.theta); i >= 0 {
			c.fatalf(t, "%v: two runs with the same seed set %s = %v and %v in update %d", settings(ts), c.param(i), u1.theta[i], u2.theta[i], k+1)
		}
	}
	one := ts
	one.Epochs = 1
	k := seedsFor(n)
	var first []int
	for j := range k {
		one.Seed = ts.Seed + uint64(j)*0x9e3779b97f4a7c15
		r := c.train(t, set.Trainer, one)
		if r.err != nil {
			c.fatalf(t, "%v: %v", settings(one), r.err)
		}
		var order []int
		for _, u := range r.updates {
			order = append(order, u.rows...)
		}
		if j == 0 {
			first = order
		} else if !slices.Equal(order, first) {
			return
		}
	}
	c.fatalf(t, "%v: %d different seeds all give the sample order %v", settings(ts), k, first)
}

// seedsFor returns the least K with (n!)^(K−1) ≥ 2⁶⁴.
func seedsFor(n int) int {
	lg := 0.0 // log₂ n!
	for i := 2; i <= n; i++ {
		lg += math.Log2(float64(i))
	}
	return 1 + int(math.Ceil(64/lg))
}
