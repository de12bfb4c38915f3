package cuda

import (
	"errors"
	"fmt"
	"sync"
)

// BLASLibName is the cuBLAS library opened on first use of [Thread.BLAS].
const BLASLibName = "libcublas.so.13"

// cublasStatus_t values.
const blasSuccess int32 = 0

var blasStatusNames = map[int32]string{
	1: "CUBLAS_STATUS_NOT_INITIALIZED", 3: "CUBLAS_STATUS_ALLOC_FAILED",
	7: "CUBLAS_STATUS_INVALID_VALUE", 8: "CUBLAS_STATUS_ARCH_MISMATCH",
	11: "CUBLAS_STATUS_MAPPING_ERROR", 13: "CUBLAS_STATUS_EXECUTION_FAILED",
	14: "CUBLAS_STATUS_INTERNAL_ERROR", 15: "CUBLAS_STATUS_NOT_SUPPORTED",
	16: "CUBLAS_STATUS_LICENSE_ERROR",
}

const (
	blasOpN = 0 // CUBLAS_OP_N
	blasOpT = 1 // CUBLAS_OP_T
	// blasPedanticMath is CUBLAS_PEDANTIC_MATH: the prescribed compute precision only.
	// Unlike CUBLAS_DEFAULT_MATH it also rules out TF32 tensor cores and, from CUDA 13,
	// the emulated FP32 and FP64 modes, so that Sgemm and Dgemm compute what a CPU
	// reference computes up to summation order.
	blasPedanticMath = 2
)

func (l *BLASDriver) symbols() []symbol {
	return []symbol{
		{"cublasCreate_v2", &l.CublasCreate_v2},
		{"cublasDestroy_v2", &l.CublasDestroy_v2},
		{"cublasSetStream_v2", &l.CublasSetStream_v2},
		{"cublasSetMathMode", &l.CublasSetMathMode},
		{"cublasDgemm_v2", &l.CublasDgemm_v2},
		{"cublasSgemm_v2", &l.CublasSgemm_v2},
	}
}

var globalBLAS struct {
	once sync.Once
	lib  *BLASDriver
	err  error
}

// loadBLAS opens cuBLAS once per process.
func loadBLAS() (*BLASDriver, error) {
	globalBLAS.once.Do(func() {
		lib, err := openLibrary(BLASLibName)
		if err != nil {
			globalBLAS.err = err
			return
		}
		l := new(BLASDriver)
		if err := bindSymbols(lib, BLASLibName, l.symbols()); err != nil {
			globalBLAS.err = err
			return
		}
		globalBLAS.lib = l
	})
	return globalBLAS.lib, globalBLAS.err
}

func blasCheck(fn string, s int32) error {
	if s == blasSuccess {
		return nil
	}
	name, ok := blasStatusNames[s]
	if !ok {
		name = fmt.Sprintf("CUBLAS_STATUS_%d", s)
	}
	return &Error{Code: int(s), Name: name, Func: fn}
}

// BLAS is a cuBLAS handle bound to one context, in pedantic math mode (no TF32, no
// emulation), on the context's default stream. It is valid inside Do only, like the
// Thread it came from, and is destroyed by Context.Close.
type BLAS struct {
	lib *BLASDriver
	h   uintptr
	t   *Thread
}

// BLAS returns the context's cuBLAS handle, creating it on first use. Without cuBLAS it
// returns nil and an error wrapping [ErrUnavailable]; the caller falls back to its own
// kernels.
func (t *Thread) BLAS() (*BLAS, error) {
	t.mustBeActive()
	if t.blas != nil {
		return t.blas, nil
	}
	lib, err := t.drv.BLAS()
	if err != nil {
		return nil, err
	}
	var h uintptr
	if err := blasCheck("cublasCreate_v2", lib.CublasCreate_v2(&h)); err != nil {
		return nil, unavailableErr(err, "cannot create a cuBLAS handle")
	}
	b := &BLAS{lib: lib, h: h, t: t}
	if err := errors.Join(
		blasCheck("cublasSetStream_v2", lib.CublasSetStream_v2(h, 0)),
		blasCheck("cublasSetMathMode", lib.CublasSetMathMode(h, blasPedanticMath)),
	); err != nil {
		return nil, errors.Join(err, b.destroy())
	}
	t.blas = b
	return b, nil
}

func (b *BLAS) destroy() error {
	return blasCheck("cublasDestroy_v2", b.lib.CublasDestroy_v2(b.h))
}

// gemmArgs translates a row-major product into cuBLAS's column-major one.
//
// A row-major r×c matrix is, read column-major, its c×r transpose with leading dimension
// c. So row-major C = op(A)·op(B) (m×n) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ (n×m): cuBLAS
// is called with the operands swapped, m and n swapped, each operand transposed iff it
// is transposed in the row-major call, and each leading dimension the stored row length.
func gemmArgs(transA, transB bool, m, n, k int) (opB, opA, cm, cn, ck, ldb, lda, ldc int32) {
	for _, v := range []int{m, n, k} {
		if v < 0 || v > 1<<31-1 {
			panic(fmt.Sprintf("cuda: gemm dimension %d out of range", v))
		}
	}
	opA, opB = blasOpN, blasOpN
	lda, ldb = int32(k), int32(n) // A is m×k, B is k×n
	if transA {
		opA, lda = blasOpT, int32(m) // A is stored k×m
	}
	if transB {
		opB, ldb = blasOpT, int32(k) // B is stored n×k
	}
	return opB, opA, int32(n), int32(m), int32(k), max(ldb, 1), max(lda, 1), max(int32(n), 1)
}

// Dgemm computes C = alpha·op(A)·op(B) + beta·C on row-major float64 matrices: op(A) is
// m×k, op(B) is k×n, C is m×n, op(X) = Xᵀ when transX. A is stored k×m when transA
// (else m×k), B is stored n×k when transB (else k×n). With beta = 0, C need not be
// initialized. It does not wait for the result.
func (b *BLAS) Dgemm(transA, transB bool, m, n, k int, alpha float64, a, bm uint64, beta float64, c uint64) error {
	b.t.mustBeActive()
	opB, opA, cm, cn, ck, ldb, lda, ldc := gemmArgs(transA, transB, m, n, k)
	return blasCheck("cublasDgemm_v2",
		b.lib.CublasDgemm_v2(b.h, opB, opA, cm, cn, ck, &alpha, bm, ldb, a, lda, &beta, c, ldc))
}

// Sgemm is Dgemm for float32 matrices.
func (b *BLAS) Sgemm(transA, transB bool, m, n, k int, alpha float32, a, bm uint64, beta float32, c uint64) error {
	b.t.mustBeActive()
	opB, opA, cm, cn, ck, ldb, lda, ldc := gemmArgs(transA, transB, m, n, k)
	return blasCheck("cublasSgemm_v2",
		b.lib.CublasSgemm_v2(b.h, opB, opA, cm, cn, ck, &alpha, bm, ldb, a, lda, &beta, c, ldc))
}
