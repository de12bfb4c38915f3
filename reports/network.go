package reports

import (
	"fmt"
	"math/rand/v2"

	"github.com/gradcheck/gradcheck/backprop"
)

// Shape is one network and batch of a sweep: Depth weight layers of Width
// units each (the inputs too), and a batch of Batch samples.
type Shape struct {
	Width int `json:"width"`
	Depth int `json:"depth"`
	Batch int `json:"batch"`
}

func (s Shape) String() string { return fmt.Sprintf("w=%d L=%d B=%d", s.Width, s.Depth, s.Batch) }

// Config returns the network of shape s: sizes [w, w, …, w] (Depth+1
// entries), ReLU in every layer but the last, which is the identity, the
// squared error, weights drawn from seed (He's rule).
//
// ReLU rather than tanh because its f and f′ cost a comparison: the work
// that the counters leave out (evaluating f, f′) then stays small against
// the counted multiply-adds from small widths on, whereas one tanh costs as
// much as tens of multiply-adds and would dominate the time of every method
// below a width of about a hundred.
func (s Shape) Config(seed uint64) backprop.Config {
	c := backprop.Config{Loss: backprop.SquaredError, Seed: seed}
	for range s.Depth + 1 {
		c.Sizes = append(c.Sizes, s.Width)
	}
	for l := range s.Depth {
		a := backprop.ReLU
		if l == s.Depth-1 {
			a = backprop.Identity
		}
		c.Activations = append(c.Activations, a)
	}
	return c
}

// Params returns the number of parameters, Depth·Width·(Width+1).
func (s Shape) Params() int { return s.Depth * s.Width * (s.Width + 1) }

// build returns the network and a batch of s, both drawn from seed: inputs
// uniform in [−1, 1], targets uniform in [0, 1].
func (s Shape) build(seed uint64) (*backprop.Network, backprop.Batch, error) {
	if s.Width < 1 || s.Depth < 1 || s.Batch < 1 {
		return nil, backprop.Batch{}, fmt.Errorf("reports: shape %v: width, depth and batch must be at least 1", s)
	}
	net, err := backprop.New(s.Config(seed))
	if err != nil {
		return nil, backprop.Batch{}, fmt.Errorf("reports: shape %v: %w", s, err)
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	d := &backprop.Dataset{N: s.Batch, In: s.Width, Out: s.Width,
		X: make([]float64, s.Batch*s.Width), Y: make([]float64, s.Batch*s.Width)}
	for i := range d.X {
		d.X[i] = 2*rng.Float64() - 1
	}
	for i := range d.Y {
		d.Y[i] = rng.Float64()
	}
	return net, backprop.All(d), nil
}
