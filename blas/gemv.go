package blas

import "gonum.org/v1/gonum/blas"

// GemvMinWork is the smallest m·n for which Dgemv and Sgemv call the native
// library.
//
// Measured: TODO.
const GemvMinWork = 0 // TODO

// Dgemv computes
//
//	y = alpha * A * x + beta * y   if tA == blas.NoTrans
//	y = alpha * Aᵀ * x + beta * y  if tA == blas.Trans or blas.ConjTrans
//
// like gonum's Dgemv, whose arguments and panics it shares, in the native
// library when m·n ≥ GemvMinWork.
func (impl Implementation) Dgemv(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	if m*n < GemvMinWork || !gemvNative(tA, m, n, len(a), lda, len(x), incX, len(y), incY) {
		impl.Implementation.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	l := current()
	if l == nil {
		impl.Implementation.Dgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	l.dgemvRaw(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
}

// Sgemv is the float32 version of Dgemv.
func (impl Implementation) Sgemv(tA blas.Transpose, m, n int, alpha float32, a []float32, lda int, x []float32, incX int, beta float32, y []float32, incY int) {
	if m*n < GemvMinWork || !gemvNative(tA, m, n, len(a), lda, len(x), incX, len(y), incY) {
		impl.Implementation.Sgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	l := current()
	if l == nil {
		impl.Implementation.Sgemv(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	l.sgemvRaw(tA, m, n, alpha, a, lda, x, incX, beta, y, incY)
}

// gemvNative is gemmNative for gemv: valid by gonum's rules, non-empty,
// and within C ints. A negative increment walks the vector backwards from
// its end, in CBLAS as in gonum.
func gemvNative(tA blas.Transpose, m, n, lenA, lda, lenX, incX, lenY, incY int) bool {
	if !validTranspose(tA) || m < 1 || n < 1 || incX == 0 || incY == 0 ||
		!fitsInt32(m, n, lda, incX, incY) {
		return false
	}
	lx, ly := n, m
	if tA != blas.NoTrans {
		lx, ly = m, n
	}
	return lda >= n && lenA >= (m-1)*lda+n &&
		lenX >= 1+(lx-1)*abs(incX) && lenY >= 1+(ly-1)*abs(incY)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// dgemvRaw calls cblas_dgemv; the arguments must pass gemvNative.
func (l *library) dgemvRaw(tA blas.Transpose, m, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	l.dgemv(cblasRowMajor, cblasTranspose(tA), int32(m), int32(n),
		alpha, ptr(a), int32(lda), ptr(x), int32(incX), beta, ptr(y), int32(incY))
}

// sgemvRaw calls cblas_sgemv; the arguments must pass gemvNative.
func (l *library) sgemvRaw(tA blas.Transpose, m, n int, alpha float32, a []float32, lda int, x []float32, incX int, beta float32, y []float32, incY int) {
	l.sgemv(cblasRowMajor, cblasTranspose(tA), int32(m), int32(n),
		alpha, ptr(a), int32(lda), ptr(x), int32(incX), beta, ptr(y), int32(incY))
}
