package cuda

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func TestOpenReadsDevice(t *testing.T) {
	t.Parallel()
	c, _ := openFake(t)
	major, minor := c.ComputeCapability()
	got := fmt.Sprintf("%d %s %d.%d %d %d", c.Ordinal(), c.Name(), major, minor, c.Multiprocessors(), c.DriverVersion())
	if want := "0 Fake H100 9.0 132 13000"; got != want {
		t.Errorf("device = %q, want %q", got, want)
	}
	if want := "cuda device 0: Fake H100 (sm_90, driver 13.0 (13000))"; c.String() != want {
		t.Errorf("String() = %q, want %q", c.String(), want)
	}
}

// The fake keeps a current context per OS thread, so any driver call made off the
// context's locked thread fails with CUDA_ERROR_INVALID_CONTEXT. Many goroutines
// calling Do at once must all succeed, one function at a time.
func TestDoSerializesOnOneThread(t *testing.T) {
	t.Parallel()
	c, f := openFake(t)
	var inside, maxInside atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, 8*50)
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				errs <- c.Do(func(t *Thread) error {
					n := inside.Add(1)
					defer inside.Add(-1)
					if n > maxInside.Load() {
						maxInside.Store(n)
					}
					p, err := t.Alloc(8 * (g + i + 1))
					if err != nil {
						return err
					}
					if err := ToDevice(t, p, []float64{float64(g)}); err != nil {
						return err
					}
					return t.Free(p)
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if maxInside.Load() != 1 {
		t.Errorf("%d Do functions ran at once, want 1", maxInside.Load())
	}
	if live := f.live(); len(live) != 0 {
		t.Errorf("%d allocations left", len(live))
	}
}

// The fake itself must notice a call from a thread without the context, or the test
// above could not fail.
func TestFakeRejectsCallsOffTheContextThread(t *testing.T) {
	t.Parallel()
	_, f := openFake(t)
	var p uint64
	if r := f.driver().CuMemAlloc_v2(&p, 8); r != fakeInvalidContext {
		t.Errorf("cuMemAlloc_v2 from the test goroutine = %d, want %d", r, fakeInvalidContext)
	}
}

func TestDoAfterClose(t *testing.T) {
	t.Parallel()
	c, _ := openFake(t)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(func(*Thread) error { return nil }); !errors.Is(err, ErrClosed) {
		t.Errorf("Do after Close = %v, want ErrClosed", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
}

func TestDoReturnsError(t *testing.T) {
	t.Parallel()
	c, _ := openFake(t)
	want := errors.New("from f")
	if err := c.Do(func(*Thread) error { return want }); err != want {
		t.Errorf("Do = %v, want %v", err, want)
	}
}

func TestDoRepanicsAndSurvives(t *testing.T) {
	t.Parallel()
	c, _ := openFake(t)
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want boom", r)
			}
		}()
		c.Do(func(*Thread) error { panic("boom") })
		t.Error("Do did not re-panic")
	}()
	if err := c.Do(func(t *Thread) error { return t.Synchronize() }); err != nil {
		t.Errorf("Do after a panic = %v, want nil", err)
	}
}

func TestThreadOutsideDoPanics(t *testing.T) {
	t.Parallel()
	c, _ := openFake(t)
	var escaped *Thread
	c.Do(func(t *Thread) error { escaped = t; return nil })
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "outside Context.Do") {
			t.Errorf("recovered %v, want the outside-Do panic", r)
		}
	}()
	escaped.Alloc(8)
}

// Close gives back everything the context holds: memory, modules, the cuBLAS handle and
// the primary context.
func TestCloseReleasesEverything(t *testing.T) {
	t.Parallel()
	f := newFakeGPU()
	c, err := open(f.driver(), 0)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Do(func(t *Thread) error {
		for _, n := range []int{8, 1 << 10, 1 << 20} {
			if _, err := t.Alloc(n); err != nil {
				return err
			}
		}
		if _, err := t.LoadModule([]byte(".version 8.0\n.target sm_80\n.visible .entry k(\n")); err != nil {
			return err
		}
		_, err := t.BLAS()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	used, retained, modules, handles := f.state()
	if used == 0 || retained != 1 || modules != 1 || handles != 1 {
		t.Fatalf("before Close: used %d, retained %d, modules %d, cuBLAS handles %d", used, retained, modules, handles)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	used, retained, modules, handles = f.state()
	if used != 0 || retained != 0 || modules != 0 || handles != 0 {
		t.Errorf("after Close: used %d, retained %d, modules %d, cuBLAS handles %d; want all 0", used, retained, modules, handles)
	}
}

func TestCloseReportsFailures(t *testing.T) {
	t.Parallel()
	c, f := openFake(t)
	c.Do(func(t *Thread) error { _, err := t.Alloc(8); return err })
	f.setFail("cuMemFree_v2", 700)
	err := c.Close()
	var e *Error
	if !errors.As(err, &e) || e.Func != "cuMemFree_v2" || e.Code != CodeIllegalAddress {
		t.Errorf("Close = %v, want the cuMemFree_v2 failure", err)
	}
	if _, retained, _, _ := f.state(); retained != 0 {
		t.Errorf("primary context retained %d times after a failed Close, want 0", retained)
	}
}

func TestOpenFailuresReleaseContext(t *testing.T) {
	t.Parallel()
	for _, fn := range []string{"cuCtxSetCurrent", "cuDeviceGetName", "cuDeviceGetAttribute", "cuDevicePrimaryCtxRetain"} {
		f := newFakeGPU()
		f.setFail(fn, 3)
		_, err := open(f.driver(), 0)
		var e *Error
		if !errors.As(err, &e) || e.Func != fn {
			t.Errorf("open with %s failing = %v, want that *Error", fn, err)
		}
		if _, retained, _, _ := f.state(); retained != 0 {
			t.Errorf("open with %s failing left the primary context retained %d times", fn, retained)
		}
	}
}
