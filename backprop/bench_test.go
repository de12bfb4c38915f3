package backprop

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"testing"

	"github.com/gradcheck/gradcheck/blas"
)

// TestMain installs the native matrix product where one is found, as the
// command does, so that the tests and benchmarks run what users run;
// GRADCHECK_BLAS=go runs them in pure Go (see package blas).
func TestMain(m *testing.M) {
	blas.Use()
	os.Exit(m.Run())
}

// benchSizes are the networks of issue 2's benchmark table and the largest
// of the PyTorch peer's (../shared/peers/torch_mlp.py).
var benchSizes = [][]int{{2, 3, 3, 1}, {64, 64, 64, 1}, {784, 256, 256, 10}, {1024, 1024, 1024, 1024}}

// benchNet returns a sigmoid network of the given sizes with an identity
// output and squared error, and a random batch of bs samples.
func benchNet(sizes []int, bs int) (*Network, Batch) {
	acts := make([]Activation, len(sizes)-1)
	for i := range acts {
		acts[i] = Sigmoid
	}
	acts[len(acts)-1] = Identity
	net := MustNew(Config{Sizes: sizes, Activations: acts, Seed: 1})
	return net, All(randomData(rand.New(rand.NewPCG(1, 1)), net, bs))
}

// benchThreads gives the native library as many threads as GOMAXPROCS, so
// that go test -cpu 1,2 runs each benchmark on one core and on two, as the
// PyTorch peer's --threads 1 2 does (it sets torch's and OpenBLAS's threads
// together). It leaves that count set. Give -cpu one value per process:
// with a list, Go 1.26 ran the first measurement of these b.Loop
// sub-benchmarks at the process's GOMAXPROCS (2), under the name of the
// list's first value (1), so that one "1 thread" line of each was a 2-thread
// one (scripts/bench.sh runs each count in its own process).
func benchThreads(b *testing.B) {
	if blas.Available() {
		if err := blas.SetThreads(runtime.GOMAXPROCS(0)); err != nil {
			b.Logf("OpenBLAS threads unchanged: %v", err)
		}
	}
}

func benchName(sizes []int, bs int) string {
	return fmt.Sprintf("%v/batch=%d", sizes, bs)
}

// BenchmarkForward measures the cost of one forward pass (Cost).
func BenchmarkForward(b *testing.B) {
	for _, sizes := range benchSizes {
		for _, bs := range []int{1, 16, 256} {
			b.Run(benchName(sizes, bs), func(b *testing.B) {
				net, batch := benchNet(sizes, bs)
				benchThreads(b)
				net.Cost(batch)
				b.ReportAllocs()
				for b.Loop() {
					net.Cost(batch)
				}
			})
		}
	}
}

// BenchmarkGradient measures forward + backward (Gradient).
func BenchmarkGradient(b *testing.B) {
	for _, sizes := range benchSizes {
		for _, bs := range []int{1, 16, 256} {
			b.Run(benchName(sizes, bs), func(b *testing.B) {
				net, batch := benchNet(sizes, bs)
				benchThreads(b)
				g := make([]float64, net.NumParams())
				net.Gradient(g, batch)
				b.ReportAllocs()
				for b.Loop() {
					net.Gradient(g, batch)
				}
			})
		}
	}
}

// BenchmarkStep measures one training step (forward, backward, update).
func BenchmarkStep(b *testing.B) {
	for _, sizes := range benchSizes {
		for _, bs := range []int{1, 16, 256} {
			b.Run(benchName(sizes, bs), func(b *testing.B) {
				net, batch := benchNet(sizes, bs)
				benchThreads(b)
				net.Step(0, batch)
				b.ReportAllocs()
				for b.Loop() {
					net.Step(1e-9, batch)
				}
			})
		}
	}
}
