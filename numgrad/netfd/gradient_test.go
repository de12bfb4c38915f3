package netfd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/datasets"
)

// TestMatchesPlainCentral compares the fast central differences with the
// plain ones (two whole forward passes per parameter) element by element.
// Both evaluate the same C(θ ± h e_i); only the rounding of those values
// differs. Each evaluation is exact to a relative k·eps with k about the
// number of operations along a path (depth × width ≲ 50 here), so
//
//	|Δg_i| ≲ 2·k·eps·Cabs/(2h_i),  Cabs = mean |e_s| ≥ |C|,
//
// plus the difference of the two steps ((θ+s)−θ versus s, relative eps/Step
// of g_i). The test allows 4× that bound. It runs twice: with the default
// chunks of perturbations and with one perturbation a chunk, so that the
// chunks' boundaries are crossed everywhere. (Not parallel: it sets
// chunkElems, which the parallel tests read after it has finished.)
func TestMatchesPlainCentral(t *testing.T) {
	for _, chunk := range []int{chunkElems, 1} {
		t.Run(fmt.Sprintf("chunkElems=%d", chunk), func(t *testing.T) {
			defer func(c int) { chunkElems = c }(chunkElems)
			chunkElems = chunk
			matchesPlainCentral(t)
		})
	}
}

func matchesPlainCentral(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, loss := range backprop.Losses() {
		for _, act := range backprop.Activations() {
			for _, sizes := range [][]int{{3, 1}, {2, 4, 3}, {3, 5, 4, 2}, {4, 3, 3, 3, 2}} {
				if loss == backprop.SoftmaxCrossEntropy && sizes[len(sizes)-1] < 2 {
					continue // refused by backprop: a softmax over one output is 1
				}
				t.Run(fmt.Sprintf("%v/%v/%v", loss, act, sizes), func(t *testing.T) {
					acts := make([]backprop.Activation, len(sizes)-1)
					for i := range acts {
						acts[i] = act
					}
					net := backprop.MustNew(backprop.Config{Sizes: sizes, Activations: acts, Loss: loss, Seed: rng.Uint64()})
					d := randomData(rng, sizes, loss, 1+rng.IntN(7))
					b := backprop.All(d)
					fast, err := Gradient(nil, net, b, &Settings{Workers: 3})
					if err != nil {
						t.Fatal(err)
					}
					plain := plainCentral(nil, net, b)
					c, _ := net.Cost(b)
					k := 50.0
					theta := net.ParamsTo(nil)
					for i := range fast {
						h := DefaultStep * math.Max(1, math.Abs(theta[i]))
						bound := 4 * (k*eps*math.Max(math.Abs(c), 1)/h + eps/DefaultStep*math.Abs(plain[i]))
						if math.Abs(fast[i]-plain[i]) > bound {
							loc, _ := net.Layout().Locate(i)
							t.Errorf("%v: fast %.17g, plain %.17g, bound %.2g", loc, fast[i], plain[i], bound)
						}
					}
				})
			}
		}
	}
}

// TestWorkersSameBits checks that the number of goroutines does not change
// a bit of the result.
func TestWorkersSameBits(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2, 2))
	sizes := []int{5, 6, 4, 3}
	net := backprop.MustNew(backprop.Config{Sizes: sizes, Activations: []backprop.Activation{backprop.Tanh, backprop.ReLU, backprop.Identity}, Seed: 3})
	b := backprop.All(randomData(rng, sizes, backprop.SquaredError, 9))
	one, _ := Gradient(nil, net, b, &Settings{Workers: 1})
	four, _ := Gradient(nil, net, b, &Settings{Workers: 4})
	for i := range one {
		if math.Float64bits(one[i]) != math.Float64bits(four[i]) {
			t.Fatalf("component %d: %v with 1 worker, %v with 4", i, one[i], four[i])
		}
	}
}

func TestBadBatch(t *testing.T) {
	t.Parallel()
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 1}, Activations: []backprop.Activation{backprop.Identity}})
	if _, err := Gradient(nil, net, backprop.Batch{}, nil); err == nil {
		t.Error("empty batch: no error")
	}
}

const eps = 0x1p-53

func randomData(rng *rand.Rand, sizes []int, loss backprop.Loss, n int) *backprop.Dataset {
	return datasets.Random(rng, backprop.Config{Sizes: sizes, Loss: loss}, n)
}

// plainCentral is the central difference the package computes, the plain
// way: two whole forward passes per parameter, at the same steps.
func plainCentral(dst []float64, net *backprop.Network, b backprop.Batch) []float64 {
	theta := net.ParamsTo(nil)
	if dst == nil {
		dst = make([]float64, len(theta))
	}
	probe := net.Clone()
	x := append([]float64(nil), theta...)
	for i, t := range theta {
		h := (t + DefaultStep*math.Max(1, math.Abs(t))) - t
		x[i] = t + h
		probe.SetParams(x)
		cp, _ := probe.Cost(b)
		x[i] = t - h
		probe.SetParams(x)
		cm, _ := probe.Cost(b)
		x[i] = t
		dst[i] = (cp - cm) / (2 * h)
	}
	return dst
}

// TestStencilIsGradient checks that Stencil's values are those Gradient
// divides: (fp − fm)/2h gives Gradient's bits.
func TestStencilIsGradient(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 3))
	sizes := []int{3, 4, 2}
	net := backprop.MustNew(backprop.Config{Sizes: sizes, Activations: []backprop.Activation{backprop.Sigmoid, backprop.Identity}, Seed: 2})
	b := backprop.All(randomData(rng, sizes, backprop.SquaredError, 5))
	g, _ := Gradient(nil, net, b, nil)
	fp, fm := make([]float64, len(g)), make([]float64, len(g))
	if err := Stencil(fp, fm, nil, net, b, nil); err != nil {
		t.Fatal(err)
	}
	theta := net.ParamsTo(nil)
	for i, x := range theta {
		h := (x + DefaultStep*math.Max(1, math.Abs(x))) - x
		if got := (fp[i] - fm[i]) / (2 * h); math.Float64bits(got) != math.Float64bits(g[i]) {
			t.Fatalf("component %d: stencil gives %v, Gradient %v", i, got, g[i])
		}
	}
}
