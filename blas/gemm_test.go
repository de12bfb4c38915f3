package blas

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Tolerance. Any way of summing a k-term inner product, blocked or with
// fused multiply-adds, gives (Higham, Accuracy and Stability, §3.1)
//
//	|fl(c_ij) − c_ij| ≤ γ_{k+2} (|α| (|op(A)| |op(B)|)_ij + |β| |c_ij|),  γ_n = n u / (1 − n u):
//
// one rounding per product, one for α, k additions (the last onto β c_ij),
// and β c_ij itself. gonum and the native library each obey it, so they
// differ by at most twice the bound, which is what gemmTol returns per
// entry. For α = β = 0 the bound is 0 and both must give exact zeros.

// gemmTol returns the allowed |gonum − native| per entry of C (row-major,
// stride n) for unit round-off u.
func gemmTol[T float32 | float64](u float64, tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) []float64 {
	gamma := float64(k+2) * u / (1 - float64(k+2)*u)
	tol := make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s float64
			for l := range k {
				s += math.Abs(float64(at(tA, a, lda, i, l))) * math.Abs(float64(at(tB, b, ldb, l, j)))
			}
			tol[i*n+j] = 2 * gamma * (math.Abs(float64(alpha))*s + math.Abs(float64(beta)*float64(c[i*ldc+j])))
		}
	}
	return tol
}

// at returns op(X)_ij for row-major X with stride ld.
func at[T float32 | float64](t blas.Transpose, x []T, ld, i, j int) T {
	if t == blas.NoTrans {
		return x[i*ld+j]
	}
	return x[j*ld+i]
}

// gemmCase is one call, with strides padded by pad columns.
type gemmCase struct {
	m, n, k     int
	pad         int
	alpha, beta float64
}

func (c gemmCase) String() string {
	return fmt.Sprintf("%d×%d×%d/pad%d/alpha%g/beta%g", c.m, c.n, c.k, c.pad, c.alpha, c.beta)
}

// gemmCases crosses shapes (1×1×1, vectors, m ≠ n ≠ k, sizes across
// OpenBLAS's blocking and its threading threshold) with padding (lda > cols,
// as in a sub-matrix view) and α, β cases, including α = 0 and β = 0.
func gemmCases() []gemmCase {
	shapes := [][3]int{
		{1, 1, 1}, {1, 7, 1}, {7, 1, 1}, {1, 1, 9}, {3, 4, 5}, {5, 3, 4},
		{2, 9, 17}, {17, 13, 11}, {33, 65, 7}, {70, 31, 129}, {130, 67, 260},
	}
	var cases []gemmCase
	for _, s := range shapes {
		for _, pad := range []int{0, 3} {
			for _, ab := range [][2]float64{{1, 0}, {1, 1}, {-0.75, 0.5}, {0, 0.5}, {0, 0}, {2.5, -1}} {
				cases = append(cases, gemmCase{m: s[0], n: s[1], k: s[2], pad: pad, alpha: ab[0], beta: ab[1]})
			}
		}
	}
	return cases
}

var transposes = []blas.Transpose{blas.NoTrans, blas.Trans, blas.ConjTrans}

// gemmOperands returns random A, B and C for the case, stored with the
// strides it asks for and padding filled with NaN, which the routines must
// neither read nor write. Where β = 0, C is all NaN: BLAS does not read C
// then.
func gemmOperands[T float32 | float64](rnd *rand.Rand, tA, tB blas.Transpose, c gemmCase) (a []T, lda int, b []T, ldb int, cc []T, ldc int) {
	rowA, colA := c.m, c.k
	if tA != blas.NoTrans {
		rowA, colA = c.k, c.m
	}
	rowB, colB := c.k, c.n
	if tB != blas.NoTrans {
		rowB, colB = c.n, c.k
	}
	fill := func(rows, cols int, nan bool) ([]T, int) {
		ld := cols + c.pad
		x := make([]T, rows*ld)
		for i := range x {
			if i%ld >= cols || nan {
				x[i] = T(math.NaN())
			} else {
				x[i] = T(2*rnd.Float64() - 1)
			}
		}
		return x, ld
	}
	a, lda = fill(rowA, colA, false)
	b, ldb = fill(rowB, colB, false)
	cc, ldc = fill(c.m, c.n, c.beta == 0)
	return a, lda, b, ldb, cc, ldc
}

