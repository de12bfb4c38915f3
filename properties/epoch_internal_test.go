package properties

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
)

// TestEpochSizes checks the expected batch sizes against a table and
// against backprop.Schedule, whose semantics they restate.
func TestEpochSizes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		n    int
		s    backprop.TrainSettings
		want []int
	}{
		{"online", 3, backprop.TrainSettings{Mode: backprop.Online, BatchSize: 2}, []int{1, 1, 1}},
		{"full batch", 5, backprop.TrainSettings{Mode: backprop.FullBatch, BatchSize: 2, DropLast: true}, []int{5}},
		{"divides", 6, backprop.TrainSettings{BatchSize: 3}, []int{3, 3}},
		{"partial last", 7, backprop.TrainSettings{BatchSize: 3}, []int{3, 3, 1}},
		{"drop last", 7, backprop.TrainSettings{BatchSize: 3, DropLast: true}, []int{3, 3}},
		{"B = N", 4, backprop.TrainSettings{BatchSize: 4, DropLast: true}, []int{4}},
		{"B > N", 4, backprop.TrainSettings{BatchSize: 9}, []int{4}},
		{"B > N, drop last", 4, backprop.TrainSettings{BatchSize: 9, DropLast: true}, nil},
		{"online ignores drop last", 2, backprop.TrainSettings{Mode: backprop.Online, DropLast: true, BatchSize: 5}, []int{1, 1}},
	} {
		got := epochSizes(tc.n, tc.s)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: epochSizes = %v, want %v", tc.name, got, tc.want)
		}
		var sched []int
		for _, b := range backprop.Schedule(tc.n, &tc.s, rand.New(rand.NewPCG(1, 1))) {
			sched = append(sched, len(b))
		}
		if !slices.Equal(got, sched) {
			t.Errorf("%s: epochSizes = %v, backprop.Schedule gives %v", tc.name, got, sched)
		}
	}
}

func TestSeedsFor(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ n, want int }{{2, 65}, {3, 26}, {5, 11}, {20, 3}, {21, 2}, {100, 2}} {
		if got := seedsFor(tc.n); got != tc.want {
			t.Errorf("seedsFor(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}

// TestEpochsFor checks EpochOrder's number of epochs: with every sample
// used it is seedsFor's; with m of n used the count of sequences is
// n!/(n − m)!, e.g. 5·4·3 = 60 for 3 of 5, so 1 + ⌈64/log₂ 60⌉ = 12.
func TestEpochsFor(t *testing.T) {
	t.Parallel()
	for n := 2; n <= 40; n++ {
		if got, want := epochsFor(n, n), seedsFor(n); got != want {
			t.Errorf("epochsFor(%d, %d) = %d, seedsFor(%d) = %d", n, n, got, n, want)
		}
	}
	for _, tc := range []struct{ n, m, want int }{{5, 3, 12}, {2, 1, 65}, {40, 32, 2}, {3, 2, 26}} {
		if got := epochsFor(tc.n, tc.m); got != tc.want {
			t.Errorf("epochsFor(%d, %d) = %d, want %d", tc.n, tc.m, got, tc.want)
		}
	}
}

// TestRecorder checks that the recorder groups the Gradient calls of each
// update and copies the parameters each SetParams sets.
func TestRecorder(t *testing.T) {
	t.Parallel()
	net := backprop.MustNew(backprop.Config{Sizes: []int{1, 1}, Activations: []backprop.Activation{backprop.Identity}})
	d, _ := backprop.NewDataset([][]float64{{1}, {2}, {3}}, [][]float64{{0}, {1}, {0}})
	r := &recorder{m: net, d: d}
	g := make([]float64, 2)
	r.Gradient(g, backprop.Batch{Data: d, Rows: []int{2}})
	r.Gradient(g, backprop.Batch{Data: d, Rows: []int{0}})
	theta := []float64{1, 2}
	r.SetParams(theta)
	theta[0] = 9
	r.Gradient(g, backprop.All(d))
	r.SetParams(theta)
	if len(r.updates) != 2 || !slices.Equal(r.updates[0].rows, []int{2, 0}) || r.updates[0].calls != 2 ||
		!slices.Equal(r.updates[1].rows, []int{0, 1, 2}) || r.updates[0].theta[0] != 1 || r.updates[1].theta[0] != 9 {
		t.Errorf("updates %+v", r.updates)
	}
	if r.foreign {
		t.Error("batches of the dataset flagged as foreign")
	}
	other, _ := backprop.NewDataset([][]float64{{1}}, [][]float64{{0}})
	r.Gradient(g, backprop.All(other))
	if !r.foreign {
		t.Error("a batch of another dataset not flagged")
	}
	if _, ok := any(r).(backprop.Stepper); ok {
		t.Error("the recorder is a Stepper: a trainer could update without showing the update")
	}
}
