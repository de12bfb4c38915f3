package cuda

import (
	"sort"
	"strings"
	"sync"
	"unsafe"

	"github.com/gradcheck/gradcheck/gpu/cuda/internal/fakeblas"
)

// fakeGPU is a CUDA driver written in Go. Device memory is a map from fake addresses to
// byte slices; the current context is kept per OS thread, so calls made from a thread
// without one fail as they would on a real driver. Errors are injected per function.
type fakeGPU struct {
	mu sync.Mutex

	version int32
	names   []string // one per device
	total   uint64   // bytes of device memory
	major   int32
	minor   int32
	sms     int32

	fail map[string]result // function name → result it returns from now on

	used     uint64
	mem      map[uint64][]byte
	next     uint64
	retained map[int32]int
	current  map[int]uintptr // OS thread → current context
	handles  uintptr
	modules  map[uintptr][]string // module → entry names
	funcs    map[uintptr]string   // function → name
	sigs     map[string][]int     // kernel name → parameter sizes in bytes
	impls    map[string]func(f *fakeGPU, args []uint64)
	launches []fakeLaunch
	jitLog   string // written to the error log when a module fails to compile

	blas fakeBLAS
}

type fakeLaunch struct {
	name         string
	grid, block  [3]uint32
	sharedBytes  uint32
	args         []uint64 // each parameter's bytes, zero-extended
	paramsWasNil bool
}

func newFakeGPU() *fakeGPU {
	return &fakeGPU{
		version:  13000,
		names:    []string{"Fake H100"},
		total:    1 << 30,
		major:    9,
		sms:      132,
		fail:     map[string]result{},
		mem:      map[uint64][]byte{},
		next:     0x7f0000000000,
		retained: map[int32]int{},
		current:  map[int]uintptr{},
		handles:  0x1000,
		modules:  map[uintptr][]string{},
		funcs:    map[uintptr]string{},
		sigs:     map[string][]int{},
		impls:    map[string]func(*fakeGPU, []uint64){},
	}
}

// Result codes the fake returns, and the names and descriptions it gives them.
const (
	fakeInvalidContext result = 201
	fakeStubLibrary    result = 34
)

