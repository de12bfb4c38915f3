package backprop

import (
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"testing"

	"github.com/gradcheck/gradcheck/blas"
)

// TestSigmoidExp holds the sigmoid kernels of the forward and backward
// passes, which share e^{−|z|}, to Sigmoid.Apply and Sigmoid.Deriv bit for
// bit over special values and random points, NaN included.
func TestSigmoidExp(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	zs := []float64{0, math.Copysign(0, -1), 5e-324, -5e-324, 1e-300, -1e-300, 1, -1, 36, -36, 700, -700, 745, -745, 1e308, -1e308,
		math.MaxFloat64, -math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN()}
	for range 1 << 16 {
		zs = append(zs, rng.NormFloat64()*math.Pow(10, float64(rng.IntN(8)-4)))
	}
	a, e := make([]float64, len(zs)), make([]float64, len(zs))
	sigmoidExp(a, e, zs)
	d := make([]float64, len(zs))
	for i := range d {
		d[i] = rng.NormFloat64()
	}
	d0 := append([]float64(nil), d...)
	sigmoidDeriv(d, zs, a, e)
	same := func(x, y float64) bool {
		return math.Float64bits(x) == math.Float64bits(y) || math.IsNaN(x) && math.IsNaN(y)
	}
	for i, z := range zs {
		if want := Sigmoid.Apply(z); !same(a[i], want) {
			t.Fatalf("σ(%v): kernel %v, Apply %v", z, a[i], want)
		}
		if want := d0[i] * Sigmoid.Deriv(z, a[i]); !same(d[i], want) {
			t.Fatalf("d·σ′(%v): kernel %v, d·Deriv %v", z, d[i], want)
		}
	}
}

// TestApplyTo holds ApplyTo to Apply bit for bit, in place and not.
func TestApplyTo(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	zs := []float64{0, math.Copysign(0, -1), 5e-324, -5e-324, 1, -1, 36, -36, 745, -745,
		math.MaxFloat64, -math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN()}
	for range 1 << 14 {
		zs = append(zs, rng.NormFloat64()*math.Pow(10, float64(rng.IntN(8)-4)))
	}
	same := func(x, y float64) bool {
		return math.Float64bits(x) == math.Float64bits(y) || math.IsNaN(x) && math.IsNaN(y)
	}
	for _, a := range Activations() {
		dst := make([]float64, len(zs))
		a.ApplyTo(dst, zs)
		inPlace := append([]float64(nil), zs...)
		a.ApplyTo(inPlace, inPlace)
		for i, z := range zs {
			if want := a.Apply(z); !same(dst[i], want) || !same(inPlace[i], want) {
				t.Fatalf("%v(%v): ApplyTo %v, in place %v, Apply %v", a, z, dst[i], inPlace[i], want)
			}
		}
	}
}

// TestNoAllocs checks that Cost, Gradient and Step allocate nothing once the
// buffers have grown to the batch, for whole and selected batches. With pure
// Go matrix products that holds only where gonum keeps each product on one
// goroutine (fewer than 4 blocks of 64×64 in every C); with a native library
// it holds at every size.
func TestNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	native := blas.Available()
	for _, tc := range []struct {
		sizes []int
		bs    int
		pure  bool // whether pure Go also allocates nothing
	}{
		{[]int{2, 3, 3, 1}, 16, true},
		{[]int{64, 64, 64, 1}, 16, true},
		{[]int{2, 3, 3, 1}, 256, false},
		{[]int{784, 256, 256, 10}, 16, false},
		{[]int{32, 1024, 1024, 2}, 512, false}, // elementwise work split in two (parallelMin)
	} {
		t.Run(benchName(tc.sizes, tc.bs), func(t *testing.T) {
			if !tc.pure && !native {
				t.Skip("gonum's parallel matrix product allocates; no native library")
			}
			net, b := benchNet(tc.sizes, tc.bs)
			sel := Batch{Data: b.Data, Rows: make([]int, tc.bs)}
			for i := range sel.Rows {
				sel.Rows[i] = tc.bs - 1 - i
			}
			g := make([]float64, net.NumParams())
			for _, c := range []struct {
				name string
				f    func()
			}{
				{"Cost", func() { net.Cost(b) }},
				{"Gradient", func() { net.Gradient(g, b) }},
				{"Step", func() { net.Step(1e-9, b) }},
				{"Step on selected rows", func() { net.Step(1e-9, sel) }},
			} {
				c.f()
				if allocs := testing.AllocsPerRun(5, c.f); allocs != 0 {
					t.Errorf("%s: %v allocations, want 0", c.name, allocs)
				}
			}
		})
	}
}

// TestElementwiseSameBits checks that splitting the elementwise work among
// goroutines changes no bit: a gradient and a step of a network whose
// layers hold 512×1024 activations and 1024×1024 weights, twice parallelMin
// or more, with GOMAXPROCS 1 (no split) and 2. Not
// parallel: it sets GOMAXPROCS, which parallel tests would see.
func TestElementwiseSameBits(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var got [2][]float64
	for i, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		net, b := benchNet([]int{32, 1024, 1024, 2}, 512)
		if 512*1024 < 2*parallelMin {
			t.Fatal("the layers are too small to be split")
		}
		g := make([]float64, net.NumParams())
		net.Gradient(g, b)
		net.Step(0.5, b)
		got[i] = append(g, net.ParamsTo(nil)...)
	}
	for k := range got[0] {
		if math.Float64bits(got[0][k]) != math.Float64bits(got[1][k]) {
			t.Fatalf("value %d: %v on one core, %v split in two", k, got[0][k], got[1][k])
		}
	}
}

// TestMatrixProduct says which matrix product the tests run with. It also
// reads GRADCHECK_BLAS inside a test, which makes the variable part of go
// test's cache key: TestMain's read, before m.Run, is not recorded, and a
// cached result of the other implementation would be reported instead.
func TestMatrixProduct(t *testing.T) {
	info, _ := blas.Load()
	t.Logf("%s=%q: %v", blas.EnvVar, os.Getenv(blas.EnvVar), info)
}
