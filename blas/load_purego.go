//go:build (darwin || linux) && (amd64 || arm64)

package blas

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"unsafe"

	"github.com/ebitengine/purego"
)

// The products are called through the Fortran interface, dgemm_ and
// sgemm_, whose arguments are all pointers (and two trailing string lengths):
// purego.SyscallN passes integer arguments by the platform's C convention
// without allocating, whereas purego.RegisterFunc, which the CBLAS
// interface's floating-point alpha and beta would need, costs a reflective
// call and 12 allocations each time. (SyscallN copies each of its first
// eight arguments into both an integer and a floating-point register, which
// is harmless here: no argument is floating-point.) A library must also
// export cblas_dgemm, the mark of an optimised BLAS: the reference BLAS has
// dgemm_ but no CBLAS and is slower than gonum. Symbols are looked up with
// Dlsym; the one-off OpenBLAS queries are bound with RegisterFunc rather than
// RegisterLibFunc, which panics on a missing symbol.

// candidates lists the libraries tried, in order, by a search.
func candidates() []string {
	switch runtime.GOOS {
	case "darwin":
		return []string{
			"/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
			"/usr/local/opt/openblas/lib/libopenblas.dylib",
			"libopenblas.dylib",
			"/System/Library/Frameworks/Accelerate.framework/Accelerate",
		}
	case "linux":
		names := []string{
			"libopenblas.so.0",  // Debian, Ubuntu, Arch (pthread flavour chosen by alternatives)
			"libopenblasp.so.0", // Fedora, pthread flavour
			"libopenblas.so",
		}
		// Debian's flavours before alternatives point at them.
		for _, flavour := range []string{"openblas-pthread", "openblas-openmp", "openblas-serial"} {
			m, _ := filepath.Glob("/usr/lib/*-linux-gnu/" + flavour + "/libopenblas.so.0")
			names = append(names, m...)
		}
		return append(names,
			"libblis.so.4",
			"libcblas.so.3",
			"libblas.so.3", // has cblas_* only where it is OpenBLAS or BLIS
		)
	}
	return nil
}

// open loads the CBLAS library at path.
func open(path string) (*library, error) {
	if path == "" {
		return nil, &unavailableError{reason: "empty library path"}
	}
	h, err := purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return nil, &unavailableError{reason: "cannot load " + path, err: err}
	}
	l := &library{info: Info{Library: "CBLAS", Path: path}}
	for _, f := range []struct {
		sym  *uintptr
		name string
	}{
		{nil, "cblas_dgemm"},
		{&l.dgemm, "dgemm_"},
		{&l.sgemm, "sgemm_"},
	} {
		sym, err := purego.Dlsym(h, f.name)
		if err != nil {
			// Nothing of h is bound yet, so closing it is safe.
			purego.Dlclose(h)
			return nil, &unavailableError{reason: fmt.Sprintf("%s has no %s", path, f.name), err: err}
		}
		if f.sym != nil {
			*f.sym = sym
		}
	}
	if sym, err := purego.Dlsym(h, "openblas_get_config"); err == nil {
		var config func() string
		purego.RegisterFunc(&config, sym)
		l.info.Library = "OpenBLAS"
		l.info.Config = strings.TrimSpace(config())
		if f := strings.Fields(l.info.Config); len(f) > 1 && f[0] == "OpenBLAS" {
			l.info.Version = f[1]
		}
	}
	if sym, err := purego.Dlsym(h, "openblas_get_corename"); err == nil {
		var corename func() string
		purego.RegisterFunc(&corename, sym)
		l.info.Core = strings.TrimSpace(corename())
	}
	if sym, err := purego.Dlsym(h, "openblas_get_num_threads"); err == nil {
		purego.RegisterFunc(&l.getThreads, sym)
	}
	if sym, err := purego.Dlsym(h, "openblas_set_num_threads"); err == nil {
		purego.RegisterFunc(&l.setThreads, sym)
	}
	if sym, err := purego.Dlsym(h, "cblas_dgemm"); err == nil {
		if p := objectPath(sym); p != "" {
			l.info.Path = p
		}
	}
	return l, nil
}

// dlInfo is C's Dl_info.
type dlInfo struct {
	fname *byte
	fbase uintptr
	sname *byte
	saddr uintptr
}

// objectPath returns the path of the loaded object holding addr, as the
// dynamic loader found it, or "" where dladdr is missing or fails.
func objectPath(addr uintptr) string {
	sym, err := purego.Dlsym(purego.RTLD_DEFAULT, "dladdr")
	if err != nil {
		return ""
	}
	var dladdr func(addr uintptr, info *dlInfo) int32
	purego.RegisterFunc(&dladdr, sym)
	var info dlInfo
	if dladdr(addr, &info) == 0 || info.fname == nil {
		return ""
	}
	n := 0
	for *(*byte)(unsafe.Add(unsafe.Pointer(info.fname), n)) != 0 {
		n++
	}
	return strings.Clone(unsafe.String(info.fname, n))
}

// callGemm calls the Fortran dgemm_ or sgemm_ at fn with the arguments in
// p.args (see gemmArgs). p stays reachable, and with it the matrices, until
// the call returns.
func callGemm(fn uintptr, p *gemmArgs) {
	purego.SyscallN(fn, p.args[:]...)
	runtime.KeepAlive(p)
}
