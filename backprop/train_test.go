package backprop

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// counter wraps a model and records the batches it is stepped on.
type counter struct {
	Model
	batches [][]int
}

func (c *counter) Step(eta float64, b Batch) error {
	rows := make([]int, b.Len())
	for i := range rows {
		rows[i] = b.Row(i)
	}
	c.batches = append(c.batches, rows)
	return Step(c.Model, eta, b)
}

func TestTrainUpdates(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 5))
	net := MustNew(Config{Sizes: []int{2, 3, 1}, Activations: []Activation{Sigmoid, Identity}})
	d := randomData(rng, net, 37)
	for _, tc := range []struct {
		name     string
		s        TrainSettings
		perEpoch int // ⌈N/B⌉, ⌊N/B⌋ with DropLast, N online, 1 full batch
		last     int // size of the last batch of an epoch
	}{
		{"online", TrainSettings{Mode: Online}, 37, 1},
		{"online shuffled", TrainSettings{Mode: Online, Shuffle: true, Seed: 3}, 37, 1},
		{"full batch", TrainSettings{Mode: FullBatch}, 1, 37},
		{"minibatch 16", TrainSettings{Mode: MiniBatch}, 3, 5},
		{"minibatch 16 drop last", TrainSettings{Mode: MiniBatch, DropLast: true}, 2, 16},
		{"minibatch 10 shuffled", TrainSettings{Mode: MiniBatch, BatchSize: 10, Shuffle: true}, 4, 7},
		{"minibatch N", TrainSettings{Mode: MiniBatch, BatchSize: 37}, 1, 37},
		{"minibatch larger than N", TrainSettings{Mode: MiniBatch, BatchSize: 100}, 1, 37},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &counter{Model: net.Clone()}
			s := tc.s
			s.Epochs = 3
			h, err := Train(c, d, &s)
			if err != nil {
				t.Fatal(err)
			}
			if h.Updates != 3*tc.perEpoch || len(c.batches) != h.Updates || len(h.Cost) != 3 {
				t.Fatalf("%d updates (%d recorded), %d costs; want %d updates, 3 costs", h.Updates, len(c.batches), len(h.Cost), 3*tc.perEpoch)
			}
			for e := range 3 {
				epoch := c.batches[e*tc.perEpoch : (e+1)*tc.perEpoch]
				if n := len(epoch[len(epoch)-1]); n != tc.last {
					t.Errorf("epoch %d: last batch has %d samples, want %d", e, n, tc.last)
				}
				seen := slices.Concat(epoch...)
				slices.Sort(seen)
				if !s.DropLast && !slices.Equal(seen, seq(37)) {
					t.Errorf("epoch %d: samples used %v, want each of 0..36 once", e, seen)
				}
			}
		})
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// TestTrainDeterministic trains twice from the same seeds, in every mode,
// and requires identical bits; a different shuffle seed must change them.
func TestTrainDeterministic(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(6, 6))
	cfg := Config{Sizes: []int{3, 5, 4, 2}, Activations: []Activation{Tanh, ReLU, Identity}, Seed: 42}
	d := randomData(rng, MustNew(cfg), 50)
	run := func(s TrainSettings) []float64 {
		net := MustNew(cfg)
		if _, err := Train(net, d, &s); err != nil {
			t.Fatal(err)
		}
		return net.ParamsTo(nil)
	}
	for _, mode := range []Mode{Online, FullBatch, MiniBatch} {
		s := TrainSettings{Mode: mode, Epochs: 4, Shuffle: true, Seed: 9, LearningRate: 0.05}
		a, b := run(s), run(s)
		for i := range a {
			if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
				t.Fatalf("%v: parameter %d differs between identical runs: %v vs %v", mode, i, a[i], b[i])
			}
		}
		if mode == FullBatch {
			continue
		}
		s.Seed = 10
		if slices.Equal(a, run(s)) {
			t.Errorf("%v: a different shuffle seed gave the same weights", mode)
		}
	}
	if slices.Equal(MustNew(cfg).ParamsTo(nil), MustNew(Config{Sizes: cfg.Sizes, Activations: cfg.Activations, Seed: 43}).ParamsTo(nil)) {
		t.Error("different initialisation seeds gave the same weights")
	}
}

