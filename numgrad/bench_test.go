package numgrad_test

import (
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// benchCheck runs a full check of the [64,64,64,1] sigmoid network (8,385
// parameters) on a batch of 16, the network and batch of the PyTorch
// gradcheck peer (../shared/peers/torch_gradcheck.py), by method m. Run
// with -benchtime=1x: one check takes seconds.
func benchCheck(b *testing.B, m numgrad.Method, concurrent bool) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{64, 64, 64, 1},
		Activations: []backprop.Activation{backprop.Sigmoid, backprop.Sigmoid, backprop.Identity}, Seed: 1})
	d := randomData(rand.New(rand.NewPCG(1, 1)), net, 16)
	s := &numgrad.CheckSettings{Method: m, Concurrent: concurrent}
	b.ResetTimer()
	for b.Loop() {
		r, err := numgrad.CheckModel(net, backprop.All(d), s)
		if err != nil {
			b.Fatal(err)
		}
		if !r.OK() {
			b.Fatalf("a right gradient failed:\n%s", r)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(net.NumParams()), "ns/param")
}

func BenchmarkCheck8385Central(b *testing.B)           { benchCheck(b, numgrad.MethodCentral, false) }
func BenchmarkCheck8385CentralConcurrent(b *testing.B) { benchCheck(b, numgrad.MethodCentral, true) }
func BenchmarkCheck8385Richardson(b *testing.B)        { benchCheck(b, numgrad.MethodRichardson, false) }
func BenchmarkCheck8385Complex(b *testing.B)           { benchCheck(b, numgrad.MethodComplex, false) }
func BenchmarkCheck8385Dual(b *testing.B)              { benchCheck(b, numgrad.MethodDual, false) }
func BenchmarkCheck8385Fast(b *testing.B)              { benchCheck(b, numgrad.MethodFast, false) }

// benchCheckModel times CheckModel, central differences, on the
// [w,w,w,1] sigmoid network of the PyTorch gradcheck peer (batch 16), with
// the check's own goroutines (Concurrent: the stencil and sweeps use
// GOMAXPROCS; run with -cpu 2 for "2 workers"). It is the checker's whole
// cost (the problem's construction included, loading and the analytic
// gradient not: the claim is computed once, outside the loop).
func benchCheckModel(b *testing.B, w int) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{w, w, w, 1},
		Activations: []backprop.Activation{backprop.Sigmoid, backprop.Sigmoid, backprop.Identity}, Seed: 1})
	d := randomData(rand.New(rand.NewPCG(1, 1)), net, 16)
	bt := backprop.All(d)
	g := make([]float64, net.NumParams())
	if _, err := net.Gradient(g, bt); err != nil {
		b.Fatal(err)
	}
	s := &numgrad.CheckSettings{Concurrent: true}
	b.ResetTimer()
	for b.Loop() {
		r, err := numgrad.CheckClaimed(net, bt, g, s)
		if err != nil {
			b.Fatal(err)
		}
		if !r.OK() {
			b.Fatalf("a right gradient failed:\n%s", r)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(net.NumParams()), "ns/param")
}

func BenchmarkCheckModel64(b *testing.B)  { benchCheckModel(b, 64) }
func BenchmarkCheckModel128(b *testing.B) { benchCheckModel(b, 128) }
