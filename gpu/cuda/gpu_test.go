package cuda_test

// Tests on a real GPU. Each starts with cudatest.Open, which skips it here ("no GPU:
// <reason>") and fails it under GPU_REQUIRED=1. Build and run them on the GPU machine:
//
//	CGO_ENABLED=0 go test -c -o .gpubin/cuda.test ./gpu/cuda
//	GPU_REQUIRED=1 .gpubin/cuda.test -test.v -test.run GPU

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/gpu/cuda"
	"github.com/gradcheck/gradcheck/gpu/cuda/cudatest"
	"github.com/gradcheck/gradcheck/gpu/kernels"
)

func TestGPUDevice(t *testing.T) {
	c := cudatest.Open(t)
	t.Log(c)
	if c.Name() == "" {
		t.Error("empty device name")
	}
	if c.DriverVersion() < cuda.MinDriverVersion {
		t.Errorf("driver %d accepted, below MinDriverVersion %d", c.DriverVersion(), cuda.MinDriverVersion)
	}
	if major, minor := c.ComputeCapability(); major < 8 {
		t.Errorf("compute capability %d.%d: the sm_80 PTX needs 8.0 or newer", major, minor)
	}
	if c.Multiprocessors() <= 0 {
		t.Errorf("%d multiprocessors", c.Multiprocessors())
	}
}

func randFloats[T float32 | float64](rng *rand.Rand, n int) []T {
	v := make([]T, n)
	for i := range v {
		v[i] = T(rng.NormFloat64())
	}
	return v
}

// firstBitDiff returns the first index where got and want differ in bits, or −1.
func firstBitDiff[T float32 | float64](got, want []T) int {
	for i := range want {
		if math.Float64bits(float64(got[i])) != math.Float64bits(float64(want[i])) {
			return i
		}
	}
	return -1
}

// alloc allocates device memory for v and copies v there.
func alloc[T cuda.Elem](th *cuda.Thread, v []T) (uint64, error) {
	var z T
	p, err := th.Alloc(len(v) * int(sizeof(z)))
	if err != nil {
		return 0, err
	}
	return p, cuda.ToDevice(th, p, v)
}

func sizeof[T cuda.Elem](T) uintptr {
	var z T
	switch any(z).(type) {
	case float32, int32, uint32:
		return 4
	}
	return 8
}

func TestGPURoundTrip(t *testing.T) {
	c := cudatest.Open(t)
	rng := rand.New(rand.NewPCG(1, 1))
	src64 := randFloats[float64](rng, 1<<20+3)
	src32 := randFloats[float32](rng, 1<<20+5)
	got64 := make([]float64, len(src64))
	got32 := make([]float32, len(src32))
	zeros := make([]float64, 1000)
	err := c.Do(func(th *cuda.Thread) error {
		a, err := alloc(th, src64)
		if err != nil {
			return err
		}
		b, err := th.Alloc(8 * len(src64))
		if err != nil {
			return err
		}
		if err := th.CopyDtoD(b, a, 8*len(src64)); err != nil {
			return err
		}
		if err := cuda.FromDevice(th, got64, b); err != nil {
			return err
		}
		s, err := alloc(th, src32)
		if err != nil {
			return err
		}
		if err := cuda.FromDevice(th, got32, s); err != nil {
			return err
		}
		if err := th.MemsetD32(a, 0, 2*len(zeros)); err != nil {
			return err
		}
		if err := cuda.FromDevice(th, zeros, a); err != nil {
			return err
		}
		return errors.Join(th.Free(a), th.Free(b), th.Free(s))
	})
	if err != nil {
		t.Fatal(err)
	}
	if i := firstBitDiff(got64, src64); i >= 0 {
		t.Errorf("float64 round trip: element %d is %v, want %v", i, got64[i], src64[i])
	}
	if i := firstBitDiff(got32, src32); i >= 0 {
		t.Errorf("float32 round trip: element %d is %v, want %v", i, got32[i], src32[i])
	}
	for i, z := range zeros {
		if z != 0 {
			t.Fatalf("after MemsetD32(0): element %d is %v", i, z)
		}
	}
}

