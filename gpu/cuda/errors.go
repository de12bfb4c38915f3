package cuda

import (
	"errors"
	"fmt"
)

// ErrUnavailable is wrapped by every error that means there is no usable GPU here:
// libcuda or a symbol missing, cuInit failing, no device, or a driver that is too old.
// The wrapping error's message gives the reason.
var ErrUnavailable = errors.New("cuda: no usable GPU")

// ErrClosed is returned by [Context.Do] after [Context.Close].
var ErrClosed = errors.New("cuda: context closed")

// CUDA driver result codes that callers may want to test for. The full list is in the
// CUDA driver API's CUresult; [Error.Name] names any code.
const (
	CodeInvalidValue          = 1
	CodeOutOfMemory           = 2
	CodeNotInitialized        = 3
	CodeNoDevice              = 100
	CodeInvalidDevice         = 101
	CodeInvalidPTX            = 218
	CodeUnsupportedPTXVersion = 222
	CodeNotFound              = 500
	CodeIllegalAddress        = 700
	CodeLaunchFailed          = 719
)

// Error is a failed call into the CUDA driver or cuBLAS.
type Error struct {
	Code int    // the CUresult (driver) or cublasStatus_t (cuBLAS) value
	Name string // its symbolic name, e.g. "CUDA_ERROR_OUT_OF_MEMORY"
	Desc string // the driver's description (cuGetErrorString), may be empty
	Func string // the function that returned it, e.g. "cuMemAlloc_v2"
	Log  string // the JIT compiler's error log, set only by LoadModule
}

func (e *Error) Error() string { return "cuda: " + e.detail() }

// detail is the message without the package prefix, for use inside other messages.
func (e *Error) detail() string {
	s := fmt.Sprintf("%s: %s (%d)", e.Func, e.Name, e.Code)
	if e.Desc != "" {
		s += ": " + e.Desc
	}
	if e.Log != "" {
		s += "\n" + e.Log
	}
	return s
}

// unavailable is an error wrapping ErrUnavailable with a reason, and optionally the
// error that caused it (an *Error or a dlopen error).
type unavailable struct {
	reason string
	err    error
}

func (u *unavailable) Error() string {
	switch e := u.err.(type) {
	case nil:
		return ErrUnavailable.Error() + ": " + u.reason
	case *Error:
		return ErrUnavailable.Error() + ": " + u.reason + ": " + e.detail()
	default:
		return ErrUnavailable.Error() + ": " + u.reason + ": " + e.Error()
	}
}

func (u *unavailable) Unwrap() []error {
	if u.err == nil {
		return []error{ErrUnavailable}
	}
	return []error{ErrUnavailable, u.err}
}

func unavailableErr(err error, format string, args ...any) error {
	return &unavailable{reason: fmt.Sprintf(format, args...), err: err}
}