var fakeErrorNames = map[result][2]string{
	1:   {"CUDA_ERROR_INVALID_VALUE", "invalid argument"},
	2:   {"CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
	3:   {"CUDA_ERROR_NOT_INITIALIZED", "initialization error"},
	34:  {"CUDA_ERROR_STUB_LIBRARY", "CUDA driver is a stub library"},
	100: {"CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"},
	101: {"CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"},
	201: {"CUDA_ERROR_INVALID_CONTEXT", "invalid device context"},
	218: {"CUDA_ERROR_INVALID_PTX", "a PTX JIT compilation failed"},
	222: {"CUDA_ERROR_UNSUPPORTED_PTX_VERSION", "the provided PTX was compiled with an unsupported toolchain."},
	500: {"CUDA_ERROR_NOT_FOUND", "named symbol not found"},
	700: {"CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered"},
}

// cStrings holds the C strings handed out by cuGetErrorName/String; like the driver's
// static strings, they live for the whole process.
var cStrings sync.Map // string → []byte

func staticCString(s string) *byte {
	b, _ := cStrings.LoadOrStore(s, append([]byte(s), 0))
	return &b.([]byte)[0]
}

// injected returns the injected result for fn, if any.
func (f *fakeGPU) injected(fn string) (result, bool) {
	r, ok := f.fail[fn]
	return r, ok
}

// needCtx reports whether the calling thread has a current context.
func (f *fakeGPU) needCtx() bool { return f.current[gettid()] != 0 }

// region returns the n bytes of fake device memory at p, or nil if they are not all
// inside one allocation.
func (f *fakeGPU) region(p, n uint64) []byte {
	for base, b := range f.mem {
		if p >= base && p+n <= base+uint64(len(b)) {
			return b[p-base : p-base+n]
		}
	}
	return nil
}

// driver returns the function table that calls into the fake.
func (f *fakeGPU) driver() *Driver {
	// call wraps a fake entry point: it locks the fake, returns an injected result if
	// there is one, and checks for a current context where the real call needs one.
	call := func(name string, ctx bool, body func() result) result {
		f.mu.Lock()
		defer f.mu.Unlock()
		if r, ok := f.injected(name); ok {
			return r
		}
		if ctx && !f.needCtx() {
			return fakeInvalidContext
		}
		return body()
	}
	return &Driver{
		CuInit: func(uint32) result { return call("cuInit", false, func() result { return success }) },
		CuDriverGetVersion: func(v *int32) result {
			return call("cuDriverGetVersion", false, func() result { *v = f.version; return success })
		},
		CuDeviceGetCount: func(n *int32) result {
			return call("cuDeviceGetCount", false, func() result { *n = int32(len(f.names)); return success })
		},
		CuDeviceGet: func(dev *int32, ordinal int32) result {
			return call("cuDeviceGet", false, func() result {
				if ordinal < 0 || int(ordinal) >= len(f.names) {
					return 101
				}
				*dev = ordinal
				return success
			})
		},
		CuDeviceGetName: func(name *byte, size int32, dev int32) result {
			return call("cuDeviceGetName", false, func() result {
				b := unsafe.Slice(name, size)
				n := copy(b[:size-1], f.names[dev])
				b[n] = 0
				return success
			})
		},
		CuDeviceGetAttribute: func(v *int32, attr int32, dev int32) result {
			return call("cuDeviceGetAttribute", false, func() result {
				switch attr {
				case attrComputeMajor:
					*v = f.major
				case attrComputeMinor:
					*v = f.minor
				case attrMultiprocessorCount:
					*v = f.sms
				default:
					return 1
				}
				return success
			})
		},
		CuDevicePrimaryCtxRetain: func(ctx *uintptr, dev int32) result {
			return call("cuDevicePrimaryCtxRetain", false, func() result {
				f.retained[dev]++
				*ctx = 0xc0000 + uintptr(dev)
				return success
			})
		},
		CuDevicePrimaryCtxRelease_v2: func(dev int32) result {
			return call("cuDevicePrimaryCtxRelease_v2", false, func() result {
				if f.retained[dev] == 0 {
					return fakeInvalidContext
				}
				f.retained[dev]--
				return success
			})
		},
		CuCtxSetCurrent: func(ctx uintptr) result {
			return call("cuCtxSetCurrent", false, func() result {
				if ctx == 0 {
					delete(f.current, gettid())
				} else {
					f.current[gettid()] = ctx
				}
				return success
			})
		},
		CuCtxSynchronize: func() result { return call("cuCtxSynchronize", true, func() result { return success }) },
		CuModuleLoadDataEx: func(mod *uintptr, image *byte, n uint32, opts *int32, vals *uintptr) result {
			return call("cuModuleLoadDataEx", true, func() result {
				src := goString(image)
				if strings.Contains(src, "SYNTAX ERROR") {
					f.writeJITLog(n, opts, vals)
					return 218
				}
				var entries []string
				for _, line := range strings.Split(src, "\n") {
					if _, after, ok := strings.Cut(line, ".entry "); ok {
						name, _, _ := strings.Cut(after, "(")
						entries = append(entries, strings.TrimSpace(name))
					}
				}
				f.handles++
				f.modules[f.handles] = entries
				*mod = f.handles
				return success
			})
		},
		CuModuleGetFunction: func(fn *uintptr, mod uintptr, name string) result {
			return call("cuModuleGetFunction", true, func() result {
				entries, ok := f.modules[mod]
				if !ok {
					return 400
				}
				for _, e := range entries {
					if e == name {
						f.handles++
						f.funcs[f.handles] = name
						*fn = f.handles
						return success
					}
				}
				return 500
			})
		},
		CuModuleUnload: func(mod uintptr) result {
			return call("cuModuleUnload", true, func() result {
				if _, ok := f.modules[mod]; !ok {
					return 400
				}
				delete(f.modules, mod)
				return success
			})
		},
		CuMemAlloc_v2: func(p *uint64, n uint64) result {
			return call("cuMemAlloc_v2", true, func() result {
				if n == 0 {
					return 1
				}
				if f.used+n > f.total {
					return 2
				}
				f.used += n
				f.mem[f.next] = make([]byte, n)
				*p = f.next
				f.next += (n+511)/512*512 + 512 // a gap, so overruns are not silently in bounds
				return success
			})
		},
		CuMemFree_v2: func(p uint64) result {
			return call("cuMemFree_v2", true, func() result {
				b, ok := f.mem[p]
				if !ok {
					return 1
				}
				f.used -= uint64(len(b))
				delete(f.mem, p)
				return success
			})
		},
		CuMemcpyHtoD_v2: func(dst uint64, src unsafe.Pointer, n uint64) result {
			return call("cuMemcpyHtoD_v2", true, func() result {
				d := f.region(dst, n)
				if d == nil {
					return 1
				}
				copy(d, unsafe.Slice((*byte)(src), n))
				return success
			})
		},
		CuMemcpyDtoH_v2: func(dst unsafe.Pointer, src uint64, n uint64) result {
			return call("cuMemcpyDtoH_v2", true, func() result {
				s := f.region(src, n)
				if s == nil {
					return 1
				}
				copy(unsafe.Slice((*byte)(dst), n), s)
				return success
			})
		},
		CuMemcpyDtoD_v2: func(dst, src uint64, n uint64) result {
			return call("cuMemcpyDtoD_v2", true, func() result {
				d, s := f.region(dst, n), f.region(src, n)
				if d == nil || s == nil {
					return 1
				}
				copy(d, s)
				return success
			})
		},
		CuMemsetD32_v2: func(dst uint64, v uint32, n uint64) result {
			return call("cuMemsetD32_v2", true, func() result {
				d := f.region(dst, 4*n)
				if d == nil {
					return 1
				}
				w := unsafe.Slice((*uint32)(unsafe.Pointer(&d[0])), n)
				for i := range w {
					w[i] = v
				}
				return success
			})
		},
		CuMemGetInfo_v2: func(free, total *uint64) result {
			return call("cuMemGetInfo_v2", true, func() result {
				*free, *total = f.total-f.used, f.total
				return success
			})
		},
		CuLaunchKernel: func(fn uintptr, gx, gy, gz, bx, by, bz, shared uint32, stream uintptr, params, extra unsafe.Pointer) result {
			return call("cuLaunchKernel", true, func() result {
				name, ok := f.funcs[fn]
				if !ok {
					return 400
				}
				l := fakeLaunch{name: name, grid: [3]uint32{gx, gy, gz}, block: [3]uint32{bx, by, bz}, sharedBytes: shared, paramsWasNil: params == nil}
				// Decode kernelParams as the driver does: pointer i points at a value
				// of the size of the kernel's parameter i.
				if sizes := f.sigs[name]; len(sizes) > 0 {
					ptrs := unsafe.Slice((*unsafe.Pointer)(params), len(sizes))
					for i, size := range sizes {
						var v uint64
						copy(unsafe.Slice((*byte)(unsafe.Pointer(&v)), 8), unsafe.Slice((*byte)(ptrs[i]), size))
						l.args = append(l.args, v)
					}
				}
				f.launches = append(f.launches, l)
				if impl := f.impls[name]; impl != nil {
					impl(f, l.args)
				}
				return success
			})
		},
		CuGetErrorName: func(code result, p **byte) result {
			if s, ok := fakeErrorNames[code]; ok {
				*p = staticCString(s[0])
				return success
			}
			return 1
		},
		CuGetErrorString: func(code result, p **byte) result {
			if s, ok := fakeErrorNames[code]; ok {
				*p = staticCString(s[1])
				return success
			}
			return 1
		},
		BLAS: func() (*BLASDriver, error) { return f.blasLib() },
	}
}

// writeJITLog writes f.jitLog into the error log buffer passed in cuModuleLoadDataEx's
// options, and the number of bytes written (with the NUL) into the size option, as the
// driver does.
func (f *fakeGPU) writeJITLog(n uint32, opts *int32, vals *uintptr) {
	o := unsafe.Slice(opts, n)
	v := unsafe.Slice(vals, n)
	var buf []byte
	sizeAt := -1
	for i := range o {
		switch o[i] {
		case jitErrorLogBuffer:
			// The value is a buffer address stored as a pointer-sized integer.
			p := *(*unsafe.Pointer)(unsafe.Pointer(&v[i]))
			buf = unsafe.Slice((*byte)(p), jitLogBytes)
		case jitErrorLogBufferBytes:
			sizeAt = i
		}
	}
	if buf == nil || sizeAt < 0 {
		return
	}
	size := int(v[sizeAt])
	m := copy(buf[:size-1], f.jitLog)
	buf[m] = 0
	v[sizeAt] = uintptr(m + 1)
}

// live returns the fake's live allocation addresses, sorted.
func (f *fakeGPU) live() []uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ps []uint64
	for p := range f.mem {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
	return ps
}

// state returns the counts a closed context must have brought back to zero.
func (f *fakeGPU) state() (used uint64, retained, modules, blasHandles int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, n := range f.retained {
		retained += n
	}
	return f.used, retained, len(f.modules), len(f.blas.handles)
}

// setFail makes fn return r from now on (success clears it).
func (f *fakeGPU) setFail(fn string, r result) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r == success {
		delete(f.fail, fn)
	} else {
		f.fail[fn] = r
	}
}

