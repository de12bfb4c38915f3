package numgrad_test

import (
	"math/rand/v2"
	"testing"
	"time"

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

// counting counts the cost evaluations of the network it embeds (and
// makes every declaration the network makes).
type counting struct {
	*backprop.Network
	n *int
}

func (c counting) Cost(b backprop.Batch) (float64, error) { *c.n++; return c.Network.Cost(b) }

// BenchmarkFastCheck784 times the fast check (16 projections) of a right
// gradient of the [784,256,256,10] sigmoid network (269,322 parameters) on
// a batch of 16, loading and the analytic gradient excluded, and then, in
// the same run, as many cost evaluations as the check made: the metric
// check/evals is the ratio of the two times (issue 13: at most 3).
func BenchmarkFastCheck784(b *testing.B) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{784, 256, 256, 10},
		Activations: []backprop.Activation{backprop.Sigmoid, backprop.Sigmoid, backprop.Identity}, Seed: 1})
	d := randomData(rand.New(rand.NewPCG(1, 1)), net, 16)
	bt := backprop.All(d)
	g := make([]float64, net.NumParams())
	if _, err := net.Gradient(g, bt); err != nil {
		b.Fatal(err)
	}
	var evals int
	m := counting{net, &evals}
	s := &numgrad.CheckSettings{Method: numgrad.MethodFast}
	var check, cost int64
	b.ResetTimer()
	for b.Loop() {
		evals = 0
		t0 := time.Now()
		r, err := numgrad.CheckClaimed(m, bt, g, s)
		if err != nil {
			b.Fatal(err)
		}
		check += time.Since(t0).Nanoseconds()
		if !r.OK() || len(r.Components) != 0 {
			b.Fatalf("the fast check did not pass a right gradient on its projections alone:\n%s", r)
		}
		n := evals
		t0 = time.Now()
		for range n {
			if _, err := net.Cost(bt); err != nil {
				b.Fatal(err)
			}
		}
		cost += time.Since(t0).Nanoseconds()
	}
	b.ReportMetric(float64(check)/float64(cost), "check/evals")
	b.ReportMetric(float64(evals), "evals")
}
