package cuda

import (
	"fmt"
	"unsafe"

	"github.com/ebitengine/purego"
)

// result is a CUresult.
type result = int32

const success result = 0

// driver is the table of raw driver entry points. Fields hold either functions bound to
// libcuda by purego or, in tests, a fake written in Go; nothing else in the package calls
// the library directly. Each field's type is the C prototype spelled in Go: CUdevice is
// int32, CUcontext, CUmodule and CUfunction are uintptr, CUdeviceptr is uint64, size_t is
// uint64.
type driver struct {
	cuInit                       func(flags uint32) result
	cuDriverGetVersion           func(version *int32) result
	cuDeviceGetCount             func(count *int32) result
	cuDeviceGet                  func(dev *int32, ordinal int32) result
	cuDeviceGetName              func(name *byte, size int32, dev int32) result
	cuDeviceGetAttribute         func(value *int32, attrib int32, dev int32) result
	cuDevicePrimaryCtxRetain     func(ctx *uintptr, dev int32) result
	cuDevicePrimaryCtxRelease_v2 func(dev int32) result
	cuCtxSetCurrent              func(ctx uintptr) result
	cuCtxSynchronize             func() result
	cuModuleLoadDataEx           func(mod *uintptr, image *byte, numOptions uint32, options *int32, values *uintptr) result
	cuModuleGetFunction          func(fn *uintptr, mod uintptr, name string) result
	cuModuleUnload               func(mod uintptr) result
	cuMemAlloc_v2                func(dptr *uint64, bytes uint64) result
	cuMemFree_v2                 func(dptr uint64) result
	cuMemcpyHtoD_v2              func(dst uint64, src unsafe.Pointer, bytes uint64) result
	cuMemcpyDtoH_v2              func(dst unsafe.Pointer, src uint64, bytes uint64) result
	cuMemcpyDtoD_v2              func(dst, src uint64, bytes uint64) result
	cuMemsetD32_v2               func(dst uint64, value uint32, n uint64) result
	cuMemGetInfo_v2              func(free, total *uint64) result
	cuLaunchKernel               func(fn uintptr, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes uint32, stream uintptr, params unsafe.Pointer, extra unsafe.Pointer) result
	cuGetErrorName               func(code result, name **byte) result
	cuGetErrorString             func(code result, desc **byte) result

	// loadBLAS opens cuBLAS on first use; tests replace it with a fake.
	loadBLAS func() (*blasLib, error)
}

// symbols lists every field of d with the library symbol it binds to.
func (d *driver) symbols() []symbol {
	return []symbol{
		{"cuInit", &d.cuInit},
		{"cuDriverGetVersion", &d.cuDriverGetVersion},
		{"cuDeviceGetCount", &d.cuDeviceGetCount},
		{"cuDeviceGet", &d.cuDeviceGet},
		{"cuDeviceGetName", &d.cuDeviceGetName},
		{"cuDeviceGetAttribute", &d.cuDeviceGetAttribute},
		{"cuDevicePrimaryCtxRetain", &d.cuDevicePrimaryCtxRetain},
		{"cuDevicePrimaryCtxRelease_v2", &d.cuDevicePrimaryCtxRelease_v2},
		{"cuCtxSetCurrent", &d.cuCtxSetCurrent},
		{"cuCtxSynchronize", &d.cuCtxSynchronize},
		{"cuModuleLoadDataEx", &d.cuModuleLoadDataEx},
		{"cuModuleGetFunction", &d.cuModuleGetFunction},
		{"cuModuleUnload", &d.cuModuleUnload},
		{"cuMemAlloc_v2", &d.cuMemAlloc_v2},
		{"cuMemFree_v2", &d.cuMemFree_v2},
		{"cuMemcpyHtoD_v2", &d.cuMemcpyHtoD_v2},
		{"cuMemcpyDtoH_v2", &d.cuMemcpyDtoH_v2},
		{"cuMemcpyDtoD_v2", &d.cuMemcpyDtoD_v2},
		{"cuMemsetD32_v2", &d.cuMemsetD32_v2},
		{"cuMemGetInfo_v2", &d.cuMemGetInfo_v2},
		{"cuLaunchKernel", &d.cuLaunchKernel},
		{"cuGetErrorName", &d.cuGetErrorName},
		{"cuGetErrorString", &d.cuGetErrorString},
	}
}

// symbol pairs a library symbol with a pointer to the func field it binds.
type symbol struct {
	name string
	fptr any
}

// bindSymbols binds each symbol from the library handle lib. It uses Dlsym and
// RegisterFunc rather than RegisterLibFunc, which panics on a missing symbol: a missing
// symbol (an old driver) is an ordinary way of having no usable GPU.
func bindSymbols(lib uintptr, libName string, syms []symbol) error {
	for _, s := range syms {
		addr, err := purego.Dlsym(lib, s.name)
		if err != nil {
			return unavailableErr(err, "%s has no symbol %s", libName, s.name)
		}
		if addr == 0 {
			return unavailableErr(nil, "%s: symbol %s is nil", libName, s.name)
		}
		purego.RegisterFunc(s.fptr, addr)
	}
	return nil
}

// openLibrary opens a shared library by name, wrapping failure in ErrUnavailable.
func openLibrary(name string) (uintptr, error) {
	lib, err := purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return 0, unavailableErr(err, "cannot open %s", name)
	}
	return lib, nil
}

// check turns a driver result into nil or an *Error naming fn.
func (d *driver) check(fn string, r result) error {
	if r == success {
		return nil
	}
	return d.newError(fn, r)
}

func (d *driver) newError(fn string, r result) *Error {
	e := &Error{Code: int(r), Func: fn}
	var p *byte
	if d.cuGetErrorName != nil && d.cuGetErrorName(r, &p) == success && p != nil {
		e.Name = goString(p)
	} else {
		e.Name = fmt.Sprintf("CUDA_ERROR_%d", r)
	}
	p = nil
	if d.cuGetErrorString != nil && d.cuGetErrorString(r, &p) == success && p != nil {
		e.Desc = goString(p)
	}
	return e
}

// goString copies the NUL-terminated C string at p into a Go string. p points to
// memory Go does not manage (the driver's static strings), so it is read byte by byte.
func goString(p *byte) string {
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}

// cString returns b's bytes followed by a NUL, as a new slice.
func cString(b []byte) []byte {
	c := make([]byte, len(b)+1)
	copy(c, b)
	return c
}