// nativeOrSkip returns the loaded library or skips the test.
func nativeOrSkip(t testing.TB) *library {
	t.Helper()
	l := current()
	if l == nil {
		_, err := Load()
		t.Skipf("no native BLAS library to test against gonum: %v", err)
	}
	return l
}

// checkGemm compares got with want entry by entry within tol, reporting the
// worst entry relative to its tolerance, and checks the padding of got
// (stride ldc) is untouched NaN. It does not stop the test, so goroutines may
// call it.
func checkGemm[T float32 | float64](t *testing.T, m, n int, want, got []T, ldc int, tol []float64) {
	t.Helper()
	var worst, worstTol float64
	worstI, worstJ := -1, -1
	for i := range m {
		for j := range ldc {
			w, g := want[i*ldc+j], got[i*ldc+j]
			if j >= n {
				if !math.IsNaN(float64(g)) {
					t.Errorf("padding C[%d,%d] overwritten with %v", i, j, g)
				}
				continue
			}
			d := math.Abs(float64(w) - float64(g))
			if math.IsNaN(d) || d > tol[i*n+j] {
				if worstI < 0 || math.IsNaN(d) || d/tol[i*n+j] > worst/worstTol {
					worst, worstTol, worstI, worstJ = d, tol[i*n+j], i, j
				}
			}
		}
	}
	if worstI >= 0 {
		t.Errorf("C[%d,%d]: |gonum − native| = %g > tolerance %g (gonum %v, native %v)",
			worstI, worstJ, worst, worstTol, want[worstI*ldc+worstJ], got[worstI*ldc+worstJ])
	}
}

