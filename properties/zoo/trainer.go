package zoo

import (
	"errors"
	"fmt"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/properties"
)

// flaw is the one mistake of a mutant trainer.
type flaw int

const (
	none          flaw = iota
	summed             // batch gradient multiplied back by the batch size
	rateTwice          // θ − η·(η·g)
	noReset            // the gradient accumulator is never cleared
	dropPartial        // the last, smaller mini-batch skipped without drop-last
	partialOverB       // the last mini-batch scaled by its size over B
	onlineInBatch      // one update per sample within each batch
	seedIgnored        // shuffling from a fixed seed
	repeatAndSkip      // the epoch's last sample replaced by its first
	reseedEpoch        // the shuffler seeded afresh at every epoch
	fullAsMini         // a full batch run as unshuffled mini-batches of the default size
)

// trainer returns the trainer with flaw fl: backprop.Train's semantics
// (backprop.Schedule's batches, one update θ − η·g per batch with g the
// model's gradient on it) written out step by step, so that one step can
// be wrong.
func trainer(fl flaw) properties.Trainer {
	return func(m backprop.Model, d *backprop.Dataset, s *backprop.TrainSettings) (backprop.History, error) {
		var h backprop.History
		if err := s.Validate(); err != nil {
			return h, err
		}
		if err := d.Validate(); err != nil {
			return h, err
		}
		t := backprop.TrainSettings{Mode: backprop.MiniBatch, BatchSize: backprop.DefaultBatchSize, Epochs: 1, LearningRate: backprop.DefaultLearningRate}
		if s != nil {
			t = *s
			if t.BatchSize == 0 {
				t.BatchSize = backprop.DefaultBatchSize
			}
			if t.Epochs == 0 {
				t.Epochs = 1
			}
			if t.LearningRate == 0 {
				t.LearningRate = backprop.DefaultLearningRate
			}
		}
		var err error
		if h.Initial, err = m.Cost(backprop.All(d)); err != nil {
			return h, err
		}
		seed := t.Seed
		if fl == seedIgnored {
			seed = 1
		}
		rng := backprop.NewShuffler(seed)
		eta := t.LearningRate
		theta := m.ParamsTo(nil)
		g := make([]float64, len(theta))
		acc := make([]float64, len(theta))
		for e := 1; e <= t.Epochs; e++ {
			if fl == reseedEpoch {
				rng = backprop.NewShuffler(seed)
			}
			sched := t
			if fl == fullAsMini && t.Mode == backprop.FullBatch {
				sched.Mode, sched.BatchSize, sched.Shuffle, sched.DropLast = backprop.MiniBatch, backprop.DefaultBatchSize, false, false
			}
			batches := backprop.Schedule(d.N, &sched, rng)
			if len(batches) == 0 {
				return h, errors.New("train: no batch in an epoch: fewer samples than the batch size and DropLast set")
			}
			partial := t.Mode == backprop.MiniBatch && len(batches[len(batches)-1]) < t.BatchSize
			switch {
			case fl == dropPartial && partial && len(batches) > 1:
				batches = batches[:len(batches)-1]
			case fl == repeatAndSkip:
				last := batches[len(batches)-1]
				last[len(last)-1] = batches[0][0]
			}
			for k, rows := range batches {
				if fl == onlineInBatch {
					for _, r := range rows {
						if _, err := m.Gradient(g, backprop.Batch{Data: d, Rows: []int{r}}); err != nil {
							return h, err
						}
						backprop.Update(theta, eta, g)
						m.SetParams(theta)
					}
					h.Updates++
					continue
				}
				if _, err := m.Gradient(g, backprop.Batch{Data: d, Rows: rows}); err != nil {
					return h, fmt.Errorf("train: epoch %d, update %d: %w", e, k+1, err)
				}
				switch fl {
				case summed:
					scale(g, float64(len(rows)))
				case partialOverB:
					if partial && k == len(batches)-1 {
						scale(g, float64(len(rows))/float64(t.BatchSize))
					}
				case rateTwice:
					scale(g, eta)
				case noReset:
					for i, v := range g {
						acc[i] += v
					}
					copy(g, acc)
				}
				backprop.Update(theta, eta, g)
				m.SetParams(theta)
				h.Updates++
			}
			c, err := m.Cost(backprop.All(d))
			if err != nil {
				return h, err
			}
			h.Cost = append(h.Cost, c)
		}
		return h, nil
	}
}

func scale(v []float64, c float64) {
	for i := range v {
		v[i] *= c
	}
}
