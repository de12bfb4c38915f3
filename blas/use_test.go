package blas

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
	"gonum.org/v1/gonum/mat"
)

// TestUse is not parallel: it installs into gonum's global BLAS and
// restores gonum's own on return.
func TestUse(t *testing.T) {
	defer blas64.Use(gonum.Implementation{})
	defer blas32.Use(gonum.Implementation{})
	info := Use()
	_, isOurs := blas64.Implementation().(Implementation)
	_, isOurs32 := blas32.Implementation().(Implementation)
	if isOurs != Available() || isOurs32 != Available() {
		t.Fatalf("after Use() = %v: blas64 uses %T, blas32 %T, Available() = %t",
			info, blas64.Implementation(), blas32.Implementation(), Available())
	}
	if (info.Library != "") != Available() {
		t.Errorf("Use() = %+v, Available() = %t", info, Available())
	}

	// mat.Dense.Mul must go through Dgemm and agree with gonum within the
	// bound of gemm_test.go: 2 γ_{k+2} (|A| |B|)_ij.
	const m, n, k = 40, 50, 60 // above GemmMinWork
	rnd := rand.New(rand.NewPCG(4, 1))
	data := func(r, c int) []float64 {
		x := make([]float64, r*c)
		for i := range x {
			x[i] = 2*rnd.Float64() - 1
		}
		return x
	}
	a, b := mat.NewDense(m, k, data(m, k)), mat.NewDense(k, n, data(k, n))
	var got mat.Dense
	got.Mul(a, b)
	want := make([]float64, m*n)
	gonum.Implementation{}.Dgemm('N', 'N', m, n, k, 1, a.RawMatrix().Data, k, b.RawMatrix().Data, n, 0, want, n)
	gamma := (k + 2) * 0x1p-53 / (1 - (k+2)*0x1p-53)
	for i := range m {
		for j := range n {
			var s float64
			for l := range k {
				s += math.Abs(a.At(i, l) * b.At(l, j))
			}
			if d := math.Abs(got.At(i, j) - want[i*n+j]); d > 2*gamma*s {
				t.Fatalf("Mul [%d,%d]: %v, gonum %v: |difference| %g > %g", i, j, got.At(i, j), want[i*n+j], d, 2*gamma*s)
			}
		}
	}
}
