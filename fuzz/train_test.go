package fuzz

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gradcheck/gradcheck/backprop"
)

// sameBits compares float64s bit for bit, except that any two NaNs are
// equal (a NaN's payload is not part of the update rule's contract).
var sameBits = cmp.Comparer(func(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
})

// plain hides a model's Step, so that backprop.Step takes the generic path
// (ParamsTo, Gradient, Update, SetParams).
type plain struct{ backprop.Model }

// trainValid is the specification of backprop.TrainSettings.Validate and
// of the data Train accepts, written out independently: a zero field means
// its default, and η must otherwise be positive and finite.
func trainValid(s *backprop.TrainSettings, d *backprop.Dataset) bool {
	if s.Mode < backprop.MiniBatch || s.Mode > backprop.FullBatch || s.BatchSize < 0 || s.Epochs < 0 {
		return false
	}
	if eta := s.LearningRate; eta != 0 && (!(eta > 0) || math.IsInf(eta, 0)) {
		return false
	}
	if hasNaNOrInf(nil, backprop.All(d)) {
		return false
	}
	b := s.BatchSize
	if b == 0 {
		b = backprop.DefaultBatchSize
	}
	return !(s.Mode == backprop.MiniBatch && s.DropLast && b > d.N)
}

// FuzzTrain fuzzes the update rule through backprop.Train: the batch mode
// (invalid ones included), the batch size (0, negative, larger than the
// data), η (any float64: NaN, ±Inf, −0, subnormal, 1e308), the number of
// epochs, shuffling, DropLast and the seed, on a network and dataset from
// the bytes (hostile values when the first byte is ≥ 0xc0).
//
// Train must refuse exactly the invalid settings and data, leaving the
// parameters untouched, and otherwise apply exactly the updates
// θ ← θ − fl(η·g) on exactly the batches backprop.Schedule lists, bit for
// bit, through the network's own Step and through the generic path alike;
// the schedule must partition a permutation of the samples into batches
// of the mode's size.
func FuzzTrain(f *testing.F) {
	f.Add([]byte{}, uint8(0), int16(4), 0.1, uint8(2), uint64(1), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, mode8 uint8, batch int16, eta float64, epochs8 uint8, seed uint64, flags uint8) {
		if len(data) > maxCase {
			return
		}
		src := NewSource(data)
		lim := &Limits{Hostile: src.Uint8() >= 0xc0}
		net := src.Network(lim)
		cfg := net.Config()
		d := src.DatasetFor(cfg, lim)
		s := &backprop.TrainSettings{
			Mode:         backprop.Mode(int(mode8%5) - 1),
			BatchSize:    int(batch),
			Epochs:       int(epochs8%6) - 1,
			LearningRate: eta,
			Shuffle:      flags&1 != 0,
			DropLast:     flags&2 != 0,
			Seed:         seed,
		}
		var progress []float64
		s.Progress = func(epoch int, c float64) {
			if epoch != len(progress)+1 {
				t.Errorf("Progress called for epoch %d after %d epochs", epoch, len(progress))
			}
			progress = append(progress, c)
		}
		theta0 := net.ParamsTo(nil)
		initial, _ := net.Clone().Cost(backprop.All(d))

		h, err := backprop.Train(net, d, s)
		if !trainValid(s, d) {
			if err == nil {
				t.Fatalf("Train accepted mode %v, batch %d, epochs %d, η %v, drop-last %v on %d samples (valid data: %v)", s.Mode, s.BatchSize, s.Epochs, s.LearningRate, s.DropLast, d.N, d.Validate() == nil)
			}
			if diff := cmp.Diff(theta0, net.ParamsTo(nil), sameBits); diff != "" {
				t.Fatalf("Train refused (%v) but changed the parameters:\n%s", err, diff)
			}
			return
		}
		if err != nil {
			t.Fatalf("Train refused valid settings %+v: %v", *s, err)
		}

		// Replay: the same schedule, each update computed here.
		eff := *s
		eff.Progress = nil
		if eff.Epochs == 0 {
			eff.Epochs = 1
		}
		if eff.LearningRate == 0 {
			eff.LearningRate = backprop.DefaultLearningRate
		}
		replica := backprop.MustNew(cfg)
		replica.SetParams(theta0)
		rng := backprop.NewShuffler(s.Seed)
		g := make([]float64, len(theta0))
		updates := 0
		var costs []float64
		for range eff.Epochs {
			batches := backprop.Schedule(d.N, &eff, rng)
			checkSchedule(t, batches, d.N, &eff)
			for _, rows := range batches {
				if _, err := replica.Gradient(g, backprop.Batch{Data: d, Rows: rows}); err != nil {
					t.Fatal(err)
				}
				theta := replica.ParamsTo(nil)
				for i := range theta {
					theta[i] -= float64(eff.LearningRate * g[i])
				}
				replica.SetParams(theta)
				updates++
			}
			c, _ := replica.Cost(backprop.All(d))
			costs = append(costs, c)
		}
		if diff := cmp.Diff(replica.ParamsTo(nil), net.ParamsTo(nil), sameBits); diff != "" {
			t.Fatalf("Train's parameters differ from the replayed updates (-replay +Train):\n%s", diff)
		}
		if h.Updates != updates {
			t.Errorf("Train counted %d updates, the schedule has %d", h.Updates, updates)
		}
		if diff := cmp.Diff(append([]float64{initial}, costs...), append([]float64{h.Initial}, h.Cost...), sameBits); diff != "" {
			t.Errorf("cost history (-replay +Train):\n%s", diff)
		}
		if diff := cmp.Diff(h.Cost, progress, sameBits); diff != "" {
			t.Errorf("Progress saw other costs than the history (-history +progress):\n%s", diff)
		}

		// The generic path of backprop.Step, on a model that is not a
		// Stepper, must give the same bits.
		other := backprop.MustNew(cfg)
		other.SetParams(theta0)
		s.Progress = nil
		if _, err := backprop.Train(plain{other}, d, s); err != nil {
			t.Fatalf("Train through the generic Step: %v", err)
		}
		if diff := cmp.Diff(net.ParamsTo(nil), other.ParamsTo(nil), sameBits); diff != "" {
			t.Fatalf("Network.Step and the generic Step differ (-Network.Step +generic):\n%s", diff)
		}
	})
}

