package fakedriver

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unsafe"

	"github.com/gradcheck/gradcheck/gpu/cuda"
	"github.com/gradcheck/gradcheck/gpu/cuda/internal/fakeblas"
)

// CUDA driver result codes the fake returns.
const (
	codeInvalidValue   int32 = 1
	codeOutOfMemory    int32 = 2
	codeInvalidDevice  int32 = 101
	codeInvalidContext int32 = 201
	codeInvalidHandle  int32 = 400
	codeNotFound       int32 = 500
	codeIllegalAddress int32 = 700
)

var errorNames = map[int32][2]string{
	1:   {"CUDA_ERROR_INVALID_VALUE", "invalid argument"},
	2:   {"CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
	3:   {"CUDA_ERROR_NOT_INITIALIZED", "initialization error"},
	100: {"CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"},
	101: {"CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"},
	201: {"CUDA_ERROR_INVALID_CONTEXT", "invalid device context"},
	400: {"CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"},
	500: {"CUDA_ERROR_NOT_FOUND", "named symbol not found"},
	700: {"CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered"},
}

// Device attributes (CUdevice_attribute) the fake answers.
const (
	attrMultiprocessorCount = 16
	attrComputeMajor        = 75
	attrComputeMinor        = 76
)

// cuBLAS constants (cublas_api.h).
const (
	blasStatusInternalError  = 14
	blasStatusNotInitialized = 1
)

// Kernel is the Go body of a kernel: it runs the whole grid of launch l, reading and
// writing device memory through m. An error faults the fake GPU.
type Kernel func(m Mem, l Launch) error

// Launch is one kernel launch as the driver received it.
type Launch struct {
	Name        string
	Grid, Block [3]uint32
	SharedBytes uint32
	// Args holds each parameter's bytes, zero-extended, in the sizes the PTX declares.
	Args []uint64
}

// Stats counts what a fake GPU was asked to do.
type Stats struct {
	HtoD, DtoH, DtoD   int    // copies
	HtoDBytes          uint64 // bytes copied to the device
	DtoHBytes          uint64 // bytes copied back
	Launches           int    // kernel launches
	BLASGemms          int    // cuBLAS Dgemm and Sgemm calls
	LaunchesPerKernel  map[string]int
	ModuleLoads, Syncs int
}

// GPU is a fake CUDA device with its driver. Its methods are safe for concurrent use.
type GPU struct {
	mu sync.Mutex

	version int32
	name    string
	total   uint64
	major   int32
	minor   int32
	sms     int32

	fail     map[string]int32 // driver function → result it returns from now on
	blasFail map[string]int32
	noBLAS   error
	fault    error // the first kernel fault; later calls fail with codeIllegalAddress

	used     uint64
	mem      map[uint64][]byte
	next     uint64
	retained int
	handles  uintptr
	modules  map[uintptr]map[string][]int // module → entry → parameter sizes
	funcs    map[uintptr]fn
	kernels  map[string]Kernel
	blas     map[uintptr]int32 // live cuBLAS handles → math mode
	stats    Stats
	trace    bool
	launches []Launch
}

type fn struct {
	name  string
	sizes []int
}

// New returns a fake device named "Fake H100" with 1 GiB of memory, a CUDA 13.0 driver,
// compute capability 9.0, 132 multiprocessors and no kernels (see [InstallKernels]).
func New() *GPU {
	return &GPU{
		version:  13000,
		name:     "Fake H100",
		total:    1 << 30,
		major:    9,
		sms:      132,
		fail:     map[string]int32{},
		blasFail: map[string]int32{},
		mem:      map[uint64][]byte{},
		next:     0x7f0000000000,
		modules:  map[uintptr]map[string][]int{},
		funcs:    map[uintptr]fn{},
		kernels:  map[string]Kernel{},
		blas:     map[uintptr]int32{},
		stats:    Stats{LaunchesPerKernel: map[string]int{}},
	}
}

// SetMemory sets the device's memory size in bytes.
func (g *GPU) SetMemory(total uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.total = total
}

// SetVersion sets the driver version the fake reports (1000·major + 10·minor).
func (g *GPU) SetVersion(v int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.version = int32(v)
}

// SetFail makes the driver function named fn (e.g. "cuMemAlloc_v2") return code from now
// on; code 0 clears it. cuBLAS functions ("cublasDgemm_v2") take cuBLAS status codes.
func (g *GPU) SetFail(fn string, code int32) {
	g.mu.Lock()
	defer g.mu.Unlock()
	m := g.fail
	if strings.HasPrefix(fn, "cublas") {
		m = g.blasFail
	}
	if code == 0 {
		delete(m, fn)
	} else {
		m[fn] = code
	}
}

// SetNoBLAS makes cuBLAS unavailable: loading it returns an error wrapping
// cuda.ErrUnavailable with the given reason. An empty reason makes it available again.
func (g *GPU) SetNoBLAS(reason string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.noBLAS = nil
	if reason != "" {
		g.noBLAS = fmt.Errorf("%w: %s", cuda.ErrUnavailable, reason)
	}
}

// Trace turns the recording of every launch on or off (see [GPU.Launches]).
func (g *GPU) Trace(on bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.trace = on
}

// Launches returns the launches recorded since tracing was turned on, and forgets them.
func (g *GPU) Launches() []Launch {
	g.mu.Lock()
	defer g.mu.Unlock()
	l := g.launches
	g.launches = nil
	return l
}

// Stats returns the counts so far.
func (g *GPU) Stats() Stats {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.stats
	s.LaunchesPerKernel = make(map[string]int, len(g.stats.LaunchesPerKernel))
	for k, v := range g.stats.LaunchesPerKernel {
		s.LaunchesPerKernel[k] = v
	}
	return s
}

// Fault returns what faulted the device (a kernel's out-of-bounds access or forbidden
// launch shape), or nil.
func (g *GPU) Fault() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.fault
}

