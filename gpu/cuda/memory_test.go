package cuda

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func roundTrip[T Elem](t *testing.T, c *Context, src []T) {
	t.Helper()
	got := make([]T, len(src))
	err := c.Do(func(th *Thread) error {
		size := len(src) * sizeOf[T]()
		a, err := th.Alloc(size)
		if err != nil {
			return err
		}
		b, err := th.Alloc(size)
		if err != nil {
			return err
		}
		if err := ToDevice(th, a, src); err != nil {
			return err
		}
		if err := th.CopyDtoD(b, a, size); err != nil {
			return err
		}
		if err := FromDevice(th, got, b); err != nil {
			return err
		}
		return errors.Join(th.Free(a), th.Free(b))
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(src, got); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func sizeOf[T Elem]() int {
	var z T
	switch any(z).(type) {
	case float32, int32, uint32:
		return 4
	}
	return 8
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	c, f := openFake(t)
	rng := rand.New(rand.NewPCG(1, 1))
	f64 := make([]float64, 1000)
	f32 := make([]float32, 1001)
	i32 := make([]int32, 7)
	u64 := make([]uint64, 3)
	for i := range f64 {
		f64[i] = rng.NormFloat64()
	}
	for i := range f32 {
		f32[i] = float32(rng.NormFloat64())
	}
	for i := range i32 {
		i32[i] = rng.Int32() - math.MaxInt32/2
	}
	for i := range u64 {
		u64[i] = rng.Uint64()
	}
	// Edge values travel as bits.
	f64 = append(f64, math.Inf(-1), math.SmallestNonzeroFloat64, math.Copysign(0, -1))
	roundTrip(t, c, f64)
	roundTrip(t, c, f32)
	roundTrip(t, c, i32)
	roundTrip(t, c, u64)
	if live := f.live(); len(live) != 0 {
		t.Errorf("allocations left: %v", live)
	}
}

func TestMemsetD32(t *testing.T) {
	t.Parallel()
	c, _ := openFake(t)
	zeros := make([]float64, 5)
	halves := make([]float32, 6)
	err := c.Do(func(th *Thread) error {
		a, err := th.Alloc(8 * len(zeros))
		if err != nil {
			return err
		}
		b, err := th.Alloc(4 * len(halves))
		if err != nil {
			return err
		}
		if err := ToDevice(th, a, []float64{1, 2, 3, 4, 5}); err != nil {
			return err
		}
		if err := th.MemsetD32(a, 0, 2*len(zeros)); err != nil {
			return err
		}
		if err := th.MemsetD32(b, math.Float32bits(0.5), len(halves)); err != nil {
			return err
		}
		return errors.Join(FromDevice(th, zeros, a), FromDevice(th, halves, b))
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float64{0, 0, 0, 0, 0}, zeros); diff != "" {
		t.Errorf("zeroed float64 mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float32{0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, halves); diff != "" {
		t.Errorf("filled float32 mismatch (-want +got):\n%s", diff)
	}
}

// Free memory returns to where it started once a context is closed, even if the
// allocations were never freed one by one.
func TestMemInfoReturnsAfterClose(t *testing.T) {
	t.Parallel()
	f := newFakeGPU()
	d := f.driver()
	memInfo := func(c *Context) (free, total uint64) {
		t.Helper()
		err := c.Do(func(th *Thread) (err error) {
			free, total, err = th.MemInfo()
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return free, total
	}
	c1, err := open(d, 0)
	if err != nil {
		t.Fatal(err)
	}
	free0, total := memInfo(c1)
	if total != f.total || free0 != total {
		t.Fatalf("MemInfo = %d free of %d, want %d of %d", free0, total, f.total, f.total)
	}
	sizes := []int{1 << 20, 3 << 10, 8}
	err = c1.Do(func(th *Thread) error {
		for _, n := range sizes {
			if _, err := th.Alloc(n); err != nil {
				return err
			}
		}
		if th.Live() != len(sizes) {
			t.Errorf("Live() = %d, want %d", th.Live(), len(sizes))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if free1, _ := memInfo(c1); free0-free1 != 1<<20+3<<10+8 {
		t.Errorf("allocating took %d bytes, want %d", free0-free1, 1<<20+3<<10+8)
	}
	if err := c1.Close(); err != nil {
		t.Fatal(err)
	}
	c2, err := open(d, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if free2, _ := memInfo(c2); free2 != free0 {
		t.Errorf("free memory after Close = %d, want %d", free2, free0)
	}
}

func TestAllocOutOfMemory(t *testing.T) {
	t.Parallel()
	c, f := openFake(t)
	err := c.Do(func(th *Thread) error {
		_, err := th.Alloc(int(f.total) + 1)
		return err
	})
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeOutOfMemory || e.Name != "CUDA_ERROR_OUT_OF_MEMORY" || e.Func != "cuMemAlloc_v2" {
		t.Errorf("Alloc beyond total = %v, want CUDA_ERROR_OUT_OF_MEMORY from cuMemAlloc_v2", err)
	}
}

// Byte counts are element counts times the element size: reading one element more than
// was allocated must reach past the allocation and fail.
func TestCopyBounds(t *testing.T) {
	t.Parallel()
	c, _ := openFake(t)
	err := c.Do(func(th *Thread) error {
		p, err := th.Alloc(4 * 8)
		if err != nil {
			return err
		}
		if err := FromDevice(th, make([]float64, 4), p); err != nil {
			return errors.New("in-bounds copy failed: " + err.Error())
		}
		if err := FromDevice(th, make([]float32, 8), p); err != nil {
			return errors.New("in-bounds float32 copy failed: " + err.Error())
		}
		return FromDevice(th, make([]float64, 5), p)
	})
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalidValue || e.Func != "cuMemcpyDtoH_v2" {
		t.Errorf("out-of-bounds copy = %v, want CUDA_ERROR_INVALID_VALUE from cuMemcpyDtoH_v2", err)
	}
}

func TestInjectedErrorsNameTheCall(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		fn   string
		call func(th *Thread, p uint64) error
	}{
		{"cuMemcpyHtoD_v2", func(th *Thread, p uint64) error { return ToDevice(th, p, []float64{1}) }},
		{"cuMemcpyDtoH_v2", func(th *Thread, p uint64) error { return FromDevice(th, []float64{0}, p) }},
		{"cuMemcpyDtoD_v2", func(th *Thread, p uint64) error { return th.CopyDtoD(p, p, 8) }},
		{"cuMemsetD32_v2", func(th *Thread, p uint64) error { return th.MemsetD32(p, 0, 2) }},
		{"cuMemGetInfo_v2", func(th *Thread, p uint64) error { _, _, err := th.MemInfo(); return err }},
		{"cuCtxSynchronize", func(th *Thread, p uint64) error { return th.Synchronize() }},
	} {
		t.Run(tc.fn, func(t *testing.T) {
			c, f := openFake(t)
			err := c.Do(func(th *Thread) error {
				p, err := th.Alloc(8)
				if err != nil {
					return err
				}
				f.setFail(tc.fn, 700)
				defer f.setFail(tc.fn, success)
				return tc.call(th, p)
			})
			var e *Error
			if !errors.As(err, &e) || e.Func != tc.fn || e.Name != "CUDA_ERROR_ILLEGAL_ADDRESS" ||
				!strings.Contains(e.Desc, "illegal memory access") {
				t.Errorf("got %v, want CUDA_ERROR_ILLEGAL_ADDRESS from %s", err, tc.fn)
			}
		})
	}
}

func TestFreeUnknownPanics(t *testing.T) {
	t.Parallel()
	c, _ := openFake(t)
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "not a live allocation") {
			t.Errorf("recovered %v, want the Free panic", r)
		}
	}()
	c.Do(func(th *Thread) error { return th.Free(0x1234) })
}

func TestEmptyCopiesAreNoOps(t *testing.T) {
	t.Parallel()
	c, f := openFake(t)
	f.setFail("cuMemcpyHtoD_v2", 1)
	f.setFail("cuMemcpyDtoH_v2", 1)
	err := c.Do(func(th *Thread) error {
		return errors.Join(ToDevice(th, 0, []float64(nil)), FromDevice(th, []float32{}, 0))
	})
	if err != nil {
		t.Errorf("empty copies = %v, want nil without calling the driver", err)
	}
}
