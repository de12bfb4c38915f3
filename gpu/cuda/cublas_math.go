package cuda

// MathMode is a cuBLAS math mode (cublasMath_t).
type MathMode int32

const (
	// MathPedantic is CUBLAS_PEDANTIC_MATH, the mode [Thread.BLAS] sets: the prescribed
	// precision in every phase, no TF32, no emulation.
	MathPedantic MathMode = blasPedanticMath
	// MathDefault is CUBLAS_DEFAULT_MATH, the mode PyTorch uses with TF32 off: float32
	// and float64 GEMMs still compute in their own precision (TF32 needs
	// CUBLAS_TF32_TENSOR_OP_MATH), but cuBLAS may choose among more kernels.
	MathDefault MathMode = 0
)

// SetMathMode sets the handle's math mode; it applies to the GEMMs that follow.
func (b *BLAS) SetMathMode(m MathMode) error {
	b.t.mustBeActive()
	return blasCheck("cublasSetMathMode", b.lib.CublasSetMathMode(b.h, int32(m)))
}
