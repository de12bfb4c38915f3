package blas

import (
	"errors"
	"testing"
)

// TestSetThreads is not parallel: it changes the library's thread count.
func TestSetThreads(t *testing.T) {
	if err := SetThreads(0); err == nil || errors.Is(err, ErrUnavailable) {
		t.Errorf("SetThreads(0) error %v, want a plain argument error", err)
	}
	l := nativeOrSkip(t)
	if l.setThreads == nil {
		if err := SetThreads(1); !errors.Is(err, ErrUnavailable) {
			t.Errorf("SetThreads(1) error %v without openblas_set_num_threads, want ErrUnavailable", err)
		}
		t.Skipf("%s has no openblas_set_num_threads", l.info.Path)
	}
	info, _ := Load()
	defer SetThreads(info.Threads)
	for _, n := range []int{1, 2} {
		if err := SetThreads(n); err != nil {
			t.Fatalf("SetThreads(%d): %v", n, err)
		}
		if got, _ := Load(); got.Threads != n {
			t.Errorf("after SetThreads(%d), Info.Threads = %d", n, got.Threads)
		}
	}
}
