package blas

import "gonum.org/v1/gonum/blas"

// GemmMinWork is the smallest m·n·k for which Dgemm and Sgemm call the
// native library; smaller products run in gonum's pure Go code, where the
// foreign call's fixed cost would dominate.
//
// Measured: TODO.
const GemmMinWork = 0 // TODO

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
