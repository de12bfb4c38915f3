package blas

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
)

// ErrUnavailable is wrapped by every error that reports why no native BLAS
// library is in use.
var ErrUnavailable = errors.New("blas: native BLAS unavailable")

// EnvVar names the environment variable read by [Load]: "go" forces gonum's
// pure Go implementation, "" or "auto" searches the usual library names, and
// any other value is the one library file to load.
const EnvVar = "GRADCHECK_BLAS"

// Info describes the BLAS implementation in use.
type Info struct {
	// Library is "OpenBLAS" when the loaded library answers
	// openblas_get_config, "CBLAS" for any other library that exports
	// cblas_dgemm, and empty when none is loaded and gonum's pure Go
	// implementation does all the work.
	Library string
	// Version is the library's version where it reports one ("0.3.21").
	Version string
	// Path is the file the dynamic loader opened, or the name it was asked
	// for where the loader cannot say.
	Path string
	// Config is openblas_get_config's answer, verbatim, if the library
	// has that function.
	Config string
	// Core is the kernel set OpenBLAS uses, openblas_get_corename's answer
	// ("Haswell", "SkylakeX"), where the library has that function. Builds
	// with DYNAMIC_ARCH choose it for the CPU when loaded, or take it from
	// the environment variable OPENBLAS_CORETYPE; it decides the speed of
	// the products.
	Core string
	// Threads is openblas_get_num_threads's answer when Info was made, 0
	// where unknown.
	Threads int
	// Reason says, when Library is empty, why no library is in use.
	Reason string
}

// String renders i for version output: "OpenBLAS 0.3.21 (/usr/lib/x86_64-linux-gnu/libopenblas.so.0, 2 threads)",
// or "gonum pure Go (GRADCHECK_BLAS=go)".
func (i Info) String() string {
	if i.Library == "" {
		if i.Reason == "" {
			return "gonum pure Go"
		}
		return "gonum pure Go (" + i.Reason + ")"
	}
	var b strings.Builder
	b.WriteString(i.Library)
	if i.Version != "" {
		b.WriteString(" " + i.Version)
	}
	b.WriteString(" (" + i.Path)
	if i.Core != "" {
		b.WriteString(", " + i.Core + " kernels")
	}
	switch {
	case i.Threads == 1:
		b.WriteString(", 1 thread")
	case i.Threads > 1:
		fmt.Fprintf(&b, ", %d threads", i.Threads)
	}
	b.WriteString(")")
	return b.String()
}

// library is a loaded BLAS library. dgemm and sgemm are the addresses of
// its Fortran entry points dgemm_ and sgemm_ (see gemmArgs); the OpenBLAS
// functions are nil where the library lacks them. A library is never closed:
// calls may still be running in it.
type library struct {
	info Info

	dgemm, sgemm uintptr

	getThreads func() int32
	setThreads func(n int32)
}

// infoNow returns l's Info with the thread count read now.
func (l *library) infoNow() Info {
	i := l.info
	if l.getThreads != nil {
		i.Threads = int(l.getThreads())
	}
	return i
}

var (
	// active is the library in use; nil means pure Go.
	active atomic.Pointer[library]

	loadOnce sync.Once
	// loadErr is why the search made by loadOnce found nothing; it is
	// written inside loadOnce and read only after it.
	loadErr error
)

// Load loads the native library, once, as chosen by the GRADCHECK_BLAS
// environment variable (see the package documentation), and reports what is
// in use. If no library is in use, the Info describes the pure Go fallback
// and the error, which wraps [ErrUnavailable], says why. Later calls return
// the same answer, except that a successful [LoadFrom] replaces it.
func Load() (Info, error) {
	loadOnce.Do(func() {
		if active.Load() != nil {
			return // LoadFrom came first.
		}
		l, err := loadEnv(os.Getenv(EnvVar))
		if err != nil {
			loadErr = err
			return
		}
		active.CompareAndSwap(nil, l)
	})
	if l := active.Load(); l != nil {
		return l.infoNow(), nil
	}
	return Info{Reason: reason(loadErr)}, loadErr
}

// LoadFrom loads the CBLAS library at path, a file name for the dynamic
// loader's search or a path, and on success makes it the library in use in
// place of any loaded before. On failure the library in use is unchanged and
// the error wraps [ErrUnavailable].
func LoadFrom(path string) (Info, error) {
	l, err := open(path)
	if err != nil {
		return Info{Reason: reason(err)}, err
	}
	active.Store(l)
	loadOnce.Do(func() {}) // Load must not replace an explicit choice.
	return l.infoNow(), nil
}

// Available reports whether a native library is in use, loading it first if
// no load was tried yet.
func Available() bool {
	return current() != nil
}

// current returns the library in use, loading it on first use, or nil.
func current() *library {
	if l := active.Load(); l != nil {
		return l
	}
	Load()
	return active.Load()
}

// loadEnv loads the library chosen by the value of GRADCHECK_BLAS.
func loadEnv(v string) (*library, error) {
	switch strings.TrimSpace(v) {
	case "go":
		return nil, &unavailableError{reason: EnvVar + "=go"}
	case "", "auto":
		return search(candidates())
	default:
		return open(strings.TrimSpace(v))
	}
}

// search returns the first of names that opens as a CBLAS library.
func search(names []string) (*library, error) {
	if len(names) == 0 {
		return nil, &unavailableError{reason: "no CBLAS search list for this platform"}
	}
	var errs []error
	for _, name := range names {
		l, err := open(name)
		if err == nil {
			return l, nil
		}
		errs = append(errs, err)
	}
	return nil, &unavailableError{
		reason: "no CBLAS library found",
		detail: "tried " + strings.Join(names, ", "),
		err:    errors.Join(errs...),
	}
}

// unavailableError says why no library is in use. It wraps ErrUnavailable
// and the underlying causes.
type unavailableError struct {
	reason string // short, for Info.Reason
	detail string // optional, for the error message
	err    error  // optional cause
}

func (e *unavailableError) Error() string {
	s := ErrUnavailable.Error() + ": " + e.reason
	if e.detail != "" {
		s += " (" + e.detail + ")"
	}
	if e.err != nil && e.detail == "" {
		s += ": " + e.err.Error()
	}
	return s
}

func (e *unavailableError) Unwrap() []error {
	if e.err == nil {
		return []error{ErrUnavailable}
	}
	return []error{ErrUnavailable, e.err}
}

// reason returns the short reason carried by err.
func reason(err error) string {
	if e, ok := errors.AsType[*unavailableError](err); ok {
		return e.reason
	}
	if err == nil {
		return ""
	}
	return err.Error()
}
