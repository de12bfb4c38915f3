package netfd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/blas"
)

// TestMain installs the native matrix product where one is found, as the
// command does; GRADCHECK_BLAS=go runs in pure Go (see package blas).
func TestMain(m *testing.M) {
	blas.Use()
	os.Exit(m.Run())
}

// TestMatrixProduct says which matrix product the tests run with, and reads
// GRADCHECK_BLAS inside a test so that go test's cache keys on it (TestMain's
// read, before m.Run, is not recorded).
func TestMatrixProduct(t *testing.T) {
	info, _ := blas.Load()
	t.Logf("%s=%q: %v", blas.EnvVar, os.Getenv(blas.EnvVar), info)
}

// BenchmarkGradient compares the fast central differences with the plain
// ones on the networks of the peer's torch.autograd.gradcheck runs
// (sigmoid hidden layers, squared error, batch 16, float64), with every
// core and with one. It reports the largest difference from the
// backpropagation gradient in units of 10⁻¹² (max-abs-err/1e-12; the
// benchmark output prints smaller numbers as 0) and the largest |g|
// (max-abs-grad), the accuracy columns of ../shared/peers/torch_gradcheck.py,
// and the process's CPU time per call (cpu-ns/op), steadier than the wall
// time on a shared machine.
func BenchmarkGradient(b *testing.B) {
	for _, sizes := range [][]int{{64, 64, 64, 1}, {128, 128, 128, 1}} {
		net := backprop.MustNew(backprop.Config{Sizes: sizes, Activations: []backprop.Activation{backprop.Sigmoid, backprop.Sigmoid, backprop.Identity}, Seed: 1})
		batch := backprop.All(randomData(rand.New(rand.NewPCG(1, 1)), sizes, backprop.SquaredError, 16))
		dst := make([]float64, net.NumParams())
		exact := make([]float64, net.NumParams())
		net.Clone().Gradient(exact, batch)
		name := fmt.Sprintf("%v/params=%d", sizes, net.NumParams())
		for _, workers := range []int{runtime.GOMAXPROCS(0), 1} {
			b.Run(fmt.Sprintf("%s/fast/workers=%d", name, workers), func(b *testing.B) {
				cpu := processCPU()
				for b.Loop() {
					Gradient(dst, net, batch, &Settings{Workers: workers})
				}
				if cpu := processCPU() - cpu; cpu > 0 {
					b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
				}
				errAbs, gAbs := maxAbsDiff(dst, exact)
				b.ReportMetric(float64(net.NumParams()), "params")
				b.ReportMetric(errAbs/1e-12, "max-abs-err/1e-12")
				b.ReportMetric(gAbs, "max-abs-grad")
			})
		}
		if net.NumParams() > 10000 && testing.Short() {
			continue
		}
		b.Run(name+"/plain", func(b *testing.B) {
			for b.Loop() {
				plainCentral(dst, net, batch)
			}
			errAbs, gAbs := maxAbsDiff(dst, exact)
			b.ReportMetric(errAbs/1e-12, "max-abs-err/1e-12")
			b.ReportMetric(gAbs, "max-abs-grad")
		})
	}
}

// maxAbsDiff returns max_i |g_i − exact_i| and max_i |exact_i|.
func maxAbsDiff(g, exact []float64) (errAbs, gAbs float64) {
	for i := range g {
		errAbs = max(errAbs, math.Abs(g[i]-exact[i]))
		gAbs = max(gAbs, math.Abs(exact[i]))
	}
	return errAbs, gAbs
}

// BenchmarkStencilSigmoid times Stencil on the peer's sigmoid networks
// (batch 16, squared error) as numgrad's checker calls it: once (step c),
// and twice, at c and 2c, for its first comparison (pair), on 2 workers
// and on 1. cpu-ns/op is the process's CPU time per call.
//
//	go test -run NONE -bench StencilSigmoid -count 5 ./numgrad/netfd
func BenchmarkStencilSigmoid(b *testing.B) {
	for _, sizes := range [][]int{{64, 64, 64, 1}, {128, 128, 128, 1}} {
		net := backprop.MustNew(backprop.Config{Sizes: sizes, Activations: []backprop.Activation{backprop.Sigmoid, backprop.Sigmoid, backprop.Identity}, Seed: 1})
		batch := backprop.All(randomData(rand.New(rand.NewPCG(1, 1)), sizes, backprop.SquaredError, 16))
		n := net.NumParams()
		fp, fm := make([]float64, n), make([]float64, n)
		for _, workers := range []int{2, 1} {
			for _, steps := range [][]float64{{DefaultStep}, {DefaultStep, 2 * DefaultStep}} {
				name := fmt.Sprintf("%v/workers=%d/stencils=%d", sizes, workers, len(steps))
				b.Run(name, func(b *testing.B) {
					cpu := processCPU()
					for b.Loop() {
						for _, step := range steps {
							if err := Stencil(fp, fm, nil, net, batch, &Settings{Step: step, Workers: workers}); err != nil {
								b.Fatal(err)
							}
						}
					}
					if cpu := processCPU() - cpu; cpu > 0 {
						b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
					}
					b.ReportMetric(float64(n), "params")
				})
			}
		}
	}
}
