package properties

import (
	"math"
	"slices"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
)

// EpochOrder checks that a shuffling trainer draws a new sample order each
// epoch ([backprop.TrainSettings].Shuffle), rather than the same order
// every epoch (a shuffler seeded afresh at each epoch): over K epochs of
// one run, not every epoch may use the same rows in the same order. An
// epoch of a uniform shuffle uses a given sequence of its m rows with
// probability (N − m)!/N! (m = N, or ⌊N/B⌋·B with drop-last), so K is the
// least number with (N!/(N − m)!)^(K−1) ≥ 2⁶⁴: a right trainer fails with
// probability below 2⁻⁶⁴ (K = 65 for N = 2, 11 for N = 5, 2 from N = 21).
// It draws the shuffling modes the trainer supports, Online and MiniBatch,
// and needs one.
func EpochOrder(t *rapid.T, f Factory, s *Settings) {
	t.Helper()
	set := s.withDefaults()
	requireModes(t, "EpochOrder", set)
	c := newInstance(t, f, rapid.IntRange(2, max(2, set.MaxTrainSamples)))
	n := c.data.N
	ts := backprop.TrainSettings{
		Mode:         rapid.SampledFrom(set.supported(backprop.Online, backprop.MiniBatch)).Draw(t, "mode"),
		BatchSize:    BatchSize(n).Draw(t, "B"),
		LearningRate: positiveRate.Draw(t, "η"),
		Shuffle:      true,
		Seed:         rapid.Uint64().Draw(t, "seed"),
	}
	// Drop-last with B > N leaves no batch to order.
	ts.DropLast = rapid.Bool().Draw(t, "drop last") && ts.BatchSize <= n
	sizes := epochSizes(n, ts)
	m := 0
	for _, b := range sizes {
		m += b
	}
	ts.Epochs = epochsFor(n, m)
	r := c.train(t, set.Trainer, ts)
	if r.err != nil {
		c.fatalf(t, "%v: %v", settings(ts), r.err)
	}
	per := len(sizes)
	if len(r.updates) != ts.Epochs*per {
		c.fatalf(t, "%v: %d updates in %d epochs; want %d per epoch (batch sizes %v)", settings(ts), len(r.updates), ts.Epochs, per, sizes)
	}
	order := func(e int) []int {
		var rows []int
		for _, u := range r.updates[e*per : (e+1)*per] {
			rows = append(rows, u.rows...)
		}
		return rows
	}
	first := order(0)
	for e := 1; e < ts.Epochs; e++ {
		if !slices.Equal(order(e), first) {
			return
		}
	}
	c.fatalf(t, "%v: all %d epochs use the sample order %v; a shuffling trainer draws a new order each epoch", settings(ts), ts.Epochs, first)
}

// epochsFor returns the least K with (n!/(n − m)!)^(K−1) ≥ 2⁶⁴, the number
// of epochs of m of n samples after which a uniform shuffle repeats its
// order in every epoch with probability at most 2⁻⁶⁴.
func epochsFor(n, m int) int {
	lg := 0.0 // log₂ n!/(n − m)!
	for i := n - m + 1; i <= n; i++ {
		lg += math.Log2(float64(i))
	}
	return 1 + int(math.Ceil(64/lg))
}
