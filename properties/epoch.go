package properties

import (
	"fmt"
	"slices"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
)

// EpochUpdates checks the shape and arithmetic of training epochs against
// [backprop.Schedule]'s semantics, for settings drawn by [TrainingFrom]
// the trainer's modes, on 1 to [Settings.MaxTrainSamples] samples:
//
//   - an epoch applies N updates online, 1 for full batch and ⌈N/B⌉
//     mini-batch updates (⌊N/B⌋ with drop-last; with drop-last and B > N
//     the trainer must return an error and apply none);
//   - every batch has B samples except the last mini-batch, which has the
//     N mod B left over (dropped with drop-last);
//   - every sample is used exactly once per epoch (at most once with
//     drop-last, ⌊N/B⌋·B of them), in dataset order unless shuffling;
//   - each update is θ − η·g bit for bit, with g the model's gradient on the
//     update's own batch, so the mean over its own size (within the
//     rounding of a sum of its one-sample gradients under [Accumulated]);
//   - the history counts the updates and records the cost on the whole
//     dataset before training and after each epoch, bit for bit (within
//     the rounding of a mean of the one-sample costs under [Accumulated]).
func EpochUpdates(t *rapid.T, f Factory, s *Settings) {
	t.Helper()
	set := s.withDefaults()
	tol := set.toleranceOf("EpochUpdates")
	c := newInstance(t, f, samples(set.MaxTrainSamples))
	n := c.data.N
	ts := TrainingFrom(n, set.Modes).Draw(t, "training")
	sizes := epochSizes(n, ts)
	r := c.train(t, set.Trainer, ts)
	if len(sizes) == 0 {
		if r.err == nil || len(r.updates) > 0 {
			c.fatalf(t, "%v: with drop-last and B > N no batch fits in an epoch; want an error and no update, got error %v after %d updates", settings(ts), r.err, len(r.updates))
		}
		return
	}
	if r.err != nil {
		c.fatalf(t, "%v: %v", settings(ts), r.err)
	}
	per := len(sizes)
	if len(r.updates) != ts.Epochs*per {
		c.fatalf(t, "%v: %d updates in %d epochs of %d samples; want %d per epoch (batch sizes %v)", settings(ts), len(r.updates), ts.Epochs, n, per, sizes)
	}
	for e := range ts.Epochs {
		epoch := r.updates[e*per : (e+1)*per]
		var used []int
		for k, u := range epoch {
			if len(u.rows) != sizes[k] {
				c.fatalf(t, "%v: epoch %d, update %d uses %d samples (rows %v); want batch sizes %v", settings(ts), e+1, k+1, len(u.rows), u.rows, sizes)
			}
			used = append(used, u.rows...)
		}
		if !ts.Shuffle || ts.Mode == backprop.FullBatch {
			if want := seq(len(used)); !slices.Equal(used, want) {
				c.fatalf(t, "%v: epoch %d uses rows %v without shuffling; want %v", settings(ts), e+1, used, want)
			}
		}
		sorted := slices.Sorted(slices.Values(used))
		if i := slices.IndexFunc(sorted, func(r int) bool { return r < 0 || r >= n }); i >= 0 {
			c.fatalf(t, "%v: epoch %d uses row %d of a dataset of %d", settings(ts), e+1, sorted[i], n)
		}
		if len(slices.Compact(slices.Clone(sorted))) != len(sorted) {
			c.fatalf(t, "%v: epoch %d uses some samples more than once: rows %v", settings(ts), e+1, used)
		}
	}
	c.checkSteps(t, tol, ts, r.updates)
	if r.hist.Updates != len(r.updates) {
		c.fatalf(t, "%v: the history counts %d updates; the trainer applied %d", settings(ts), r.hist.Updates, len(r.updates))
	}
	c.reset()
	if want, bound, ok := c.costMismatch(t, tol, r.hist.Initial); !ok {
		c.fatalf(t, "%v: the history's initial cost is %v; the cost at θ₀ is %v%s", settings(ts), r.hist.Initial, want, within(tol, bound))
	}
	if len(r.hist.Cost) != ts.Epochs {
		c.fatalf(t, "%v: the history records %d costs for %d epochs", settings(ts), len(r.hist.Cost), ts.Epochs)
	}
	for e := range ts.Epochs {
		c.Model.SetParams(r.updates[(e+1)*per-1].theta)
		if want, bound, ok := c.costMismatch(t, tol, r.hist.Cost[e]); !ok {
			c.fatalf(t, "%v: the history's cost after epoch %d is %v; the cost at the parameters then is %v%s", settings(ts), e+1, r.hist.Cost[e], want, within(tol, bound))
		}
	}
}

// within prints the allowance of a failed comparison under tol: nothing
// for Bitwise.
func within(tol Tolerance, bound float64) string {
	if tol == Bitwise {
		return ""
	}
	return fmt.Sprintf(" (tolerance %.3g, %v)", bound, tol)
}

// epochSizes returns the batch sizes of one epoch of n samples: N ones
// online, one N for full batch, and for mini-batches ⌊N/B⌋ times B followed
// by N mod B unless that is zero or drop-last is set.
func epochSizes(n int, s backprop.TrainSettings) []int {
	b := s.BatchSize
	switch s.Mode {
	case backprop.Online:
		b = 1
	case backprop.FullBatch:
		return []int{n}
	}
	var sizes []int
	for range n / b {
		sizes = append(sizes, b)
	}
	if n%b != 0 && !(s.DropLast && s.Mode == backprop.MiniBatch) {
		sizes = append(sizes, n%b)
	}
	return sizes
}