// Used returns the bytes of device memory allocated and not freed.
func (g *GPU) Used() uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.used
}

// Live returns the number of allocations not freed.
func (g *GPU) Live() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.mem)
}

// Held returns the number of loaded modules, live cuBLAS handles and primary-context
// references: all zero once every context on the fake is closed.
func (g *GPU) Held() (modules, blasHandles, contexts int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.modules), len(g.blas), g.retained
}

// MathModes returns the math mode (cublasMath_t) of every live cuBLAS handle.
func (g *GPU) MathModes() []int32 {
	g.mu.Lock()
	defer g.mu.Unlock()
	var m []int32
	for _, v := range g.blas {
		m = append(m, v)
	}
	return m
}

// Define registers body as the kernel called name. Launching a kernel with no body faults
// the fake.
func (g *GPU) Define(name string, body Kernel) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.kernels[name] = body
}

// Open opens a cuda.Context on the fake device, through [cuda.OpenDriver].
func (g *GPU) Open() (*cuda.Context, error) { return cuda.OpenDriver(g.Driver(), 0) }

// Read copies n elements of device memory at p, or returns an error if they are not all
// inside one allocation. Call it when no work is running on the fake.
func Read[T Elem](g *GPU, p uint64, n int) ([]T, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	v, err := View[T](Mem{g}, p, n)
	if err != nil {
		return nil, err
	}
	return append([]T(nil), v...), nil
}

// Elem is the set of element types device memory is viewed as.
type Elem interface {
	float32 | float64 | int32
}

// Mem is device memory as a kernel body sees it.
type Mem struct{ g *GPU }

// View returns the n elements of device memory at p as a slice that aliases it, or an
// error if they are not all inside one allocation.
func View[T Elem](m Mem, p uint64, n int) ([]T, error) {
	var z T
	size := uint64(unsafe.Sizeof(z))
	if n < 0 {
		return nil, fmt.Errorf("%d elements at %#x", n, p)
	}
	if n == 0 {
		return []T{}, nil
	}
	if p%size != 0 {
		return nil, fmt.Errorf("%#x is not aligned to %d bytes", p, size)
	}
	b := m.g.region(p, uint64(n)*size)
	if b == nil {
		return nil, fmt.Errorf("%d elements of %d bytes at %#x: outside every allocation", n, size, p)
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n), nil
}

// region returns the n bytes at p, or nil if they are not all inside one allocation.
// The caller holds g.mu.
func (g *GPU) region(p, n uint64) []byte {
	for base, b := range g.mem {
		if p >= base && p+n <= base+uint64(len(b)) && p+n >= p {
			return b[p-base : p-base+n]
		}
	}
	return nil
}

