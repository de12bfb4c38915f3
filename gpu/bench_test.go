package gpu

// Benchmarks of one SGD step on a real GPU, for the sizes, batches and element types of
// the PyTorch baseline (scripts/peers/torch_baseline.py): sigmoid hidden layers, an identity
// output, the squared error, full-batch steps on a dataset of `batch` random samples.
// Without a GPU they skip. On the GPU machine (scripts/gpu-run.sh):
//
//	cd gpu && GPU_REQUIRED=1 ../.gpubin/gpu.test -test.run '^$' -test.bench Step -test.benchtime 300ms
//
// Each step is queued without waiting; the timer stops after a synchronize, so ns/op is
// the device's time per step in a stream of steps, like torch's CUDA-event timing of
// one step after warm-up. Extra metrics: us/step and TFLOP/s (3 × 2·batch·Σ n_{l−1}·n_l
// per step, the forward pass and twice as much backward).

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gradcheck/gradcheck/backprop"
)

// benchSizes are the baseline's networks, by its names.
var benchSizes = []struct {
	name  string
	sizes []int
}{
	{"small", []int{64, 64, 64, 1}},
	{"mnist", []int{784, 256, 256, 10}},
	{"big", []int{1024, 1024, 1024, 1024}},
	{"huge", []int{4096, 4096, 4096, 4096}},
}

var benchBatches = []int{16, 256, 4096}

func BenchmarkStep(b *testing.B) {
	dev := realDevice(b)
	var c benchCache
	defer c.close()
	for _, s := range benchSizes {
		for _, p := range []Precision{Float32, Float64} {
			for _, bs := range benchBatches {
				b.Run(fmt.Sprintf("size=%s/dtype=%v/batch=%d", s.name, p, bs), func(b *testing.B) {
					benchStep(b, &c, s.sizes, bs, Settings{Device: dev, Precision: p})
				})
			}
		}
	}
}

// BenchmarkStepDefaultMath is BenchmarkStep with cuBLAS in its default math mode (as
// PyTorch runs it with TF32 off) instead of the pedantic one, where the products are
// large enough for the choice of kernel to matter.
func BenchmarkStepDefaultMath(b *testing.B) {
	dev := realDevice(b)
	var c benchCache
	defer c.close()
	for _, s := range benchSizes[2:] {
		for _, p := range []Precision{Float32, Float64} {
			for _, bs := range benchBatches[1:] {
				b.Run(fmt.Sprintf("size=%s/dtype=%v/batch=%d", s.name, p, bs), func(b *testing.B) {
					benchStep(b, &c, s.sizes, bs, Settings{Device: dev, Precision: p, DefaultMath: true})
				})
			}
		}
	}
}

// BenchmarkStepOwnGEMM is BenchmarkStep with the own GEMM kernels, the reference path;
// [4096]⁴ is left out (seconds a step).
func BenchmarkStepOwnGEMM(b *testing.B) {
	dev := realDevice(b)
	var c benchCache
	defer c.close()
	for _, s := range benchSizes[:3] {
		for _, p := range []Precision{Float32, Float64} {
			for _, bs := range benchBatches {
				b.Run(fmt.Sprintf("size=%s/dtype=%v/batch=%d", s.name, p, bs), func(b *testing.B) {
					benchStep(b, &c, s.sizes, bs, Settings{Device: dev, Precision: p, OwnGEMM: true})
				})
			}
		}
	}
}

// benchCache keeps the network of the last sub-benchmark, which the testing package
// calls several times with growing b.N: building a [4096]⁴ network and its data takes
// longer than timing it.
type benchCache struct {
	key   string
	g     *Network
	batch backprop.Batch
}

func (c *benchCache) close() {
	if c.g != nil {
		c.g.Close()
	}
	*c = benchCache{}
}

// benchStep times Step on a network of the given sizes made with set, on a dataset of bs
// samples.
func benchStep(b *testing.B, c *benchCache, sizes []int, bs int, set Settings) {
	if key := fmt.Sprint(sizes, bs, set); key != c.key {
		c.close()
		acts := make([]backprop.Activation, len(sizes)-1)
		for i := range acts {
			acts[i] = backprop.Sigmoid
		}
		acts[len(acts)-1] = backprop.Identity
		cpu := backprop.MustNew(backprop.Config{Sizes: sizes, Activations: acts, Loss: backprop.SquaredError, Seed: 1})
		rng := rand.New(rand.NewPCG(1, 1))
		in, out := sizes[0], sizes[len(sizes)-1]
		d := &backprop.Dataset{N: bs, In: in, Out: out, X: make([]float64, bs*in), Y: make([]float64, bs*out)}
		for i := range d.X {
			d.X[i] = rng.NormFloat64()
		}
		for i := range d.Y {
			d.Y[i] = rng.NormFloat64()
		}
		g, err := New(cpu, &set)
		if err != nil {
			b.Fatal(err)
		}
		c.key, c.g, c.batch = key, g, backprop.All(d)
	}
	g, batch := c.g, c.batch
	for range 5 {
		if err := g.Step(1e-3, batch); err != nil {
			b.Fatal(err)
		}
	}
	if err := g.Synchronize(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		if err := g.Step(1e-3, batch); err != nil {
			b.Fatal(err)
		}
	}
	if err := g.Synchronize(); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	var flops float64
	for l := 1; l < len(sizes); l++ {
		flops += 2 * float64(bs) * float64(sizes[l-1]) * float64(sizes[l])
	}
	perStep := elapsed.Seconds() / float64(b.N)
	b.ReportMetric(perStep*1e6, "us/step")
	b.ReportMetric(3*flops/perStep/1e12, "TFLOP/s")
}
