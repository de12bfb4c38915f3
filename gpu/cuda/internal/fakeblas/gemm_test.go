package fakeblas

import (
	"math/rand/v2"
	"testing"
)

// TestGemm holds Gemm to a row-by-column product written out element by element, on
// column-major matrices at device addresses, and checks the statuses it returns. The
// products are exact (small integers), so the tolerance is zero.
func TestGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, tc := range []struct {
		reason          string
		ta, tb, m, n, k int32
		alpha, beta     float64
	}{
		{"plain product", OpN, OpN, 3, 4, 5, 1, 0},
		{"both transposed, beta reads C", OpT, OpT, 4, 2, 3, 2, -1},
		{"A transposed", OpT, OpN, 2, 3, 4, -1, 0.5},
		{"k = 0 leaves beta·C", OpN, OpT, 2, 2, 0, 1, 2},
	} {
		// Memory: A at 1000, B at 2000, C at 3000, each a slice of its own.
		rowsA, colsA := tc.m, tc.k
		if tc.ta == OpT {
			rowsA, colsA = tc.k, tc.m
		}
		rowsB, colsB := tc.k, tc.n
		if tc.tb == OpT {
			rowsB, colsB = tc.n, tc.k
		}
		fill := func(n int32) []float64 {
			v := make([]float64, n)
			for i := range v {
				v[i] = float64(rng.IntN(7) - 3)
			}
			return v
		}
		mem := map[uint64][]float64{1000: fill(rowsA * colsA), 2000: fill(rowsB * colsB), 3000: fill(tc.m * tc.n)}
		c0 := append([]float64(nil), mem[3000]...)
		view := func(p uint64, n int) ([]float64, bool) {
			s, ok := mem[p]
			if !ok || n > len(s) {
				return nil, false
			}
			return s[:n], true
		}
		st := Gemm(view, tc.ta, tc.tb, tc.m, tc.n, tc.k, tc.alpha, 1000, max(1, rowsA), 2000, max(1, rowsB), tc.beta, 3000, tc.m)
		if st != 0 {
			t.Errorf("%s: status %d", tc.reason, st)
			continue
		}
		opA := func(i, p int32) float64 {
			if tc.ta == OpN {
				return mem[1000][i+p*rowsA]
			}
			return mem[1000][p+i*rowsA]
		}
		opB := func(p, j int32) float64 {
			if tc.tb == OpN {
				return mem[2000][p+j*rowsB]
			}
			return mem[2000][j+p*rowsB]
		}
		for j := range tc.n {
			for i := range tc.m {
				var s float64
				for p := range tc.k {
					s += opA(i, p) * opB(p, j)
				}
				if want, got := tc.alpha*s+tc.beta*c0[i+j*tc.m], mem[3000][i+j*tc.m]; got != want {
					t.Errorf("%s: C[%d,%d] = %v, want %v", tc.reason, i, j, got, want)
				}
			}
		}
	}

	none := func(uint64, int) ([]float64, bool) { return nil, false }
	small := func(p uint64, n int) ([]float64, bool) { return make([]float64, 1), n <= 1 }
	for _, tc := range []struct {
		reason        string
		view          func(uint64, int) ([]float64, bool)
		m, n, k       int32
		lda, ldb, ldc int32
		want          int32
	}{
		{"negative m", none, -1, 1, 1, 1, 1, 1, StatusInvalidValue},
		{"m = 0 touches no memory", none, 0, 3, 3, 1, 3, 1, 0},
		{"lda below the rows of A", none, 3, 1, 1, 2, 1, 3, StatusInvalidValue},
		{"A outside device memory", small, 2, 2, 2, 2, 2, 2, StatusInternal},
	} {
		if got := Gemm(tc.view, OpN, OpN, tc.m, tc.n, tc.k, 1, 1000, tc.lda, 2000, tc.ldb, 0, 3000, tc.ldc); got != tc.want {
			t.Errorf("%s: status %d, want %d", tc.reason, got, tc.want)
		}
	}
}
