package gpu_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/gpu"
	"github.com/gradcheck/gradcheck/gpu/cuda"
)

// Training on the GPU where there is one, on the CPU otherwise: the trainer is the same,
// and so, to rounding, are the results.
func Example() {
	net := backprop.MustNew(backprop.Config{
		Sizes:       []int{2, 4, 1},
		Activations: []backprop.Activation{backprop.Tanh, backprop.Identity},
		Seed:        1,
	})
	d, err := backprop.NewDataset([][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}}, [][]float64{{0}, {1}, {1}, {0}})
	if err != nil {
		log.Fatal(err)
	}
	var m backprop.Model = net
	g, err := gpu.New(net, nil)
	switch {
	case err == nil:
		defer g.Close()
		m = g
	case errors.Is(err, cuda.ErrUnavailable):
		// No GPU here (err says why): train the CPU network.
	default:
		log.Fatal(err)
	}
	h, err := backprop.Train(m, d, &backprop.TrainSettings{Mode: backprop.FullBatch, Epochs: 50, LearningRate: 0.2})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("cost %.4f before, %.4f after %d updates\n", h.Initial, h.Cost[len(h.Cost)-1], h.Updates)
	// Copy the trained parameters back into the CPU network, e.g. to save it.
	net.SetParams(m.ParamsTo(nil))
	// Output:
	// cost 0.3306 before, 0.0490 after 50 updates
}
