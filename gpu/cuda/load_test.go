package cuda

import (
	"errors"
	"runtime"
	"strings"
	"testing"
)

func TestOpenDriverMissingLibrary(t *testing.T) {
	t.Parallel()
	const name = "libgradcheck-no-such-library.so.1"
	_, err := openDriver(name)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("openDriver(%q) = %v, want an error wrapping ErrUnavailable", name, err)
	}
	if !strings.Contains(err.Error(), name) {
		t.Errorf("message %q does not name the library", err)
	}
}

// A library without the driver's symbols stands for a driver too old to have them:
// binding must fail with ErrUnavailable, not panic as RegisterLibFunc would.
func TestOpenDriverMissingSymbol(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("needs glibc's libc.so.6")
	}
	_, err := openDriver("libc.so.6")
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("openDriver(libc.so.6) = %v, want an error wrapping ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), "has no symbol cuInit") {
		t.Errorf("message %q does not name the missing symbol", err)
	}
}

func TestInitDriver(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		setup   func(f *fakeGPU)
		wantMsg string // "" means success
		code    int    // the *Error code wrapped, 0 if none
	}{
		{name: "usable", setup: func(*fakeGPU) {}},
		{
			name:    "cuInit fails",
			setup:   func(f *fakeGPU) { f.setFail("cuInit", 100) },
			wantMsg: "driver initialization failed: cuInit: CUDA_ERROR_NO_DEVICE (100)",
			code:    100,
		},
		{
			name:    "stub library",
			setup:   func(f *fakeGPU) { f.setFail("cuInit", fakeStubLibrary) },
			wantMsg: "CUDA_ERROR_STUB_LIBRARY",
			code:    int(fakeStubLibrary),
		},
		{
			name:    "no device",
			setup:   func(f *fakeGPU) { f.names = nil },
			wantMsg: "the driver sees no device",
		},
		{
			name:    "driver too old",
			setup:   func(f *fakeGPU) { f.version = 11080 },
			wantMsg: "driver version 11.8 (11080) is older than the 12.0 (12000) needed",
		},
		{
			name:    "version unreadable",
			setup:   func(f *fakeGPU) { f.setFail("cuDriverGetVersion", 3) },
			wantMsg: "cannot read the driver version",
			code:    3,
		},
		{
			name:    "device count fails",
			setup:   func(f *fakeGPU) { f.setFail("cuDeviceGetCount", 3) },
			wantMsg: "cannot count devices",
			code:    3,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeGPU()
			tc.setup(f)
			err := initDriver(f.driver())
			if tc.wantMsg == "" {
				if err != nil {
					t.Fatalf("initDriver = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrUnavailable) {
				t.Fatalf("initDriver = %v, want an error wrapping ErrUnavailable", err)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("message %q does not contain %q", err, tc.wantMsg)
			}
			var e *Error
			if got := errors.As(err, &e); got != (tc.code != 0) || (got && e.Code != tc.code) {
				t.Errorf("wrapped *Error = %v, want code %d", e, tc.code)
			}
		})
	}
}

// On this machine, whatever it has: the process-wide loader either works or says why not
// with ErrUnavailable, and every entry point agrees with it.
func TestAvailableHere(t *testing.T) {
	t.Parallel()
	err := Available()
	if err != nil && !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Available() = %v, which does not wrap ErrUnavailable", err)
	}
	t.Logf("Available() = %v", err)
	_, vErr := DriverVersion()
	_, nErr := DeviceCount()
	c, oErr := Open(0)
	if c != nil {
		defer c.Close()
	}
	if err != nil {
		for name, e := range map[string]error{"DriverVersion": vErr, "DeviceCount": nErr, "Open": oErr} {
			if !errors.Is(e, ErrUnavailable) {
				t.Errorf("%s = %v while Available() = %v", name, e, err)
			}
		}
	} else if vErr != nil || nErr != nil || oErr != nil {
		t.Errorf("Available() = nil but DriverVersion: %v, DeviceCount: %v, Open(0): %v", vErr, nErr, oErr)
	}
}

func TestOpenNoSuchDevice(t *testing.T) {
	t.Parallel()
	for _, ordinal := range []int{-1, 1} {
		f := newFakeGPU()
		_, err := open(f.driver(), ordinal)
		if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "the driver sees 1") {
			t.Errorf("open(ordinal %d) = %v, want ErrUnavailable naming the device count", ordinal, err)
		}
	}
}