func TestDgemmNative(t *testing.T) {
	t.Parallel()
	l := nativeOrSkip(t)
	rnd := rand.New(rand.NewPCG(1, 1))
	for _, tA := range transposes {
		for _, tB := range transposes {
			for _, tc := range gemmCases() {
				t.Run(fmt.Sprintf("%c%c/%v", tA, tB, tc), func(t *testing.T) {
					a, lda, b, ldb, c, ldc := gemmOperands[float64](rnd, tA, tB, tc)
					a0, b0 := append([]float64(nil), a...), append([]float64(nil), b...)
					want := append([]float64(nil), c...)
					tol := gemmTol(0x1p-53, tA, tB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, nanToZero(c), ldc)
					gonum.Implementation{}.Dgemm(tA, tB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, want, ldc)
					l.dgemmRaw(tA, tB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
					checkGemm(t, tc.m, tc.n, want, c, ldc, tol)
					checkUnchanged(t, "A", a0, a)
					checkUnchanged(t, "B", b0, b)
				})
			}
		}
	}
}

func TestSgemmNative(t *testing.T) {
	t.Parallel()
	l := nativeOrSkip(t)
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, tA := range transposes {
		for _, tB := range transposes {
			for _, tc := range gemmCases() {
				t.Run(fmt.Sprintf("%c%c/%v", tA, tB, tc), func(t *testing.T) {
					a, lda, b, ldb, c, ldc := gemmOperands[float32](rnd, tA, tB, tc)
					a0, b0 := append([]float32(nil), a...), append([]float32(nil), b...)
					want := append([]float32(nil), c...)
					alpha, beta := float32(tc.alpha), float32(tc.beta)
					tol := gemmTol(0x1p-24, tA, tB, tc.m, tc.n, tc.k, alpha, a, lda, b, ldb, beta, nanToZero(c), ldc)
					gonum.Implementation{}.Sgemm(tA, tB, tc.m, tc.n, tc.k, alpha, a, lda, b, ldb, beta, want, ldc)
					l.sgemmRaw(tA, tB, tc.m, tc.n, tc.k, alpha, a, lda, b, ldb, beta, c, ldc)
					checkGemm(t, tc.m, tc.n, want, c, ldc, tol)
					checkUnchanged(t, "A", a0, a)
					checkUnchanged(t, "B", b0, b)
				})
			}
		}
	}
}

// TestSmallGemm checks the plain loop against gonum on every shape, transpose,
// padding and α, β case of the native tests, within the same bound.
func TestSmallGemm(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(1, 3))
	for _, tA := range transposes {
		for _, tB := range transposes {
			for _, tc := range gemmCases() {
				t.Run(fmt.Sprintf("%c%c/%v", tA, tB, tc), func(t *testing.T) {
					a, lda, b, ldb, c, ldc := gemmOperands[float64](rnd, tA, tB, tc)
					want := append([]float64(nil), c...)
					tol := gemmTol(0x1p-53, tA, tB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, nanToZero(c), ldc)
					gonum.Implementation{}.Dgemm(tA, tB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, want, ldc)
					if tc.alpha == 0 {
						// BLAS does not read A then (gonum does): NaN there
						// must not show.
						for i := range a {
							a[i] = math.NaN()
						}
					}
					a0, b0 := append([]float64(nil), a...), append([]float64(nil), b...)
					smallGemm(tA, tB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
					checkGemm(t, tc.m, tc.n, want, c, ldc, tol)
					checkUnchanged(t, "A", a0, a)
					checkUnchanged(t, "B", b0, b)
				})
			}
		}
	}
}

// nanToZero returns a copy of x with NaN (padding, or C where β = 0) as 0,
// for computing tolerances.
func nanToZero[T float32 | float64](x []T) []T {
	y := make([]T, len(x))
	for i, v := range x {
		if !math.IsNaN(float64(v)) {
			y[i] = v
		}
	}
	return y
}

// checkUnchanged checks an input was not modified, NaN padding included.
func checkUnchanged[T float32 | float64](t *testing.T, name string, want, got []T) {
	t.Helper()
	for i := range want {
		if math.Float64bits(float64(want[i])) != math.Float64bits(float64(got[i])) &&
			!(math.IsNaN(float64(want[i])) && math.IsNaN(float64(got[i]))) {
			t.Fatalf("input %s modified at %d: %v, was %v", name, i, got[i], want[i])
		}
	}
}

// TestDgemmRouting checks Implementation.Dgemm against gonum on both sides
// of GemmMinWork, including empty products (m, n or k = 0), which stay in
// gonum; it passes with or without a native library.
func TestDgemmRouting(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(2, 1))
	for _, tc := range []struct {
		name    string
		m, n, k int
	}{
		{"m=0", 0, 5, 4},
		{"n=0", 5, 0, 4},
		{"k=0 scales C by beta", 5, 4, 0},
		{"tiny: the plain loop", 2, 3, 4},
		{"largest for the plain loop", 4, 4, smallWork / 16},
		{"below threshold", 2, 4, GemmMinWork/8 - 1},
		{"at threshold", 2, 4, GemmMinWork / 8},
		{"above threshold", 40, 50, 60},
		{"below threshold, 4 blocks of C: gonum would go parallel", 193, 1, 1},
		{"below threshold, 2×2 blocks of C", 65, 65, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := gemmCase{m: tc.m, n: tc.n, k: tc.k, pad: 2, alpha: 1.5, beta: -0.5}
			a, lda, b, ldb, c, ldc := gemmOperands[float64](rnd, blas.Trans, blas.NoTrans, g)
			want := append([]float64(nil), c...)
			tol := gemmTol(0x1p-53, blas.Trans, blas.NoTrans, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, c, ldc)
			gonum.Implementation{}.Dgemm(blas.Trans, blas.NoTrans, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, want, ldc)
			Implementation{}.Dgemm(blas.Trans, blas.NoTrans, g.m, g.n, g.k, g.alpha, a, lda, b, ldb, g.beta, c, ldc)
			checkGemm(t, g.m, g.n, want, c, ldc, tol)
		})
	}
}