// Device memory is invisible to the garbage collector: closing a context must give
// back what it allocated. A first context keeps the primary context alive, so the
// comparison does not include the context's own memory.
func TestGPUMemInfoReturnsAfterClose(t *testing.T) {
	keep := cudatest.Open(t)
	memFree := func() uint64 {
		var free uint64
		if err := keep.Do(func(th *cuda.Thread) (err error) { free, _, err = th.MemInfo(); return err }); err != nil {
			t.Fatal(err)
		}
		return free
	}
	free0 := memFree()
	c, err := cuda.Open(0)
	if err != nil {
		t.Fatal(err)
	}
	const size = 256 << 20
	err = c.Do(func(th *cuda.Thread) error {
		for range 4 {
			if _, err := th.Alloc(size); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		c.Close()
		t.Fatal(err)
	}
	if free1 := memFree(); free0-free1 < 4*size {
		t.Errorf("allocating 4×256 MiB lowered free memory by %d bytes only", free0-free1)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if free2 := memFree(); free2 != free0 {
		t.Errorf("free memory after Close = %d, want %d as before (%+d)", free2, free0, int64(free2)-int64(free0))
	}
}

func TestGPULoadModuleLog(t *testing.T) {
	c := cudatest.Open(t)
	err := c.Do(func(th *cuda.Thread) error {
		_, err := th.LoadModule([]byte(".version 7.8\n.target sm_80\n.address_size 64\n.visible .entry k() { bogus.instruction; }\n"))
		return err
	})
	var e *cuda.Error
	if !errors.As(err, &e) || e.Log == "" {
		t.Fatalf("loading bad PTX = %v, want an *Error with the JIT log", err)
	}
	t.Logf("JIT error, as reported: %v", err)
}

// withKernels loads the embedded PTX and runs f with a function lookup.
func withKernels(t *testing.T, c *cuda.Context, f func(th *cuda.Thread, fn func(string) cuda.Function) error) {
	t.Helper()
	err := c.Do(func(th *cuda.Thread) error {
		m, err := th.LoadModule(kernels.PTX())
		if err != nil {
			return err
		}
		defer th.Unload(m)
		var lookupErr error
		fn := func(name string) cuda.Function {
			k, err := th.Function(m, name)
			if err != nil && lookupErr == nil {
				lookupErr = err
			}
			return k
		}
		if err := f(th, fn); err != nil {
			return err
		}
		return errors.Join(lookupErr, th.Synchronize())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// sgdRef is w − eta·g with the product rounded first, as the kernel (built with
// -fmad=false) computes it; the conversion keeps Go from fusing it.
func sgdRef[T float32 | float64](w, g []T, eta T) []T {
	out := make([]T, len(w))
	for i := range w {
		out[i] = w[i] - T(eta*g[i])
	}
	return out
}

func testSGD[T float32 | float64](t *testing.T, c *cuda.Context, name string, scalar func(T) cuda.Arg) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 1<<20 + 3 // not a multiple of any block
	w, g := randFloats[T](rng, n), randFloats[T](rng, n)
	eta := T(0.1) // inexact in binary, so the rounding of eta·g matters
	want := sgdRef(w, g, eta)
	got := make([]T, n)
	withKernels(t, c, func(th *cuda.Thread, fn func(string) cuda.Function) error {
		gp, err := alloc(th, g)
		if err != nil {
			return err
		}
		wp, err := alloc(th, w)
		if err != nil {
			return err
		}
		if err := th.Launch(fn(name), cuda.Dim(1024), cuda.Dim(256), 0, cuda.Int(n), cuda.Ptr(gp), cuda.Ptr(wp), scalar(eta)); err != nil {
			return err
		}
		if err := cuda.FromDevice(th, got, wp); err != nil {
			return err
		}
		return errors.Join(th.Free(gp), th.Free(wp))
	})
	if i := firstBitDiff(got, want); i >= 0 {
		t.Errorf("%s: w[%d] = %v, want %v (bit for bit)", name, i, got[i], want[i])
	}
}

func TestGPUSGDKernel(t *testing.T) {
	c := cudatest.Open(t)
	testSGD(t, c, kernels.F64.SGDUpdate, cuda.F64)
	testSGD(t, c, kernels.F32.SGDUpdate, cuda.F32)
}

// gemmRef is row-major C = op(A)·op(B), each element summed over p = 0..k−1 in order
// from +0 with every product rounded: the kernels' order, so the bits must agree.
func gemmRef[T float32 | float64](transA, transB bool, m, n, k int, a, b []T) []T {
	c := make([]T, m*n)
	for i := range m {
		for j := range n {
			var s T
			for p := range k {
				x, y := a[i*k+p], b[p*n+j]
				if transA {
					x = a[p*m+i]
				}
				if transB {
					y = b[j*k+p]
				}
				s += T(x * y)
			}
			c[i*n+j] = s
		}
	}
	return c
}

func testGemm[T float32 | float64](t *testing.T, c *cuda.Context, set kernels.Set) {
	rng := rand.New(rand.NewPCG(1, 3))
	const m, n, k = 67, 45, 131 // no multiple of the tile
	for _, tc := range []struct {
		name           string
		transA, transB bool
	}{{set.GemmNN, false, false}, {set.GemmNT, false, true}, {set.GemmTN, true, false}} {
		a, b := randFloats[T](rng, m*k), randFloats[T](rng, k*n)
		want := gemmRef(tc.transA, tc.transB, m, n, k, a, b)
		got := make([]T, m*n)
		withKernels(t, c, func(th *cuda.Thread, fn func(string) cuda.Function) error {
			ap, err := alloc(th, a)
			if err != nil {
				return err
			}
			bp, err := alloc(th, b)
			if err != nil {
				return err
			}
			cp, err := th.Alloc(len(got) * int(sizeof(got[0])))
			if err != nil {
				return err
			}
			grid := cuda.Dim3{X: (n + kernels.GemmTile - 1) / kernels.GemmTile, Y: (m + kernels.GemmTile - 1) / kernels.GemmTile}
			block := cuda.Dim3{X: kernels.GemmTile, Y: kernels.GemmTile}
			if err := th.Launch(fn(tc.name), grid, block, 0, cuda.Int(m), cuda.Int(n), cuda.Int(k), cuda.Ptr(ap), cuda.Ptr(bp), cuda.Ptr(cp)); err != nil {
				return err
			}
			if err := cuda.FromDevice(th, got, cp); err != nil {
				return err
			}
			return errors.Join(th.Free(ap), th.Free(bp), th.Free(cp))
		})
		if i := firstBitDiff(got, want); i >= 0 {
			t.Errorf("%s: C[%d] = %v, want %v (bit for bit)", tc.name, i, got[i], want[i])
		}
	}
}

func TestGPUGemmKernels(t *testing.T) {
	c := cudatest.Open(t)
	testGemm[float64](t, c, kernels.F64)
	testGemm[float32](t, c, kernels.F32)
}

// cuBLAS sums in its own order, so it is compared with the reference by the standard
// bound for a dot product of length k: |ĉ − c| ≤ γ_k Σ_p |a_p b_p|, γ_k = k·u/(1 − k·u),
// with u the unit roundoff; twice that allows for the reference's own rounding.
func testCuBLAS[T float32 | float64](t *testing.T, c *cuda.Context, u float64, gemm func(b *cuda.BLAS, transA, transB bool, m, n, k int, alpha T, a, bm uint64, beta T, c uint64) error) {
	rng := rand.New(rand.NewPCG(1, 4))
	const m, n, k = 67, 45, 131
	gamma := 2 * k * u / (1 - k*u)
	for _, tr := range [][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
		a, b := randFloats[T](rng, m*k), randFloats[T](rng, k*n)
		want := gemmRef(tr[0], tr[1], m, n, k, a, b)
		absA, absB := make([]T, len(a)), make([]T, len(b))
		for i := range a {
			absA[i] = T(math.Abs(float64(a[i])))
		}
		for i := range b {
			absB[i] = T(math.Abs(float64(b[i])))
		}
		bound := gemmRef(tr[0], tr[1], m, n, k, absA, absB)
		got := make([]T, m*n)
		err := c.Do(func(th *cuda.Thread) error {
			bl, err := th.BLAS()
			if err != nil {
				return err
			}
			ap, err := alloc(th, a)
			if err != nil {
				return err
			}
			bp, err := alloc(th, b)
			if err != nil {
				return err
			}
			cp, err := th.Alloc(len(got) * int(sizeof(got[0])))
			if err != nil {
				return err
			}
			if err := gemm(bl, tr[0], tr[1], m, n, k, 1, ap, bp, 0, cp); err != nil {
				return err
			}
			if err := cuda.FromDevice(th, got, cp); err != nil {
				return err
			}
			return errors.Join(th.Free(ap), th.Free(bp), th.Free(cp))
		})
		if errors.Is(err, cuda.ErrUnavailable) {
			cudatest.NoGPU(t, fmt.Errorf("cuBLAS: %w", err))
		}
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if d := math.Abs(float64(got[i] - want[i])); d > gamma*float64(bound[i]) {
				t.Errorf("transA=%v transB=%v: C[%d] = %v, want %v within %.3g", tr[0], tr[1], i, got[i], want[i], gamma*float64(bound[i]))
				break
			}
		}
	}
}

func TestGPUCuBLASGemm(t *testing.T) {
	c := cudatest.Open(t)
	testCuBLAS(t, c, 0x1p-53, (*cuda.BLAS).Dgemm)
	testCuBLAS(t, c, 0x1p-24, (*cuda.BLAS).Sgemm)
}
