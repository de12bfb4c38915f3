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

// Purego binds the CBLAS functions through RegisterFunc, which follows the
// platform's C calling convention for mixed integer and floating-point
// arguments: cblas_dgemm's 12 integer and pointer arguments go to the six
// integer registers and six stack slots on amd64 (eight and four on arm64),
// and alpha and beta to the first two floating-point registers, within
// purego's limit of 32 arguments. purego.SyscallN cannot call it: it copies
// each of its first eight arguments into both an integer and a
// floating-point register, so alpha, the seventh argument, would not reach
// xmm0. Symbols are looked up with Dlsym and bound with RegisterFunc rather
// than RegisterLibFunc, which panics on a missing symbol.

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
		fn   any
		name string
	}{
		{&l.dgemm, "cblas_dgemm"},
		{&l.sgemm, "cblas_sgemm"},
	} {
		sym, err := purego.Dlsym(h, f.name)
		if err != nil {
			// Nothing of h is bound yet, so closing it is safe.
			purego.Dlclose(h)
			return nil, &unavailableError{reason: fmt.Sprintf("%s has no %s", path, f.name), err: err}
		}
		purego.RegisterFunc(f.fn, sym)
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