// TestGemmPanics checks that invalid calls panic with gonum's message,
// whatever their size.
func TestGemmPanics(t *testing.T) {
	t.Parallel()
	const m, n, k = 40, 50, 60 // above GemmMinWork
	a, b, c := make([]float64, m*k), make([]float64, k*n), make([]float64, m*n)
	for _, tc := range []struct {
		name string
		call func(blas.Float64)
	}{
		{"bad transpose", func(i blas.Float64) { i.Dgemm('X', blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c, n) }},
		{"m < 0", func(i blas.Float64) { i.Dgemm(blas.NoTrans, blas.NoTrans, -m, -n, k, 1, a, k, b, n, 0, c, n) }},
		{"lda < k", func(i blas.Float64) { i.Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k-1, b, n, 0, c, n) }},
		{"short A", func(i blas.Float64) { i.Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a[1:], k, b, n, 0, c, n) }},
		{"short B", func(i blas.Float64) { i.Dgemm(blas.NoTrans, blas.Trans, m, n, k, 1, a, k, b[1:], k, 0, c, n) }},
		{"short C", func(i blas.Float64) { i.Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c[1:], n) }},
		{"ldc < n", func(i blas.Float64) { i.Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, 0, c, n-1) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := recovered(func() { tc.call(gonum.Implementation{}) })
			got := recovered(func() { tc.call(Implementation{}) })
			if want == nil {
				t.Fatalf("gonum did not panic")
			}
			if got != want {
				t.Errorf("panic %v, want gonum's %v", got, want)
			}
		})
	}
}

// TestGemmNoAllocs checks that the calls a training step makes allocate
// nothing: small products in gonum's serial code, and with a native library
// every product it takes, through purego.SyscallN and the pooled arguments
// (TestDgemmConcurrent checks the pool under concurrent callers). Without a
// native library the products that gonum splits among goroutines allocate;
// they are not checked here.
func TestGemmNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	rnd := rand.New(rand.NewPCG(4, 1))
	native := Available()
	for _, tc := range []struct {
		name    string
		m, n, k int
		native  bool // whether the case needs the native library
	}{
		{"gonum serial", 4, 4, 4, false},
		{"1×1×1 native", 1, 1, 1, true},
		{"above threshold", 40, 50, 60, true},
		{"gonum would go parallel", 256, 3, 2, true},
		{"large", 300, 200, 100, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.native && !native {
				t.Skip("no native library")
			}
			g := gemmCase{m: tc.m, n: tc.n, k: tc.k, alpha: 1, beta: 0.5}
			a, lda, b, ldb, c, ldc := gemmOperands[float64](rnd, blas.NoTrans, blas.Trans, g)
			a32, b32, c32 := toFloat32(a), toFloat32(b), toFloat32(c)
			var call func()
			switch {
			case tc.m == 1 && tc.n == 1 && tc.k == 1:
				// Below every threshold: only a direct call reaches the library.
				l := current()
				call = func() {
					l.dgemmRaw(blas.NoTrans, blas.Trans, g.m, g.n, g.k, 1, a, lda, b, ldb, 0.5, c, ldc)
					l.sgemmRaw(blas.NoTrans, blas.Trans, g.m, g.n, g.k, 1, a32, lda, b32, ldb, 0.5, c32, ldc)
				}
			default:
				call = func() {
					Implementation{}.Dgemm(blas.NoTrans, blas.Trans, g.m, g.n, g.k, 1, a, lda, b, ldb, 0.5, c, ldc)
					Implementation{}.Sgemm(blas.NoTrans, blas.Trans, g.m, g.n, g.k, 1, a32, lda, b32, ldb, 0.5, c32, ldc)
				}
			}
			if allocs := testing.AllocsPerRun(100, call); allocs != 0 {
				t.Errorf("%v allocations per Dgemm and Sgemm, want 0", allocs)
			}
		})
	}
}

