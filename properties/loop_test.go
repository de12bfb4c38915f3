package properties_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/properties"
)

// loopFlaw is one mistake planted in accumulatingLoop.
type loopFlaw int

const (
	loopRight       loopFlaw = iota
	loopDatasetMean          // the sum divided by the dataset's size, not the batch's
	loopSummed               // the sum not divided at all
	loopSameOrder            // the shuffler seeded afresh every epoch
	loopFullAsMini           // a full batch run as mini-batches of 16
)

// accumulate is a user's update on the user's own type: it sums the
// gradients of the batch's samples, one at a time, in batch order, and
// divides by the batch's size (by the dataset's with loopDatasetMean, not
// at all with loopSummed). It is not backprop.Update: the bits of the step
// differ from θ − η·g with g the model's batch gradient by the rounding
// of the sum, which only properties.Accumulated allows.
func accumulate(fl loopFlaw) func(m *mlp, eta float64, b backprop.Batch) error {
	return func(m *mlp, eta float64, b backprop.Batch) error {
		sum, g := make([]float64, len(m.theta)), make([]float64, len(m.theta))
		for i := range b.Len() {
			if _, err := m.Gradient(g, backprop.Batch{Data: b.Data, Rows: []int{b.Row(i)}}); err != nil {
				return err
			}
			for j, v := range g {
				sum[j] += v
			}
		}
		n := float64(b.Len())
		switch fl {
		case loopDatasetMean:
			n = float64(b.Data.N)
		case loopSummed:
			n = 1
		}
		for j := range m.theta {
			m.theta[j] -= eta * sum[j] / n
		}
		return nil
	}
}

// accumulatingLoop is a user's training loop over the user's own type, in
// every batch mode, with backprop.Train's semantics but its own shuffler
// (math/rand/v2's PCG from the seed, shuffling the previous epoch's order)
// and its own schedule, with flaw fl.
func accumulatingLoop(fl loopFlaw) properties.Loop[*mlp] {
	return func(m *mlp, d *backprop.Dataset, s *backprop.TrainSettings, step func(float64, backprop.Batch) error) (backprop.History, error) {
		var h backprop.History
		var err error
		if h.Initial, err = m.Cost(backprop.All(d)); err != nil {
			return h, err
		}
		size, shuffle, dropLast := s.BatchSize, s.Shuffle, s.DropLast
		switch s.Mode {
		case backprop.Online:
			size, dropLast = 1, false
		case backprop.FullBatch:
			size, shuffle, dropLast = d.N, false, false
			if fl == loopFullAsMini {
				size = backprop.DefaultBatchSize
			}
		}
		rng := rand.New(rand.NewPCG(s.Seed, 7))
		order := make([]int, d.N)
		for i := range order {
			order[i] = i
		}
		for range s.Epochs {
			if fl == loopSameOrder {
				rng = rand.New(rand.NewPCG(s.Seed, 7))
				for i := range order {
					order[i] = i
				}
			}
			if shuffle {
				rng.Shuffle(d.N, func(i, j int) { order[i], order[j] = order[j], order[i] })
			}
			steps := 0
			for lo := 0; lo < d.N; lo += size {
				hi := min(lo+size, d.N)
				if dropLast && hi-lo < size {
					break
				}
				if err := step(s.LearningRate, backprop.Batch{Data: d, Rows: order[lo:hi]}); err != nil {
					return h, err
				}
				steps++
			}
			if steps == 0 {
				return h, errors.New("train: fewer samples than the batch size, and drop-last")
			}
			h.Updates += steps
			c, err := m.Cost(backprop.All(d))
			if err != nil {
				return h, err
			}
			h.Cost = append(h.Cost, c)
		}
		return h, nil
	}
}

// accumulating are the settings of the trainer properties for the
// accumulating loop with flaw fl.
func accumulating(fl loopFlaw, tol properties.Tolerance) *properties.Settings {
	return &properties.Settings{Trainer: properties.LoopOf(accumulatingLoop(fl), accumulate(fl)), Tolerance: tol}
}

// TestAccumulatingLoop runs every trainer property, in the Accumulated
// mode, on a right loop over the user's own MLP type that sums one-sample
// gradients and divides by the batch's size. make properties-long runs it
// with 1,000 checks for the rapid seeds 1 to 10.
func TestAccumulatingLoop(t *testing.T) {
	t.Parallel()
	s := accumulating(loopRight, properties.Accumulated)
	for _, p := range properties.Properties {
		if p.Trainer {
			t.Run(p.Name, rapid.MakeCheck(p.Prop(mlps(false), s)))
		}
	}
}

