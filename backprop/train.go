package backprop

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
)

// Mode is how [Train] groups samples into updates.
type Mode int

const (
	// MiniBatch updates once per batch of BatchSize samples. The last batch
	// of an epoch holds the N mod BatchSize samples left over and is
	// averaged over its own size, unless DropLast is set.
	MiniBatch Mode = iota
	// Online updates once per sample (mini-batches of one).
	Online
	// FullBatch updates once per epoch, on the mean cost of every sample.
	FullBatch
)

var modeNames = []string{"minibatch", "online", "batch"}

func (m Mode) String() string {
	if m < 0 || int(m) >= len(modeNames) {
		return fmt.Sprintf("Mode(%d)", int(m))
	}
	return modeNames[m]
}

// ParseMode returns the mode named s: "online", "batch" (or "full") or
// "minibatch" (or "mini-batch").
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "minibatch", "mini-batch":
		return MiniBatch, nil
	case "online", "sgd":
		return Online, nil
	case "batch", "full", "fullbatch", "full-batch":
		return FullBatch, nil
	}
	return 0, fmt.Errorf("unknown mode %s (want online, batch or minibatch)", quoteName(s))
}

// DefaultBatchSize is the mini-batch size when none is given.
const DefaultBatchSize = 16

// DefaultLearningRate is η when none is given.
const DefaultLearningRate = 0.1

// TrainSettings configures [Train]. A nil *TrainSettings means every default;
// a zero field means that field's default.
type TrainSettings struct {
	Mode Mode
	// BatchSize is B for MiniBatch (default 16); ignored by the other modes.
	BatchSize int
	// Epochs is the number of passes over the data (default 1).
	Epochs int
	// LearningRate is η > 0 (default 0.1).
	LearningRate float64
	// Shuffle draws a new sample order each epoch from Seed (Online and
	// MiniBatch); otherwise samples are taken in dataset order.
	Shuffle bool
	Seed    uint64
	// DropLast drops the last, smaller mini-batch of each epoch.
	DropLast bool
	// Progress, if not nil, is called after each epoch with the epoch
	// (1-based) and the cost on the whole dataset.
	Progress func(epoch int, cost float64)
	// KeepCosts, if positive, is the most epochs whose cost History.Cost
	// keeps: those of the last KeepCosts epochs. Then the memory of a run
	// does not grow with Epochs (Progress sees every epoch). Zero keeps
	// every epoch's cost.
	KeepCosts int
}

// History is what [Train] records.
type History struct {
	Initial float64 // cost on the whole dataset before training
	// Cost holds the cost on the whole dataset after each of the last
	// len(Cost) epochs, in order: all of them unless
	// TrainSettings.KeepCosts is set, and the last epoch's cost last.
	Cost []float64
	// Epochs is the number of epochs run; Cost[i] is the cost after epoch
	// Epochs − len(Cost) + 1 + i.
	Epochs  int
	Updates int // number of updates applied
}

// FirstKept returns the epoch (1-based) of Cost[0].
func (h History) FirstKept() int { return h.Epochs - len(h.Cost) + 1 }

func (s *TrainSettings) withDefaults() TrainSettings {
	var t TrainSettings
	if s != nil {
		t = *s
	}
	if t.BatchSize == 0 {
		t.BatchSize = DefaultBatchSize
	}
	if t.Epochs == 0 {
		t.Epochs = 1
	}
	if t.LearningRate == 0 {
		t.LearningRate = DefaultLearningRate
	}
	return t
}

// Validate returns an error naming the first setting that is wrong.
func (s *TrainSettings) Validate() error {
	t := s.withDefaults()
	switch {
	case t.Mode < MiniBatch || t.Mode > FullBatch:
		return fmt.Errorf("mode: unknown mode %d", int(t.Mode))
	case t.BatchSize < 0:
		return fmt.Errorf("batch size: %d must be positive", t.BatchSize)
	case t.Epochs < 0:
		return fmt.Errorf("epochs: %d must be positive", t.Epochs)
	case t.LearningRate < 0 || math.IsNaN(t.LearningRate) || math.IsInf(t.LearningRate, 0):
		return fmt.Errorf("learning rate: %v must be positive and finite", t.LearningRate)
	case t.KeepCosts < 0:
		return fmt.Errorf("keep costs: %d must not be negative", t.KeepCosts)
	}
	return nil
}

// Schedule returns the batches of one epoch of n samples: the rows each
// update uses, in order. Training with the same settings uses exactly these
// batches; rng is used only when Shuffle is set (and not for FullBatch).
func Schedule(n int, s *TrainSettings, rng *rand.Rand) [][]int {
	t := s.withDefaults()
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	if t.Shuffle && t.Mode != FullBatch {
		rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	size := t.BatchSize
	switch t.Mode {
	case Online:
		size = 1
	case FullBatch:
		size = n
	}
	var batches [][]int
	for lo := 0; lo < n; lo += size {
		hi := min(lo+size, n)
		if hi-lo < size && t.DropLast && t.Mode == MiniBatch {
			break
		}
		batches = append(batches, order[lo:hi:hi])
	}
	return batches
}

// NewShuffler returns the random source that [Train] draws its sample
// orders from for a given seed.
func NewShuffler(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x5851f42d4c957f2d))
}

// Train runs s.Epochs epochs of updates θ ← θ − η·∂C/∂θ on m over d and
// returns the cost history. The same settings and seed give the same
// updates in the same order.
//
// It panics if m is nil (a nil interface or a nil pointer): that is the
// caller's mistake, not the data's.
func Train(m Model, d *Dataset, s *TrainSettings) (h History, err error) {
	if isNil(m) {
		panic("backprop: Train: the model m is nil")
	}
	if err := s.Validate(); err != nil {
		return History{}, err
	}
	if err := d.Validate(); err != nil {
		return History{}, err
	}
	t := s.withDefaults()
	defer func() {
		if k := t.KeepCosts; k > 0 && len(h.Cost) > k {
			h.Cost = append(h.Cost[:0], h.Cost[len(h.Cost)-k:]...)
		}
	}()
	if h.Initial, err = m.Cost(All(d)); err != nil {
		return h, err
	}
	rng := NewShuffler(t.Seed)
	for e := 1; e <= t.Epochs; e++ {
		batches := Schedule(d.N, &t, rng)
		if len(batches) == 0 {
			return h, errors.New("train: no batch in an epoch: fewer samples than the batch size and DropLast set")
		}
		for k, rows := range batches {
			if err := Step(m, t.LearningRate, Batch{Data: d, Rows: rows}); err != nil {
				return h, fmt.Errorf("train: epoch %d, update %d: %w", e, k+1, err)
			}
			h.Updates++
		}
		c, err := m.Cost(All(d))
		if err != nil {
			return h, err
		}
		h.Epochs = e
		if k := t.KeepCosts; k > 0 && len(h.Cost) == 2*k {
			// Keep the last k; amortised, a copy per k epochs.
			h.Cost = append(h.Cost[:0], h.Cost[k:]...)
		}
		h.Cost = append(h.Cost, c)
		if t.Progress != nil {
			t.Progress(e, c)
		}
	}
	return h, nil
}

// isNil reports whether m is nil or a nil pointer, map, slice, func or
// channel behind the interface.
func isNil(m Model) bool {
	if m == nil {
		return true
	}
	switch v := reflect.ValueOf(m); v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return v.IsNil()
	}
	return false
}
