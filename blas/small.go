package blas

import "gonum.org/v1/gonum/blas"

// smallGemm computes C = alpha * op(A) * op(B) + beta * C by the definition,
// each c_ij an inner product summed in order of l, for the tiny products
// (m·n·k ≤ smallWork) where gonum's general code (argument checks, a call of
// an assembly vector kernel per row) costs more than the arithmetic. The
// arguments must pass gemmNative. As in BLAS, C is not read where beta = 0,
// and A and B are not read where alpha = 0.
func smallGemm[T float32 | float64](tA, tB blas.Transpose, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	// Strides of op(A) (i, l) and op(B) (l, j) in the row-major slices.
	ai, al := lda, 1
	if tA != blas.NoTrans {
		ai, al = 1, lda
	}
	bl, bj := ldb, 1
	if tB != blas.NoTrans {
		bl, bj = 1, ldb
	}
	for i := range m {
		ci := c[i*ldc : i*ldc+n]
		for j := range ci {
			var s T
			if alpha != 0 {
				for l := range k {
					s += a[i*ai+l*al] * b[l*bl+j*bj]
				}
			}
			if beta == 0 {
				ci[j] = alpha * s
			} else {
				ci[j] = alpha*s + beta*ci[j]
			}
		}
	}
}
