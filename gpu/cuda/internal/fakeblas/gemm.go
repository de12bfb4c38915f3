package fakeblas

// cuBLAS constants (cublas_api.h).
const (
	OpN                = 0  // CUBLAS_OP_N
	OpT                = 1  // CUBLAS_OP_T
	StatusInvalidValue = 7  // CUBLAS_STATUS_INVALID_VALUE
	StatusInternal     = 14 // CUBLAS_STATUS_INTERNAL_ERROR
)

// Gemm is column-major C = alpha·op(A)·op(B) + beta·C as cuBLAS defines it, computed in
// T in the plain order: each dot product summed over p = 0..k−1. view returns the n
// elements of fake device memory at p, or false if they are not all inside one
// allocation; Gemm then returns StatusInternal, as a GPU would fault on the access.
func Gemm[T float32 | float64](view func(p uint64, n int) ([]T, bool), ta, tb, m, n, k int32, alpha T, a uint64, lda int32, b uint64, ldb int32, beta T, c uint64, ldc int32) int32 {
	if m < 0 || n < 0 || k < 0 {
		return StatusInvalidValue
	}
	if m == 0 || n == 0 {
		return 0
	}
	rowsA, colsA := m, k // as stored, column-major
	if ta == OpT {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if tb == OpT {
		rowsB, colsB = n, k
	}
	if lda < max(1, rowsA) || ldb < max(1, rowsB) || ldc < max(1, m) {
		return StatusInvalidValue
	}
	var A, B []T
	if k > 0 {
		var okA, okB bool
		A, okA = view(a, int(lda)*int(colsA-1)+int(rowsA))
		B, okB = view(b, int(ldb)*int(colsB-1)+int(rowsB))
		if !okA || !okB {
			return StatusInternal
		}
	}
	C, ok := view(c, int(ldc)*int(n-1)+int(m))
	if !ok {
		return StatusInternal
	}
	at := func(X []T, ld, trans, i, j int32) T {
		if trans == OpN {
			return X[i+j*ld]
		}
		return X[j+i*ld]
	}
	for j := range n {
		for i := range m {
			var s T
			for p := range k {
				s += T(at(A, lda, ta, i, p) * at(B, ldb, tb, p, j))
			}
			if beta == 0 { // C is not read, as in cuBLAS: it may hold NaN
				C[i+j*ldc] = T(alpha * s)
			} else {
				C[i+j*ldc] = T(alpha*s) + T(beta*C[i+j*ldc])
			}
		}
	}
	return 0
}