// Driver returns the driver table that calls into the fake.
func (g *GPU) Driver() *cuda.Driver {
	// call runs body under the lock unless an injected failure, a fault or (when ctx is
	// set) the lack of a current context decides the result.
	call := func(name string, ctx bool, body func() int32) int32 {
		g.mu.Lock()
		defer g.mu.Unlock()
		if r, ok := g.fail[name]; ok {
			return r
		}
		if ctx && g.retained == 0 {
			return codeInvalidContext
		}
		if ctx && g.fault != nil {
			return codeIllegalAddress
		}
		return body()
	}
	ok := func() int32 { return 0 }
	return &cuda.Driver{
		CuInit: func(uint32) int32 { return call("cuInit", false, ok) },
		CuDriverGetVersion: func(v *int32) int32 {
			return call("cuDriverGetVersion", false, func() int32 { *v = g.version; return 0 })
		},
		CuDeviceGetCount: func(n *int32) int32 {
			return call("cuDeviceGetCount", false, func() int32 { *n = 1; return 0 })
		},
		CuDeviceGet: func(dev *int32, ordinal int32) int32 {
			return call("cuDeviceGet", false, func() int32 {
				if ordinal != 0 {
					return codeInvalidDevice
				}
				*dev = 0
				return 0
			})
		},
		CuDeviceGetName: func(name *byte, size int32, dev int32) int32 {
			return call("cuDeviceGetName", false, func() int32 {
				b := unsafe.Slice(name, size)
				n := copy(b[:size-1], g.name)
				b[n] = 0
				return 0
			})
		},
		CuDeviceGetAttribute: func(v *int32, attr int32, dev int32) int32 {
			return call("cuDeviceGetAttribute", false, func() int32 {
				switch attr {
				case attrComputeMajor:
					*v = g.major
				case attrComputeMinor:
					*v = g.minor
				case attrMultiprocessorCount:
					*v = g.sms
				default:
					return codeInvalidValue
				}
				return 0
			})
		},
		CuDevicePrimaryCtxRetain: func(ctx *uintptr, dev int32) int32 {
			return call("cuDevicePrimaryCtxRetain", false, func() int32 {
				g.retained++
				*ctx = 0xc0000
				return 0
			})
		},
		CuDevicePrimaryCtxRelease_v2: func(dev int32) int32 {
			return call("cuDevicePrimaryCtxRelease_v2", false, func() int32 {
				if g.retained == 0 {
					return codeInvalidContext
				}
				g.retained--
				return 0
			})
		},
		CuCtxSetCurrent: func(ctx uintptr) int32 {
			// A context counts as current while it is retained, on every thread: cuda's
			// own tests check which thread makes the calls.
			return call("cuCtxSetCurrent", false, ok)
		},
		CuCtxSynchronize: func() int32 {
			return call("cuCtxSynchronize", true, func() int32 { g.stats.Syncs++; return 0 })
		},
		CuModuleLoadDataEx: func(mod *uintptr, image *byte, n uint32, opts *int32, vals *uintptr) int32 {
			return call("cuModuleLoadDataEx", true, func() int32 {
				entries, err := parsePTX(goString(image))
				if err != nil {
					return 218 // CUDA_ERROR_INVALID_PTX
				}
				g.handles++
				g.modules[g.handles] = entries
				g.stats.ModuleLoads++
				*mod = g.handles
				return 0
			})
		},
		CuModuleGetFunction: func(f *uintptr, mod uintptr, name string) int32 {
			return call("cuModuleGetFunction", true, func() int32 {
				entries, ok := g.modules[mod]
				if !ok {
					return codeInvalidHandle
				}
				sizes, ok := entries[name]
				if !ok {
					return codeNotFound
				}
				g.handles++
				g.funcs[g.handles] = fn{name: name, sizes: sizes}
				*f = g.handles
				return 0
			})
		},
		CuModuleUnload: func(mod uintptr) int32 {
			return call("cuModuleUnload", true, func() int32 {
				if _, ok := g.modules[mod]; !ok {
					return codeInvalidHandle
				}
				delete(g.modules, mod)
				return 0
			})
		},
		CuMemAlloc_v2: func(p *uint64, n uint64) int32 {
			return call("cuMemAlloc_v2", true, func() int32 {
				if n == 0 {
					return codeInvalidValue
				}
				if g.used+n > g.total {
					return codeOutOfMemory
				}
				g.used += n
				g.mem[g.next] = make([]byte, n)
				*p = g.next
				g.next += (n+511)/512*512 + 512 // a gap, so that overruns fault
				return 0
			})
		},
		CuMemFree_v2: func(p uint64) int32 {
			return call("cuMemFree_v2", true, func() int32 {
				b, ok := g.mem[p]
				if !ok {
					return codeInvalidValue
				}
				g.used -= uint64(len(b))
				delete(g.mem, p)
				return 0
			})
		},
		CuMemcpyHtoD_v2: func(dst uint64, src unsafe.Pointer, n uint64) int32 {
			return call("cuMemcpyHtoD_v2", true, func() int32 {
				d := g.region(dst, n)
				if d == nil {
					return codeInvalidValue
				}
				copy(d, unsafe.Slice((*byte)(src), n))
				g.stats.HtoD++
				g.stats.HtoDBytes += n
				return 0
			})
		},
		CuMemcpyDtoH_v2: func(dst unsafe.Pointer, src uint64, n uint64) int32 {
			return call("cuMemcpyDtoH_v2", true, func() int32 {
				s := g.region(src, n)
				if s == nil {
					return codeInvalidValue
				}
				copy(unsafe.Slice((*byte)(dst), n), s)
				g.stats.DtoH++
				g.stats.DtoHBytes += n
				return 0
			})
		},
		CuMemcpyDtoD_v2: func(dst, src uint64, n uint64) int32 {
			return call("cuMemcpyDtoD_v2", true, func() int32 {
				d, s := g.region(dst, n), g.region(src, n)
				if d == nil || s == nil {
					return codeInvalidValue
				}
				copy(d, s)
				g.stats.DtoD++
				return 0
			})
		},
		CuMemsetD32_v2: func(dst uint64, v uint32, n uint64) int32 {
			return call("cuMemsetD32_v2", true, func() int32 {
				d := g.region(dst, 4*n)
				if d == nil {
					return codeInvalidValue
				}
				if n > 0 {
					w := unsafe.Slice((*uint32)(unsafe.Pointer(&d[0])), n)
					for i := range w {
						w[i] = v
					}
				}
				return 0
			})
		},
		CuMemGetInfo_v2: func(free, total *uint64) int32 {
			return call("cuMemGetInfo_v2", true, func() int32 {
				*free, *total = g.total-g.used, g.total
				return 0
			})
		},
		CuLaunchKernel: func(f uintptr, gx, gy, gz, bx, by, bz, shared uint32, stream uintptr, params, extra unsafe.Pointer) int32 {
			return call("cuLaunchKernel", true, func() int32 {
				k, ok := g.funcs[f]
				if !ok {
					return codeInvalidHandle
				}
				l := Launch{Name: k.name, Grid: [3]uint32{gx, gy, gz}, Block: [3]uint32{bx, by, bz}, SharedBytes: shared}
				if gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0 || bx*by*bz > 1024 {
					return codeInvalidValue
				}
				if len(k.sizes) > 0 {
					if params == nil {
						return codeInvalidValue
					}
					// Pointer i of kernelParams points at parameter i's value, of the size
					// the PTX declares.
					ptrs := unsafe.Slice((*unsafe.Pointer)(params), len(k.sizes))
					for i, size := range k.sizes {
						var v uint64
						copy(unsafe.Slice((*byte)(unsafe.Pointer(&v)), 8), unsafe.Slice((*byte)(ptrs[i]), size))
						l.Args = append(l.Args, v)
					}
				}
				g.stats.Launches++
				g.stats.LaunchesPerKernel[k.name]++
				if g.trace {
					g.launches = append(g.launches, l)
				}
				body := g.kernels[k.name]
				if body == nil {
					g.fault = fmt.Errorf("fakedriver: kernel %s has no Go body (see Define and InstallKernels)", k.name)
					return 0
				}
				if err := body(Mem{g}, l); err != nil {
					g.fault = fmt.Errorf("fakedriver: kernel %s: %w", k.name, err)
				}
				return 0 // launches are asynchronous: the fault shows at the next call
			})
		},
		CuGetErrorName: func(code int32, p **byte) int32 {
			if s, ok := errorNames[code]; ok {
				*p = staticCString(s[0])
				return 0
			}
			return codeInvalidValue
		},
		CuGetErrorString: func(code int32, p **byte) int32 {
			if s, ok := errorNames[code]; ok {
				*p = staticCString(s[1])
				return 0
			}
			return codeInvalidValue
		},
		BLAS: g.blasDriver,
	}
}

