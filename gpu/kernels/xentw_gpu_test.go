package kernels_test

import (
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/gpu/cuda"
	"github.com/gradcheck/gradcheck/gpu/cuda/cudatest"
)

// The weighted cross-entropy gradient G = (P·s − Y)/rows, s = Σ_j Y_j summed in order, is
// a product, a subtraction and a division, each rounded once (-fmad=false): the same
// operations in Go give the same bits.
func testSoftmaxXentGradW[T float](t *testing.T, c *cuda.Context, p prec[T]) {
	rng := rand.New(rand.NewPCG(2, 7))
	const rows, cols = 70, 6
	P, y := make([]T, rows*cols), make([]T, rows*cols)
	for i := range P {
		P[i], y[i] = T(rng.Float64()), T(rng.Float64())
	}
	want := make([]T, rows*cols)
	for i := range rows {
		var s T
		for k := range cols {
			s += y[i*cols+k]
		}
		for k := range cols {
			ps := T(P[i*cols+k] * s) // the conversion forbids fusing into an FMA
			want[i*cols+k] = (ps - y[i*cols+k]) / rows
		}
	}
	got := make([]T, rows*cols)
	run(t, c, func(g *gpu) {
		pp, yp := put(g, P), put(g, y)
		// In place, G aliasing P, on a grid with fewer threads than rows.
		g.launch(p.set.SoftmaxXentGradW, cuda.Dim(2), cuda.Dim(32), cuda.Int(rows), cuda.Int(cols), cuda.Ptr(pp), cuda.Ptr(yp), cuda.Ptr(pp))
		get(g, got, pp)
	})
	sameBits(t, p.set.SoftmaxXentGradW, got, want)
}

func TestGPUSoftmaxXentGradW(t *testing.T) {
	c := cudatest.Open(t)
	testSoftmaxXentGradW(t, c, p64)
	testSoftmaxXentGradW(t, c, p32)
}
