package properties

import (
	"fmt"
	"slices"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
)

// recorder is the model a trainer property hands to the trainer: it passes
// every call on to the model under test and records the updates. It is a
// plain [backprop.Model], not a Stepper, so an update shows as Gradient
// calls followed by SetParams.
type recorder struct {
	m       backprop.Model
	d       *backprop.Dataset
	pending []int // rows of the Gradient calls since the last update
	calls   int   // number of those calls
	updates []update
	foreign bool // a Gradient call on another dataset than d
}

// update is one SetParams: the rows of the Gradient calls before it, and
// the parameters it set; or one step of a [LoopOf] loop, with calls 0.
type update struct {
	rows  []int
	calls int
	theta []float64
}

// how says how an update was made, for a failure message.
func (u update) how() string {
	if u.calls == 0 {
		return "one call of the loop's step"
	}
	return fmt.Sprintf("%d gradient calls", u.calls)
}

func (r *recorder) NumParams() int                         { return r.m.NumParams() }
func (r *recorder) ParamsTo(dst []float64) []float64       { return r.m.ParamsTo(dst) }
func (r *recorder) Cost(b backprop.Batch) (float64, error) { return r.m.Cost(b) }

func (r *recorder) Gradient(dst []float64, b backprop.Batch) (float64, error) {
	if b.Data != r.d {
		r.foreign = true
	}
	r.pending = append(r.pending, rowsOf(b)...)
	r.calls++
	return r.m.Gradient(dst, b)
}

// stepped records one update of a [LoopOf] trainer: the rows of b and the
// parameters of m after it.
func (r *recorder) stepped(b backprop.Batch, m backprop.Model) {
	if b.Data != r.d {
		r.foreign = true
	}
	r.updates = append(r.updates, update{rows: rowsOf(b), theta: m.ParamsTo(nil)})
}

func (r *recorder) SetParams(src []float64) {
	r.updates = append(r.updates, update{rows: r.pending, calls: r.calls, theta: slices.Clone(src)})
	r.pending, r.calls = nil, 0
	r.m.SetParams(src)
}

// run is one training run through a recorder.
type run struct {
	updates []update
	hist    backprop.History
	err     error
	final   []float64
}

// train resets the model to θ₀ and runs the trainer with settings ts.
func (c *instance) train(t *rapid.T, tr Trainer, ts backprop.TrainSettings) run {
	t.Helper()
	c.reset()
	r := &recorder{m: c.Model, d: c.data}
	h, err := tr(r, c.data, &ts)
	if r.foreign {
		c.fatalf(t, "the trainer (%v) computed a gradient on a batch of another dataset than the one it was given; batches must select rows of it", settings(ts))
	}
	return run{updates: r.updates, hist: h, err: err, final: c.Model.ParamsTo(nil)}
}

// settings prints trainer settings for a failure message.
func settings(s backprop.TrainSettings) string {
	return fmt.Sprintf("mode %v, B = %d, %d epochs, η = %v, shuffle %v, seed %d, drop last %v",
		s.Mode, s.BatchSize, s.Epochs, s.LearningRate, s.Shuffle, s.Seed, s.DropLast)
}

// checkSteps checks that each update of a run is θ − η·g under tol
// (bit for bit for Bitwise), with g the model's gradient on the update's
// own rows at the parameters before it.
func (c *instance) checkSteps(t *rapid.T, tol Tolerance, ts backprop.TrainSettings, ups []update) {
	t.Helper()
	theta := slices.Clone(c.theta0)
	for k, u := range ups {
		if len(u.rows) == 0 {
			c.fatalf(t, "%v: update %d of %d set the parameters without computing a gradient", settings(ts), k+1, len(ups))
		}
		if gap, ok := c.stepMismatch(t, tol, theta, ts.LearningRate, u.rows, u.theta); !ok {
			c.fatalf(t, "%v: update %d of %d (rows %v, %s) is not θ − η·g with g the mean gradient of its batch: %s",
				settings(ts), k+1, len(ups), u.rows, u.how(), gap.describe(c, tol))
		}
		copy(theta, u.theta)
	}
}

// positiveRate draws the learning rates of the trainer properties.
var positiveRate = RateRange(0x1p-20, 1)