// cStrings holds the C strings handed out by cuGetErrorName and cuGetErrorString; like
// the driver's static strings, they live as long as the process.
var cStrings sync.Map // string → []byte

func staticCString(s string) *byte {
	b, _ := cStrings.LoadOrStore(s, append([]byte(s), 0))
	return &b.([]byte)[0]
}

// goString copies the NUL-terminated string at p.
func goString(p *byte) string {
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}

// parsePTX returns the entry points of a PTX module with the size in bytes of each of
// their parameters, read from the ".visible .entry name(" headers and the ".param .TYPE"
// lines that follow.
func parsePTX(src string) (map[string][]int, error) {
	entries := map[string][]int{}
	var cur string
	in := false
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if _, after, ok := strings.Cut(line, ".entry "); ok {
			name, _, _ := strings.Cut(after, "(")
			cur = strings.TrimSpace(name)
			entries[cur] = nil
			in = !strings.Contains(after, ")")
			continue
		}
		if !in {
			continue
		}
		if strings.HasPrefix(line, ")") {
			in = false
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 || f[0] != ".param" {
			return nil, fmt.Errorf("entry %s: unexpected parameter line %q", cur, line)
		}
		var size int
		switch strings.TrimPrefix(f[1], ".") {
		case "u32", "s32", "b32", "f32":
			size = 4
		case "u64", "s64", "b64", "f64":
			size = 8
		default:
			return nil, fmt.Errorf("entry %s: parameter type %q", cur, f[1])
		}
		entries[cur] = append(entries[cur], size)
	}
	if len(entries) == 0 {
		return nil, errors.New("no entry points")
	}
	return entries, nil
}