// fakeBLAS is a cuBLAS written in Go over the fake's device memory, column-major as
// cuBLAS is.
type fakeBLAS struct {
	unavailable error            // returned by loadBLAS when set
	fail        map[string]int32 // function → status it returns
	handles     map[uintptr]int32
	next        uintptr
}

func (f *fakeGPU) blasLib() (*BLASDriver, error) {
	if f.blas.unavailable != nil {
		return nil, f.blas.unavailable
	}
	b := &f.blas
	call := func(name string, body func() int32) int32 {
		f.mu.Lock()
		defer f.mu.Unlock()
		if s, ok := b.fail[name]; ok {
			return s
		}
		return body()
	}
	return &BLASDriver{
		CublasCreate_v2: func(h *uintptr) int32 {
			return call("cublasCreate_v2", func() int32 {
				if b.handles == nil {
					b.handles = map[uintptr]int32{}
				}
				b.next++
				b.handles[b.next] = 0
				*h = b.next
				return 0
			})
		},
		CublasDestroy_v2: func(h uintptr) int32 {
			return call("cublasDestroy_v2", func() int32 {
				if _, ok := b.handles[h]; !ok {
					return 1
				}
				delete(b.handles, h)
				return 0
			})
		},
		CublasSetStream_v2: func(h uintptr, s uintptr) int32 {
			return call("cublasSetStream_v2", func() int32 { return 0 })
		},
		CublasSetMathMode: func(h uintptr, mode int32) int32 {
			return call("cublasSetMathMode", func() int32 { b.handles[h] = mode; return 0 })
		},
		CublasDgemm_v2: func(h uintptr, ta, tb, m, n, k int32, alpha *float64, a uint64, lda int32, bm uint64, ldb int32, beta *float64, c uint64, ldc int32) int32 {
			return call("cublasDgemm_v2", func() int32 {
				return fakeblas.Gemm(fakeView[float64](f), ta, tb, m, n, k, *alpha, a, lda, bm, ldb, *beta, c, ldc)
			})
		},
		CublasSgemm_v2: func(h uintptr, ta, tb, m, n, k int32, alpha *float32, a uint64, lda int32, bm uint64, ldb int32, beta *float32, c uint64, ldc int32) int32 {
			return call("cublasSgemm_v2", func() int32 {
				return fakeblas.Gemm(fakeView[float32](f), ta, tb, m, n, k, *alpha, a, lda, bm, ldb, *beta, c, ldc)
			})
		},
	}, nil
}

// openFake opens a context on a fresh fake GPU, closing it when the test ends.
func openFake(t interface {
	Helper()
	Fatal(...any)
	Cleanup(func())
}) (*Context, *fakeGPU) {
	t.Helper()
	f := newFakeGPU()
	c, err := open(f.driver(), 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, f
}

// fakeSlice returns a function that views fake device memory at p as a []T of n
// elements, or nil if they are not all inside one allocation.
func fakeSlice[T float32 | float64](f *fakeGPU) func(p uint64, n int) []T {
	return func(p uint64, n int) []T {
		var z T
		b := f.region(p, uint64(n)*uint64(unsafe.Sizeof(z)))
		if b == nil {
			return nil
		}
		return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n)
	}
}

// fakeView is fakeSlice for fakeblas.Gemm.
func fakeView[T float32 | float64](f *fakeGPU) func(p uint64, n int) ([]T, bool) {
	slice := fakeSlice[T](f)
	return func(p uint64, n int) ([]T, bool) {
		s := slice(p, n)
		return s, s != nil
	}
}
