package backprop

import (
	"math/rand/v2"
)

// randomData returns n samples of a dataset for net, inputs uniform in
// [−1, 1]; targets uniform in [0, 1] for squared error and one-hot for the
// cross-entropy.
func randomData(rng *rand.Rand, net *Network, n int) *Dataset {
	c := net.Config()
	in, out := c.Sizes[0], c.Sizes[len(c.Sizes)-1]
	d := &Dataset{N: n, In: in, Out: out, X: make([]float64, n*in), Y: make([]float64, n*out)}
	for i := range d.X {
		d.X[i] = 2*rng.Float64() - 1
	}
	for i := range n {
		if c.Loss == SoftmaxCrossEntropy {
			d.Y[i*out+rng.IntN(out)] = 1
			continue
		}
		for k := range out {
			d.Y[i*out+k] = rng.Float64()
		}
	}
	return d
}

// randomConfig returns a network configuration of 1 to 3 layers of widths
// 1 to 5, every layer with activation a.
func randomConfig(rng *rand.Rand, a Activation, loss Loss) Config {
	L := 1 + rng.IntN(3)
	c := Config{Loss: loss, Seed: rng.Uint64()}
	c.Sizes = append(c.Sizes, 1+rng.IntN(5))
	for range L {
		c.Sizes = append(c.Sizes, 1+rng.IntN(5))
		c.Activations = append(c.Activations, a)
	}
	if loss == SoftmaxCrossEntropy {
		c.Sizes[L] = 2 + rng.IntN(4)
	}
	return c
}