// TestStepIsUpdate checks Network.Step against w − η·g bit for bit, g from
// Gradient: Step updates each layer as soon as the backward pass is done
// with it, which must change no bit. The networks have one to three layers
// (the first and the last layer are updated at different points of the
// backward pass), odd sizes (the vector kernels' tails), whole batches and
// selected rows.
func TestStepIsUpdate(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 7))
	for _, cfg := range []Config{
		{Sizes: []int{3, 2}, Activations: []Activation{Sigmoid}, Seed: 3},
		{Sizes: []int{4, 6, 3}, Activations: []Activation{Softplus, Sigmoid}, Seed: 1},
		{Sizes: []int{5, 9, 7, 3}, Activations: []Activation{Sigmoid, Tanh, Identity}, Seed: 2},
		{Sizes: []int{40, 37, 21, 2}, Activations: []Activation{Sigmoid, Sigmoid, Sigmoid}, Loss: SoftmaxCrossEntropy, Seed: 4},
	} {
		net := MustNew(cfg)
		d := randomData(rng, net, 33)
		for _, b := range []Batch{All(d), {Data: d, Rows: []int{5, 0, 32, 7, 7, 19, 2}}} {
			w := net.ParamsTo(nil)
			g := make([]float64, len(w))
			if _, err := net.Gradient(g, b); err != nil {
				t.Fatal(err)
			}
			for _, eta := range []float64{0, 0.3, 1e-9, 17} {
				net.SetParams(w)
				if err := net.Step(eta, b); err != nil {
					t.Fatal(err)
				}
				got := net.ParamsTo(nil)
				for i := range w {
					if want := w[i] - float64(eta*g[i]); math.Float64bits(got[i]) != math.Float64bits(want) {
						t.Fatalf("%v, %d rows, η=%g, parameter %d: %v, want %v", cfg.Sizes, b.Len(), eta, i, got[i], want)
					}
				}
			}
			net.SetParams(w)
		}
	}
}

// TestTrainDescends checks that training lowers the cost on a learnable
// problem: the cost after 200 full-batch epochs is below the initial one.
func TestTrainDescends(t *testing.T) {
	t.Parallel()
	d := textbook()
	net := MustNew(Config{Sizes: []int{2, 3, 3, 1}, Activations: []Activation{Sigmoid, Sigmoid, Identity}, Seed: 1})
	h, err := Train(net, d, &TrainSettings{Mode: FullBatch, Epochs: 200, LearningRate: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if last := h.Cost[len(h.Cost)-1]; !(last < h.Initial/2) {
		t.Errorf("cost %g after 200 epochs, initially %g", last, h.Initial)
	}
}

func TestTrainSettingsErrors(t *testing.T) {
	t.Parallel()
	net := MustNew(Config{Sizes: []int{2, 1}, Activations: []Activation{Identity}})
	d := textbook()
	for _, s := range []TrainSettings{
		{BatchSize: -1},
		{Epochs: -2},
		{LearningRate: -0.1},
		{LearningRate: math.NaN()},
		{LearningRate: math.Inf(1)},
		{Mode: Mode(7)},
		{BatchSize: 100, DropLast: true},
	} {
		if _, err := Train(net, d, &s); err == nil {
			t.Errorf("%+v: no error", s)
		}
	}
}

// textbook is the data of datasets.Textbook (which this package cannot
// import): the target 0.1 + 0.8·x₁·(1 − x₂) on eight points.
func textbook() *Dataset {
	x := []float64{0, 0, 0, 1, 1, 0, 1, 1, 0.5, 0.2, 0.2, 0.7, 0.9, 0.4, 0.3, 0.1}
	d := &Dataset{N: 8, In: 2, Out: 1, X: x}
	for i := range 8 {
		d.Y = append(d.Y, 0.1+0.8*x[2*i]*(1-x[2*i+1]))
	}
	return d
}
