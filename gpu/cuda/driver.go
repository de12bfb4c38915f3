package cuda

import (
	"fmt"
	"unsafe"

	"github.com/ebitengine/purego"
)

// result is a CUresult.
type result = int32

const success result = 0

// symbols lists every field of d with the library symbol it binds to.
func (d *Driver) symbols() []symbol {
	return []symbol{
		{"cuInit", &d.CuInit},
		{"cuDriverGetVersion", &d.CuDriverGetVersion},
		{"cuDeviceGetCount", &d.CuDeviceGetCount},
		{"cuDeviceGet", &d.CuDeviceGet},
		{"cuDeviceGetName", &d.CuDeviceGetName},
		{"cuDeviceGetAttribute", &d.CuDeviceGetAttribute},
		{"cuDevicePrimaryCtxRetain", &d.CuDevicePrimaryCtxRetain},
		{"cuDevicePrimaryCtxRelease_v2", &d.CuDevicePrimaryCtxRelease_v2},
		{"cuCtxSetCurrent", &d.CuCtxSetCurrent},
		{"cuCtxSynchronize", &d.CuCtxSynchronize},
		{"cuModuleLoadDataEx", &d.CuModuleLoadDataEx},
		{"cuModuleGetFunction", &d.CuModuleGetFunction},
		{"cuModuleUnload", &d.CuModuleUnload},
		{"cuMemAlloc_v2", &d.CuMemAlloc_v2},
		{"cuMemFree_v2", &d.CuMemFree_v2},
		{"cuMemcpyHtoD_v2", &d.CuMemcpyHtoD_v2},
		{"cuMemcpyDtoH_v2", &d.CuMemcpyDtoH_v2},
		{"cuMemcpyDtoD_v2", &d.CuMemcpyDtoD_v2},
		{"cuMemsetD32_v2", &d.CuMemsetD32_v2},
		{"cuMemGetInfo_v2", &d.CuMemGetInfo_v2},
		{"cuLaunchKernel", &d.CuLaunchKernel},
		{"cuGetErrorName", &d.CuGetErrorName},
		{"cuGetErrorString", &d.CuGetErrorString},
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
func (d *Driver) check(fn string, r result) error {
	if r == success {
		return nil
	}
	return d.newError(fn, r)
}

func (d *Driver) newError(fn string, r result) *Error {
	e := &Error{Code: int(r), Func: fn}
	var p *byte
	if d.CuGetErrorName != nil && d.CuGetErrorName(r, &p) == success && p != nil {
		e.Name = goString(p)
	} else {
		e.Name = fmt.Sprintf("CUDA_ERROR_%d", r)
	}
	p = nil
	if d.CuGetErrorString != nil && d.CuGetErrorString(r, &p) == success && p != nil {
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