func toFloat32(x []float64) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v)
	}
	return y
}

func recovered(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}

// TestDgemmConcurrent calls the native library from several goroutines at
// once, each checking its own product.
func TestDgemmConcurrent(t *testing.T) {
	t.Parallel()
	l := nativeOrSkip(t)
	const m, n, k = 96, 80, 112
	var wg sync.WaitGroup
	for g := range 2 * runtime.GOMAXPROCS(0) {
		rnd := rand.New(rand.NewPCG(3, uint64(g)))
		tc := gemmCase{m: m, n: n, k: k, alpha: 1, beta: 0.5}
		a, lda, b, ldb, c, ldc := gemmOperands[float64](rnd, blas.NoTrans, blas.Trans, tc)
		want := append([]float64(nil), c...)
		tol := gemmTol(0x1p-53, blas.NoTrans, blas.Trans, m, n, k, 1, a, lda, b, ldb, 0.5, c, ldc)
		gonum.Implementation{}.Dgemm(blas.NoTrans, blas.Trans, m, n, k, 1, a, lda, b, ldb, 0.5, want, ldc)
		wg.Go(func() {
			for range 20 {
				got := append([]float64(nil), c...)
				l.dgemmRaw(blas.NoTrans, blas.Trans, m, n, k, 1, a, lda, b, ldb, 0.5, got, ldc)
				checkGemm(t, m, n, want, got, ldc, tol)
			}
		})
	}
	wg.Wait()
}

// Benchmarks. Gonum is gonum's pure Go Dgemm; Native calls the library
// directly, below GemmMinWork too, which Implementation.Dgemm would not.
// Both use GOMAXPROCS threads (OpenBLAS's count is set to it), so -cpu 1,2
// compares them on one and two cores.

func BenchmarkDgemm16Gonum(b *testing.B)    { benchGemm[float64](b, 16, 16, 16, "Gonum") }
func BenchmarkDgemm16Native(b *testing.B)   { benchGemm[float64](b, 16, 16, 16, "Native") }
func BenchmarkDgemm64Gonum(b *testing.B)    { benchGemm[float64](b, 64, 64, 64, "Gonum") }
func BenchmarkDgemm64Native(b *testing.B)   { benchGemm[float64](b, 64, 64, 64, "Native") }
func BenchmarkDgemm256Gonum(b *testing.B)   { benchGemm[float64](b, 256, 256, 256, "Gonum") }
func BenchmarkDgemm256Native(b *testing.B)  { benchGemm[float64](b, 256, 256, 256, "Native") }
func BenchmarkDgemm1024Gonum(b *testing.B)  { benchGemm[float64](b, 1024, 1024, 1024, "Gonum") }
func BenchmarkDgemm1024Native(b *testing.B) { benchGemm[float64](b, 1024, 1024, 1024, "Native") }

func BenchmarkSgemm16Gonum(b *testing.B)    { benchGemm[float32](b, 16, 16, 16, "Gonum") }
func BenchmarkSgemm16Native(b *testing.B)   { benchGemm[float32](b, 16, 16, 16, "Native") }
func BenchmarkSgemm64Gonum(b *testing.B)    { benchGemm[float32](b, 64, 64, 64, "Gonum") }
func BenchmarkSgemm64Native(b *testing.B)   { benchGemm[float32](b, 64, 64, 64, "Native") }
func BenchmarkSgemm256Gonum(b *testing.B)   { benchGemm[float32](b, 256, 256, 256, "Gonum") }
func BenchmarkSgemm256Native(b *testing.B)  { benchGemm[float32](b, 256, 256, 256, "Native") }
func BenchmarkSgemm1024Gonum(b *testing.B)  { benchGemm[float32](b, 1024, 1024, 1024, "Gonum") }
func BenchmarkSgemm1024Native(b *testing.B) { benchGemm[float32](b, 1024, 1024, 1024, "Native") }