// TestAccumulatingLoopNeedsTolerance shows why the Accumulated mode
// exists: in the Bitwise mode the same right loop fails, its updates a few
// units in the last place from θ − η·g.
func TestAccumulatingLoopNeedsTolerance(t *testing.T) {
	t.Parallel()
	s := accumulating(loopRight, properties.Bitwise)
	_, msg, failed := properties.Falsify(func(t *rapid.T) { properties.EpochUpdates(t, mlps(false), s) }, 200)
	if !failed {
		t.Fatal("the accumulating loop passes EpochUpdates bit for bit in 200 examples; the Accumulated mode would be needless")
	}
	t.Logf("Bitwise: %.200s", msg)
}

// TestAccumulatingLoopMutants plants one mistake at a time in the loop and
// requires the trainer properties, in the Accumulated mode, to kill it
// within 200 examples each: the allowance of the mode must not let a wrong
// loop through.
func TestAccumulatingLoopMutants(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		fl   loopFlaw
	}{
		{"dataset mean", loopDatasetMean},
		{"summed", loopSummed},
		{"same order every epoch", loopSameOrder},
		{"full batch as mini-batches of 16", loopFullAsMini},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := accumulating(tc.fl, properties.Accumulated)
			var killers []string
			for _, p := range properties.Properties {
				if p.Trainer {
					if _, _, failed := properties.Falsify(p.Prop(mlps(false), s), 200); failed {
						killers = append(killers, p.Name)
					}
				}
			}
			if len(killers) == 0 {
				t.Fatalf("the loop with the mistake %q passes every trainer property in the Accumulated mode", tc.name)
			}
			t.Logf("killed by %v", killers)
		})
	}
}

// TestLoopOfDirect checks the trainer LoopOf returns outside the
// properties: on the user's type it runs the loop with the step as it is;
// on another model it panics with both types named.
func TestLoopOfDirect(t *testing.T) {
	t.Parallel()
	tr := properties.LoopOf(accumulatingLoop(loopRight), accumulate(loopRight))
	m := &mlp{in: 1, hidden: 2, out: 1, theta: []float64{1, -1, 0.5, 0.5, 1, 1, 0}}
	d, _ := backprop.NewDataset([][]float64{{1}, {2}, {3}}, [][]float64{{0}, {1}, {0}})
	before := m.ParamsTo(nil)
	h, err := tr(m, d, &backprop.TrainSettings{Mode: backprop.MiniBatch, BatchSize: 2, Epochs: 2, LearningRate: 0.1})
	if err != nil || h.Updates != 4 || len(h.Cost) != 2 {
		t.Fatalf("history %+v, error %v; want 4 updates and 2 costs", h, err)
	}
	if slices.Equal(before, m.ParamsTo(nil)) {
		t.Error("training left the parameters where they were")
	}
	defer func() {
		r := recover()
		if msg, _ := r.(string); !strings.Contains(msg, "*properties_test.line") || !strings.Contains(msg, "*properties_test.mlp") {
			t.Errorf("panic %v; want one naming both types", r)
		}
	}()
	_, _ = tr(&line{}, d, nil)
}

// TestLoopOfSeesOnlySteps checks that a loop that updates the model
// without its step argument fails the trainer properties: LoopOf sees only
// the updates that go through step, so such a loop cannot pass unwatched.
func TestLoopOfSeesOnlySteps(t *testing.T) {
	t.Parallel()
	right := accumulatingLoop(loopRight)
	bypass := func(m *mlp, d *backprop.Dataset, s *backprop.TrainSettings, _ func(float64, backprop.Batch) error) (backprop.History, error) {
		return right(m, d, s, func(eta float64, b backprop.Batch) error { return accumulate(loopRight)(m, eta, b) })
	}
	s := &properties.Settings{Trainer: properties.LoopOf(bypass, accumulate(loopRight)), Tolerance: properties.Accumulated}
	if _, _, failed := properties.Falsify(func(t *rapid.T) { properties.EpochUpdates(t, mlps(false), s) }, 20); !failed {
		t.Error("a loop that bypasses its step passes EpochUpdates")
	}
}
