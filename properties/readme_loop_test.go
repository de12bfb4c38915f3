// Code copied from README.md by hand; TestReadmeExample keeps the two identical.

package properties_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/properties"
)

// line is your model, ŷ = w·x + b with the squared error (ŷ − y)².
type line struct{ theta [2]float64 }

func (m *line) NumParams() int { return 2 }
func (m *line) ParamsTo(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, 2)
	}
	copy(dst, m.theta[:])
	return dst
}
func (m *line) SetParams(src []float64) { copy(m.theta[:], src) }
func (m *line) Cost(b backprop.Batch) (float64, error) {
	return m.Gradient(make([]float64, 2), b)
}
func (m *line) Gradient(dst []float64, b backprop.Batch) (float64, error) {
	var c float64
	dst[0], dst[1] = 0, 0
	n := float64(b.Len())
	for i := range b.Len() {
		x, y := b.Sample(i)
		r := m.theta[0]*x[0] + m.theta[1] - y[0]
		c += r * r / n
		dst[0] += 2 * r * x[0] / n
		dst[1] += 2 * r / n
	}
	return c, nil
}

// sgd is your update: it sums the gradients of the batch's samples, one at a
// time, and divides by the batch's size.
func (m *line) sgd(eta float64, b backprop.Batch) error {
	var sum, g [2]float64
	for i := range b.Len() {
		if _, err := m.Gradient(g[:], backprop.Batch{Data: b.Data, Rows: []int{b.Row(i)}}); err != nil {
			return err
		}
		sum[0], sum[1] = sum[0]+g[0], sum[1]+g[1]
	}
	for j := range m.theta {
		m.theta[j] -= eta * sum[j] / float64(b.Len())
	}
	return nil
}

// train is your training loop: mini-batches of s.BatchSize, shuffled from
// s.Seed when s.Shuffle is set. It takes its step as an argument, so that a
// test can watch every update; your code calls train(m, d, s, m.sgd).
func train(m *line, d *backprop.Dataset, s *backprop.TrainSettings, step func(float64, backprop.Batch) error) (backprop.History, error) {
	var h backprop.History
	var err error
	if h.Initial, err = m.Cost(backprop.All(d)); err != nil {
		return h, err
	}
	rng := rand.New(rand.NewPCG(s.Seed, 0))
	order := make([]int, d.N)
	for range s.Epochs {
		for i := range order {
			order[i] = i
		}
		if s.Shuffle {
			rng.Shuffle(d.N, func(i, j int) { order[i], order[j] = order[j], order[i] })
		}
		for lo := 0; lo < d.N; lo += s.BatchSize {
			hi := min(lo+s.BatchSize, d.N)
			if s.DropLast && hi-lo < s.BatchSize {
				break
			}
			if err := step(s.LearningRate, backprop.Batch{Data: d, Rows: order[lo:hi]}); err != nil {
				return h, err
			}
			h.Updates++
		}
		if h.Updates == 0 {
			return h, errors.New("train: no full batch to drop the last of")
		}
		c, err := m.Cost(backprop.All(d))
		if err != nil {
			return h, err
		}
		h.Cost = append(h.Cost, c)
	}
	return h, nil
}

// newLine draws a model for one run of a property.
func newLine(t *rapid.T) properties.Subject {
	m := &line{}
	copy(m.theta[:], properties.Params(2, properties.Weight()).Draw(t, "θ"))
	return properties.Subject{Model: m, In: 1, Out: 1}
}

// TestTrainLoop runs every property on the model, and the trainer
// properties on your loop training it: its own step on its own type, a sum
// checked within the rounding of its arithmetic, mini-batches only.
func TestTrainLoop(t *testing.T) {
	properties.Suite(t, newLine, &properties.Settings{
		Trainer:   properties.LoopOf(train, (*line).sgd),
		Tolerance: properties.Accumulated,
		Modes:     []backprop.Mode{backprop.MiniBatch},
	})
}