// BenchmarkGemmCrossover times small products of several shapes, the
// measurement behind GemmMinWork. Below 64×64×64 OpenBLAS computes on the
// calling thread alone, so the two implementations can run interleaved in
// one process; cpu-ns/op, the process's CPU time per call, is steadier than
// ns/op on a machine shared with other jobs:
//
//	go test -run NONE -bench 'GemmCrossover' -count 5 ./blas
func BenchmarkGemmCrossover(b *testing.B) {
	for _, s := range [][3]int{
		{1, 1, 1}, {2, 2, 2}, {16, 3, 3}, {3, 3, 16}, {4, 4, 4}, {6, 6, 6}, {16, 4, 4}, {4, 4, 16}, {8, 8, 8}, {16, 16, 2}, {12, 12, 12},
		{16, 16, 16}, {64, 64, 1}, {4, 32, 32}, {32, 4, 32}, {20, 20, 20}, {2, 64, 64}, {64, 64, 2},
		{32, 32, 8}, {24, 24, 24}, {32, 32, 32}, {64, 64, 64},
	} {
		m, n, k := s[0], s[1], s[2]
		for _, impl := range []string{"Gonum", "Native", "Small"} {
			b.Run(fmt.Sprintf("%dx%dx%d/D/%s", m, n, k, impl), func(b *testing.B) { benchGemm[float64](b, m, n, k, impl) })
			b.Run(fmt.Sprintf("%dx%dx%d/S/%s", m, n, k, impl), func(b *testing.B) { benchGemm[float32](b, m, n, k, impl) })
		}
	}
}

// benchGemm times C = A B for row-major m×k A and k×n B with entries in
// [-1, 1) (not zero: gonum skips zero entries of A), reporting GFLOP/s
// counted as 2 m n k per product.
func benchGemm[T float32 | float64](b *testing.B, m, n, k int, impl string) {
	var l *library
	native := impl == "Native"
	if native {
		l = nativeOrSkip(b)
		if l.setThreads != nil {
			info, _ := Load()
			l.setThreads(int32(runtime.GOMAXPROCS(0)))
			defer SetThreads(info.Threads)
		}
	}
	rnd := rand.New(rand.NewPCG(1, 1))
	a, bb, c := make([]T, m*k), make([]T, k*n), make([]T, m*n)
	for _, x := range [][]T{a, bb} {
		for i := range x {
			x[i] = T(2*rnd.Float64() - 1)
		}
	}
	var gemm func()
	switch a := any(a).(type) {
	case []float64:
		bb, c := any(bb).([]float64), any(c).([]float64)
		gemm = func() { gonum.Implementation{}.Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, bb, n, 0, c, n) }
		if native {
			gemm = func() { l.dgemmRaw(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, bb, n, 0, c, n) }
		}
		if impl == "Small" {
			gemm = func() { smallGemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, bb, n, 0, c, n) }
		}
	case []float32:
		bb, c := any(bb).([]float32), any(c).([]float32)
		gemm = func() { gonum.Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, bb, n, 0, c, n) }
		if native {
			gemm = func() { l.sgemmRaw(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, bb, n, 0, c, n) }
		}
		if impl == "Small" {
			gemm = func() { smallGemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, bb, n, 0, c, n) }
		}
	}
	cpu := processCPU()
	for b.Loop() {
		gemm()
	}
	if cpu := processCPU() - cpu; cpu > 0 {
		b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
	}
	b.ReportMetric(2*float64(m)*float64(n)*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
