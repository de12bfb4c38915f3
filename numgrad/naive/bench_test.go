package naive

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// benchSizes are the networks of the benchmarks: width w, depth L (w units
// in every layer, L weight layers), batch B.
var benchSizes = []struct{ w, L, B int }{
	{4, 3, 16}, {8, 3, 16}, {16, 3, 16}, {32, 3, 16}, {4, 6, 16},
}

// benchGradient runs grad on each benchmark network and reports the work
// per gradient: multiply-adds, forward passes (cost evaluations) and, when
// there are any, path products.
func benchGradient(b *testing.B, grad func(dst []float64, net *backprop.Network, batch backprop.Batch, c *Count) ([]float64, error)) {
	for _, sz := range benchSizes {
		b.Run(fmt.Sprintf("W=%d/L=%d/B=%d", sz.w, sz.L, sz.B), func(b *testing.B) {
			sizes := make([]int, sz.L+1)
			acts := make([]backprop.Activation, sz.L)
			for i := range sizes {
				sizes[i] = sz.w
			}
			for i := range acts {
				acts[i] = backprop.Tanh
			}
			acts[sz.L-1] = backprop.Identity
			net := backprop.MustNew(backprop.Config{Sizes: sizes, Activations: acts, Seed: 1})
			batch := randomBatch(rand.New(rand.NewPCG(1, 1)), net, sz.B)
			dst := make([]float64, net.NumParams())
			var c Count
			for b.Loop() {
				if _, err := grad(dst, net, batch, &c); err != nil {
					b.Fatal(err)
				}
			}
			n := float64(b.N)
			b.ReportMetric(float64(c.MulAdds)/n, "muladds/op")
			b.ReportMetric(float64(c.Passes)/n, "evals/op")
			if c.Paths > 0 {
				b.ReportMetric(float64(c.Paths)/n, "paths/op")
			}
		})
	}
}

func BenchmarkChainRule(b *testing.B) { benchGradient(b, ChainRule) }

func BenchmarkFiniteDifferencesCentral(b *testing.B) {
	benchGradient(b, func(dst []float64, net *backprop.Network, batch backprop.Batch, c *Count) ([]float64, error) {
		return FiniteDifferences(dst, net, batch, c, &Settings{Formula: numgrad.Central})
	})
}

func BenchmarkFiniteDifferencesForward(b *testing.B) {
	benchGradient(b, func(dst []float64, net *backprop.Network, batch backprop.Batch, c *Count) ([]float64, error) {
		return FiniteDifferences(dst, net, batch, c, &Settings{Formula: numgrad.Forward})
	})
}

func BenchmarkForwardMode(b *testing.B) { benchGradient(b, ForwardMode) }

func BenchmarkPathEnumeration(b *testing.B) {
	benchGradient(b, func(dst []float64, net *backprop.Network, batch backprop.Batch, c *Count) ([]float64, error) {
		return PathEnumeration(dst, net, batch, c, nil)
	})
}
