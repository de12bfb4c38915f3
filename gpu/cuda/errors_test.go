package cuda

import (
	"errors"
	"strings"
	"testing"
)

func TestErrorTranslation(t *testing.T) {
	t.Parallel()
	d := newFakeGPU().driver()
	for _, tc := range []struct {
		name string
		code result
		want Error
		msg  string
	}{
		{
			name: "known code gets name and description",
			code: 2,
			want: Error{Code: 2, Name: "CUDA_ERROR_OUT_OF_MEMORY", Desc: "out of memory", Func: "cuMemAlloc_v2"},
			msg:  "cuda: cuMemAlloc_v2: CUDA_ERROR_OUT_OF_MEMORY (2): out of memory",
		},
		{
			name: "code the driver cannot name",
			code: 12345,
			want: Error{Code: 12345, Name: "CUDA_ERROR_12345", Func: "cuMemAlloc_v2"},
			msg:  "cuda: cuMemAlloc_v2: CUDA_ERROR_12345 (12345)",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := d.check("cuMemAlloc_v2", tc.code)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("check returned %T %v, want *Error", err, err)
			}
			if *e != tc.want {
				t.Errorf("error = %+v, want %+v", *e, tc.want)
			}
			if err.Error() != tc.msg {
				t.Errorf("message = %q, want %q", err.Error(), tc.msg)
			}
			if errors.Is(err, ErrUnavailable) {
				t.Errorf("a failed call is not unavailability: %v", err)
			}
		})
	}
	if err := d.check("cuInit", success); err != nil {
		t.Errorf("check(success) = %v, want nil", err)
	}
}

func TestUnavailableWraps(t *testing.T) {
	t.Parallel()
	cause := newFakeGPU().driver().check("cuInit", 100)
	err := unavailableErr(cause, "driver initialization failed")
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("errors.Is(%v, ErrUnavailable) = false", err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeNoDevice {
		t.Errorf("errors.As(%v, *Error) did not find code %d", err, CodeNoDevice)
	}
	want := "cuda: no usable GPU: driver initialization failed: cuInit: CUDA_ERROR_NO_DEVICE (100): no CUDA-capable device is detected"
	if err.Error() != want {
		t.Errorf("message = %q, want %q", err.Error(), want)
	}
	plain := unavailableErr(nil, "the driver sees no device")
	if !errors.Is(plain, ErrUnavailable) || !strings.HasSuffix(plain.Error(), ": the driver sees no device") {
		t.Errorf("unavailableErr(nil, ...) = %q", plain)
	}
}