// Entries returns the names of the kernels registered with Define, sorted.
func (g *GPU) Entries() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	var names []string
	for n := range g.kernels {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// blasDriver returns the fake cuBLAS: column-major GEMMs computed in the plain order.
func (g *GPU) blasDriver() (*cuda.BLASDriver, error) {
	g.mu.Lock()
	noBLAS := g.noBLAS
	g.mu.Unlock()
	if noBLAS != nil {
		return nil, noBLAS
	}
	call := func(name string, body func() int32) int32 {
		g.mu.Lock()
		defer g.mu.Unlock()
		if s, ok := g.blasFail[name]; ok {
			return s
		}
		return body()
	}
	gemm := func(h uintptr, body func() int32) int32 {
		if _, ok := g.blas[h]; !ok {
			return blasStatusNotInitialized
		}
		if g.fault != nil {
			return blasStatusInternalError
		}
		g.stats.BLASGemms++
		return body()
	}
	return &cuda.BLASDriver{
		CublasCreate_v2: func(h *uintptr) int32 {
			return call("cublasCreate_v2", func() int32 {
				g.handles++
				g.blas[g.handles] = 0
				*h = g.handles
				return 0
			})
		},
		CublasDestroy_v2: func(h uintptr) int32 {
			return call("cublasDestroy_v2", func() int32 {
				if _, ok := g.blas[h]; !ok {
					return blasStatusNotInitialized
				}
				delete(g.blas, h)
				return 0
			})
		},
		CublasSetStream_v2: func(h uintptr, s uintptr) int32 {
			return call("cublasSetStream_v2", func() int32 { return 0 })
		},
		CublasSetMathMode: func(h uintptr, mode int32) int32 {
			return call("cublasSetMathMode", func() int32 { g.blas[h] = mode; return 0 })
		},
		CublasDgemm_v2: func(h uintptr, ta, tb, m, n, k int32, alpha *float64, a uint64, lda int32, b uint64, ldb int32, beta *float64, c uint64, ldc int32) int32 {
			return call("cublasDgemm_v2", func() int32 {
				return gemm(h, func() int32 {
					return fakeblas.Gemm(gemmView[float64](Mem{g}), ta, tb, m, n, k, *alpha, a, lda, b, ldb, *beta, c, ldc)
				})
			})
		},
		CublasSgemm_v2: func(h uintptr, ta, tb, m, n, k int32, alpha *float32, a uint64, lda int32, b uint64, ldb int32, beta *float32, c uint64, ldc int32) int32 {
			return call("cublasSgemm_v2", func() int32 {
				return gemm(h, func() int32 {
					return fakeblas.Gemm(gemmView[float32](Mem{g}), ta, tb, m, n, k, *alpha, a, lda, b, ldb, *beta, c, ldc)
				})
			})
		},
	}, nil
}

// gemmView adapts [View] to fakeblas.Gemm.
func gemmView[T float32 | float64](mem Mem) func(p uint64, n int) ([]T, bool) {
	return func(p uint64, n int) ([]T, bool) {
		s, err := View[T](mem, p, n)
		return s, err == nil
	}
}
