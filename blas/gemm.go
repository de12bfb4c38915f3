package blas

import "gonum.org/v1/gonum/blas"

// GemmMinWork is the smallest m·n·k for which Dgemm and Sgemm call the
// native library; smaller products run in gonum's pure Go code, where the
// foreign call's fixed cost would dominate.
//
// Measured with BenchmarkGemmCrossover on a 2-core AMD EPYC (Turin) VM
// shared with other jobs (load average about 6), OpenBLAS 0.3.21 pthread
// (Haswell kernels), Go 1.26; best of 3, non-transposed, ns per call,
// gonum / native:
//
//	shape m×n×k   m·n·k   float64       float32
//	1×1×1             1     20 / 1120     19 / 790
//	8×8×8           512    360 / 1180    290 / 810
//	12×12×12       1728    710 / 1170    650 / 860
//	16×16×16       4096   1330 / 1370   1170 / 1160
//	64×64×1        4096    900 / 1430   1170 / 1740
//	4×32×32        4096    810 / 2060   1070 / 1220
//	32×4×32        4096   3760 / 1140   5870 / 1590
//	20×20×20       8000   2090 / 1890   1970 / 1480
//	2×64×64        8192   1160 / 1670   1800 / 1360
//	64×64×2        8192   1670 / 1960   2470 / 1280
//	32×32×8        8192   1650 / 1370   2500 / 1120
//	24×24×24      13824   3450 / 1810   3180 / 1250
//	32×32×32      32768   9590 / 2770   6880 / 1710
//	64×64×64     262144  46690 / 6690  37860 / 6430
//
// The native call costs about 1 µs however small the product (purego's
// reflective call, 12 allocations), so gonum wins below 16³ = 4096 and the
// two tie there, with a spread of 0.4× to 7× by shape. From 8192 on the
// native library is ahead for most shapes and at most 0.5 µs behind for the
// rest (flat ones like 2×64×64), so the threshold is 8192 for both
// precisions. A second run, best of 5 under load average 10, put the
// crossover in the same place.
const GemmMinWork = 8192

// Dgemm computes
//
//	C = alpha * op(A) * op(B) + beta * C
//
// like gonum's Dgemm, whose arguments and panics it shares, in the native
// library when m·n·k ≥ GemmMinWork.
func (impl Implementation) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m*n*k < GemmMinWork || !gemmNative(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc) {
		impl.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	l := current()
	if l == nil {
		impl.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	l.dgemmRaw(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Sgemm is the float32 version of Dgemm.
func (impl Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m*n*k < GemmMinWork || !gemmNative(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc) {
		impl.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	l := current()
	if l == nil {
		impl.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	l.sgemmRaw(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmNative reports whether a gemm call with these arguments is valid by
// gonum's rules, non-empty, and within the library's C ints, so that it
// may go to the native library. Calls that fail are left to gonum, which
// panics on the invalid ones with its own message.
func gemmNative(tA, tB blas.Transpose, m, n, k, lenA, lda, lenB, ldb, lenC, ldc int) bool {
	if !validTranspose(tA) || !validTranspose(tB) {
		return false
	}
	if m < 1 || n < 1 || k < 1 || !fitsInt32(m, n, k, lda, ldb, ldc) {
		return false
	}
	// Rows and columns of A and B as stored (row-major).
	rowA, colA := m, k
	if tA != blas.NoTrans {
		rowA, colA = k, m
	}
	rowB, colB := k, n
	if tB != blas.NoTrans {
		rowB, colB = n, k
	}
	return lda >= colA && ldb >= colB && ldc >= n &&
		lenA >= (rowA-1)*lda+colA &&
		lenB >= (rowB-1)*ldb+colB &&
		lenC >= (m-1)*ldc+n
}

// dgemmRaw calls cblas_dgemm; the arguments must pass gemmNative.
func (l *library) dgemmRaw(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	l.dgemm(cblasRowMajor, cblasTranspose(tA), cblasTranspose(tB), int32(m), int32(n), int32(k),
		alpha, ptr(a), int32(lda), ptr(b), int32(ldb), beta, ptr(c), int32(ldc))
}

// sgemmRaw calls cblas_sgemm; the arguments must pass gemmNative.
func (l *library) sgemmRaw(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	l.sgemm(cblasRowMajor, cblasTranspose(tA), cblasTranspose(tB), int32(m), int32(n), int32(k),
		alpha, ptr(a), int32(lda), ptr(b), int32(ldb), beta, ptr(c), int32(ldc))
}
