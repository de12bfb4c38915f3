package cuda

import (
	"reflect"
	"unsafe"
)

// Driver is a CUDA driver written in Go: one function per driver entry point that this
// package binds, each with its C prototype spelled in Go (CUresult, CUdevice and int are
// int32; CUcontext, CUmodule and CUfunction are uintptr; CUdeviceptr and size_t are
// uint64). It lets packages built on cuda test their host-side logic on machines without
// a GPU: package fakedriver implements one. Programs use [Open], which binds libcuda.
// The package itself calls the driver only through this table, whichever fills it.
//
// BLAS returns the cuBLAS entry points, or an error wrapping [ErrUnavailable] to say that
// there is no cuBLAS; a nil BLAS means the latter.
type Driver struct {
	CuInit                       func(flags uint32) int32
	CuDriverGetVersion           func(version *int32) int32
	CuDeviceGetCount             func(count *int32) int32
	CuDeviceGet                  func(dev *int32, ordinal int32) int32
	CuDeviceGetName              func(name *byte, size int32, dev int32) int32
	CuDeviceGetAttribute         func(value *int32, attrib int32, dev int32) int32
	CuDevicePrimaryCtxRetain     func(ctx *uintptr, dev int32) int32
	CuDevicePrimaryCtxRelease_v2 func(dev int32) int32
	CuCtxSetCurrent              func(ctx uintptr) int32
	CuCtxSynchronize             func() int32
	CuModuleLoadDataEx           func(mod *uintptr, image *byte, numOptions uint32, options *int32, values *uintptr) int32
	CuModuleGetFunction          func(fn *uintptr, mod uintptr, name string) int32
	CuModuleUnload               func(mod uintptr) int32
	CuMemAlloc_v2                func(dptr *uint64, bytes uint64) int32
	CuMemFree_v2                 func(dptr uint64) int32
	CuMemcpyHtoD_v2              func(dst uint64, src unsafe.Pointer, bytes uint64) int32
	CuMemcpyDtoH_v2              func(dst unsafe.Pointer, src uint64, bytes uint64) int32
	CuMemcpyDtoD_v2              func(dst, src uint64, bytes uint64) int32
	CuMemsetD32_v2               func(dst uint64, value uint32, n uint64) int32
	CuMemGetInfo_v2              func(free, total *uint64) int32
	CuLaunchKernel               func(fn uintptr, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes uint32, stream uintptr, params unsafe.Pointer, extra unsafe.Pointer) int32
	CuGetErrorName               func(code int32, name **byte) int32
	CuGetErrorString             func(code int32, desc **byte) int32

	BLAS func() (*BLASDriver, error)
}

// BLASDriver is the cuBLAS half of a [Driver]: the entry points of cublas_api.h that
// [Thread.BLAS] uses (cublasStatus_t and int are int32, handles uintptr, device pointers
// uint64).
type BLASDriver struct {
	CublasCreate_v2    func(handle *uintptr) int32
	CublasDestroy_v2   func(handle uintptr) int32
	CublasSetStream_v2 func(handle uintptr, stream uintptr) int32
	CublasSetMathMode  func(handle uintptr, mode int32) int32
	CublasDgemm_v2     func(handle uintptr, transA, transB int32, m, n, k int32, alpha *float64, a uint64, lda int32, b uint64, ldb int32, beta *float64, c uint64, ldc int32) int32
	CublasSgemm_v2     func(handle uintptr, transA, transB int32, m, n, k int32, alpha *float32, a uint64, lda int32, b uint64, ldb int32, beta *float32, c uint64, ldc int32) int32
}

// OpenDriver initializes d as [Open] initializes libcuda on first use (cuInit, the driver
// version and device count checks, each failure wrapping [ErrUnavailable]) and opens the
// device with the given ordinal on it. It is for tests with a fake driver; every entry
// point of d must be set.
func OpenDriver(d *Driver, ordinal int) (*Context, error) {
	drv := *d
	for _, s := range drv.symbols() {
		if reflect.ValueOf(s.fptr).Elem().IsNil() {
			panic("cuda: OpenDriver: entry point " + s.name + " is nil")
		}
	}
	drv.BLAS = func() (*BLASDriver, error) {
		if d.BLAS == nil {
			return nil, unavailableErr(nil, "the driver has no cuBLAS")
		}
		b, err := d.BLAS()
		if err != nil {
			return nil, err
		}
		lib := *b
		return &lib, nil
	}
	if err := initDriver(&drv); err != nil {
		return nil, err
	}
	return open(&drv, ordinal)
}
