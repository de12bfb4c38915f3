package blas

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

func TestLoadFromUnavailable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, path, reason string
		linuxOnly          bool
	}{
		{name: "empty path", path: "", reason: "empty library path"},
		{name: "no such file", path: "/nonexistent/libgradcheck-bogus.so", reason: "cannot load /nonexistent/libgradcheck-bogus.so"},
		{name: "not a library", path: "/etc/hostname", reason: "cannot load /etc/hostname", linuxOnly: true},
		{name: "library without CBLAS", path: "libm.so.6", reason: "libm.so.6 has no cblas_dgemm", linuxOnly: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.linuxOnly && runtime.GOOS != "linux" {
				t.Skip("path exists only on Linux")
			}
			before := active.Load()
			info, err := LoadFrom(tc.path)
			if !errors.Is(err, ErrUnavailable) {
				t.Fatalf("LoadFrom(%q) error %v, want one wrapping ErrUnavailable", tc.path, err)
			}
			if len(candidates()) > 0 && info.Reason != tc.reason {
				t.Errorf("Info.Reason %q, want %q", info.Reason, tc.reason)
			}
			if info.Library != "" || !strings.HasPrefix(info.String(), "gonum pure Go (") {
				t.Errorf("Info %+v (%v) describes a library, want the pure Go fallback", info, info)
			}
			if active.Load() != before {
				t.Errorf("failed LoadFrom changed the library in use")
			}
		})
	}
}

func TestLoadEnv(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		value, reason string
	}{
		{"go", "GRADCHECK_BLAS=go"},
		{" go ", "GRADCHECK_BLAS=go"},
		{"/nonexistent/libgradcheck-bogus.so", "cannot load /nonexistent/libgradcheck-bogus.so"},
	} {
		l, err := loadEnv(tc.value)
		if l != nil || !errors.Is(err, ErrUnavailable) {
			t.Errorf("loadEnv(%q) = %v, %v, want nil and an error wrapping ErrUnavailable", tc.value, l, err)
			continue
		}
		if len(candidates()) > 0 && reason(err) != tc.reason {
			t.Errorf("loadEnv(%q) reason %q, want %q", tc.value, reason(err), tc.reason)
		}
	}
	// The search finds the library Load found, or fails like it, unless
	// the environment chose for Load.
	if v := strings.TrimSpace(os.Getenv(EnvVar)); v != "" && v != "auto" {
		t.Logf("%s=%s: not comparing a search with Load", EnvVar, v)
		return
	}
	for _, v := range []string{"", "auto"} {
		l, err := loadEnv(v)
		if (l != nil) != Available() {
			t.Errorf("loadEnv(%q) = %v, %v, but Available() = %t", v, l, err, Available())
		}
		if err != nil && !errors.Is(err, ErrUnavailable) {
			t.Errorf("loadEnv(%q) error %v does not wrap ErrUnavailable", v, err)
		}
	}
}

// TestEnvGo runs this test binary again with GRADCHECK_BLAS=go, where Load,
// Use and Implementation must all fall back to pure Go.
func TestEnvGo(t *testing.T) {
	if os.Getenv("GRADCHECK_BLAS_TEST_CHILD") == "1" {
		info, err := Load()
		if !errors.Is(err, ErrUnavailable) || info.String() != "gonum pure Go (GRADCHECK_BLAS=go)" {
			t.Fatalf("Load() = %v, %v, want gonum pure Go (GRADCHECK_BLAS=go) and ErrUnavailable", info, err)
		}
		if Available() {
			t.Fatal("Available() with GRADCHECK_BLAS=go")
		}
		if err := SetThreads(1); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("SetThreads(1) error %v, want one wrapping ErrUnavailable", err)
		}
		return
	}
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a subprocess")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestEnvGo$", "-test.v")
	cmd.Env = append(os.Environ(), "GRADCHECK_BLAS_TEST_CHILD=1", EnvVar+"=go")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestEnvGo") {
		t.Fatalf("child with %s=go: %v\n%s", EnvVar, err, out)
	}
}

func TestSearchNone(t *testing.T) {
	t.Parallel()
	names := []string{"/nonexistent/libgradcheck-a.so", "/nonexistent/libgradcheck-b.so"}
	l, err := search(names)
	if l != nil || !errors.Is(err, ErrUnavailable) {
		t.Fatalf("search(%q) = %v, %v, want nil and an error wrapping ErrUnavailable", names, l, err)
	}
	if reason(err) != "no CBLAS library found" || !strings.Contains(err.Error(), strings.Join(names, ", ")) {
		t.Errorf("search error %q (reason %q): want reason %q and the names tried", err, reason(err), "no CBLAS library found")
	}
	if l, err := search(nil); l != nil || !errors.Is(err, ErrUnavailable) {
		t.Errorf("search(nil) = %v, %v, want nil and ErrUnavailable", l, err)
	}
}

func TestInfoString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		info Info
		want string
	}{
		{Info{}, "gonum pure Go"},
		{Info{Reason: "GRADCHECK_BLAS=go"}, "gonum pure Go (GRADCHECK_BLAS=go)"},
		{Info{Library: "OpenBLAS", Version: "0.3.21", Path: "/usr/lib/libopenblas.so.0", Threads: 2},
			"OpenBLAS 0.3.21 (/usr/lib/libopenblas.so.0, 2 threads)"},
		{Info{Library: "OpenBLAS", Version: "0.3.21", Path: "/usr/lib/libopenblas.so.0", Threads: 1},
			"OpenBLAS 0.3.21 (/usr/lib/libopenblas.so.0, 1 thread)"},
		{Info{Library: "OpenBLAS", Version: "0.3.21", Path: "/usr/lib/libopenblas.so.0", Core: "Haswell", Threads: 2},
			"OpenBLAS 0.3.21 (/usr/lib/libopenblas.so.0, Haswell kernels, 2 threads)"},
		{Info{Library: "CBLAS", Path: "libblis.so.4"}, "CBLAS (libblis.so.4)"},
	} {
		if got := tc.info.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.info, got, tc.want)
		}
	}
}

// TestLoadInfo checks what Load reports about a library it found.
func TestLoadInfo(t *testing.T) {
	t.Parallel()
	nativeOrSkip(t)
	info, err := Load()
	if err != nil {
		t.Fatalf("Load() error %v with a library in use", err)
	}
	t.Logf("BLAS: %v; config %q", info, info.Config)
	if info.Path == "" || info.Reason != "" {
		t.Errorf("Info %+v: want a path and no reason", info)
	}
	if info.Library == "OpenBLAS" && (info.Version == "" || info.Threads < 1) {
		t.Errorf("OpenBLAS Info %+v: want a version and a thread count", info)
	}
	if _, err := os.Stat(info.Path); err != nil && strings.ContainsRune(info.Path, '/') {
		t.Errorf("Info.Path %q: %v", info.Path, err)
	}
}
