package datasets

import (
	"math/rand/v2"

	"github.com/gradcheck/gradcheck/backprop"
)

// Random returns n samples for a network of configuration c, drawn from rng:
// inputs uniform in [−1, 1], then targets uniform in [0, 1] for the squared
// error or one-hot (a uniform class) for the cross-entropy, sample by
// sample. Only c.Sizes and c.Loss are read. The same rng state gives the
// same bits.
func Random(rng *rand.Rand, c backprop.Config, n int) *backprop.Dataset {
	in, out := c.Sizes[0], c.Sizes[len(c.Sizes)-1]
	d := &backprop.Dataset{N: n, In: in, Out: out, X: make([]float64, n*in), Y: make([]float64, n*out)}
	for i := range d.X {
		d.X[i] = 2*rng.Float64() - 1
	}
	for s := range n {
		if c.Loss == backprop.SoftmaxCrossEntropy {
			d.Y[s*out+rng.IntN(out)] = 1
			continue
		}
		for k := range out {
			d.Y[s*out+k] = rng.Float64()
		}
	}
	return d
}
