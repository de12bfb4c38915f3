package netfd

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// BenchmarkGradient compares the fast central differences with the plain
// ones on the networks of the peer's torch.autograd.gradcheck runs
// (sigmoid hidden layers, squared error, batch 16, float64).
func BenchmarkGradient(b *testing.B) {
	for _, sizes := range [][]int{{64, 64, 64, 1}, {128, 128, 128, 1}} {
		net := backprop.MustNew(backprop.Config{Sizes: sizes, Activations: []backprop.Activation{backprop.Sigmoid, backprop.Sigmoid, backprop.Identity}, Seed: 1})
		batch := backprop.All(randomData(rand.New(rand.NewPCG(1, 1)), sizes, backprop.SquaredError, 16))
		dst := make([]float64, net.NumParams())
		name := fmt.Sprintf("%v/params=%d", sizes, net.NumParams())
		b.Run(name+"/fast", func(b *testing.B) {
			for b.Loop() {
				Gradient(dst, net, batch, nil)
			}
			b.ReportMetric(float64(net.NumParams()), "params")
		})
		if net.NumParams() > 10000 && testing.Short() {
			continue
		}
		b.Run(name+"/plain", func(b *testing.B) {
			probe := net.Clone()
			theta := net.ParamsTo(nil)
			for b.Loop() {
				numgrad.Gradient(dst, func(x []float64) float64 {
					probe.SetParams(x)
					c, _ := probe.Cost(batch)
					return c
				}, theta, nil)
			}
		})
	}
}