// checkSchedule checks one epoch's batches: together a permutation of
// 0…n−1 (less the dropped tail), in order for FullBatch or without
// shuffling, every batch of the mode's size except a last, smaller one.
func checkSchedule(t *testing.T, batches [][]int, n int, s *backprop.TrainSettings) {
	t.Helper()
	size := s.BatchSize
	if size == 0 {
		size = backprop.DefaultBatchSize
	}
	switch s.Mode {
	case backprop.Online:
		size = 1
	case backprop.FullBatch:
		size = n
	}
	var all []int
	for k, rows := range batches {
		last := k == len(batches)-1
		if len(rows) != size && !(last && len(rows) > 0 && len(rows) < size && !(s.DropLast && s.Mode == backprop.MiniBatch)) {
			t.Fatalf("mode %v, B = %d, %d samples: batch %d of %d has %d rows", s.Mode, size, n, k, len(batches), len(rows))
		}
		all = append(all, rows...)
	}
	want := n
	if s.DropLast && s.Mode == backprop.MiniBatch {
		want = n - n%size
	}
	if len(all) != want {
		t.Fatalf("mode %v, B = %d, %d samples: the batches hold %d rows, want %d", s.Mode, size, n, len(all), want)
	}
	ordered := !s.Shuffle || s.Mode == backprop.FullBatch
	seen := make([]bool, n)
	for i, r := range all {
		if r < 0 || r >= n || seen[r] {
			t.Fatalf("the batches %v are not part of a permutation of 0…%d", batches, n-1)
		}
		seen[r] = true
		if ordered && r != i {
			t.Fatalf("mode %v without shuffling: batches %v out of order", s.Mode, batches)
		}
	}
}
