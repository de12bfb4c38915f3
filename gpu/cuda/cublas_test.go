package cuda

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// refGemm is row-major C = alpha·op(A)·op(B) + beta·C computed in T with the same
// operation order as the fake cuBLAS (sum over p = 0..k−1, then alpha·s + beta·c), so the
// results must agree bit for bit when the row-major/column-major translation is right.
func refGemm[T float32 | float64](transA, transB bool, m, n, k int, alpha T, a, b []T, beta T, c []T) {
	opA := func(i, p int) T {
		if transA {
			return a[p*m+i]
		}
		return a[i*k+p]
	}
	opB := func(p, j int) T {
		if transB {
			return b[j*k+p]
		}
		return b[p*n+j]
	}
	for i := range m {
		for j := range n {
			var s T
			for p := range k {
				s += T(opA(i, p) * opB(p, j))
			}
			if beta == 0 {
				c[i*n+j] = T(alpha * s)
			} else {
				c[i*n+j] = T(alpha*s) + T(beta*c[i*n+j])
			}
		}
	}
}

func testGemm[T float32 | float64](t *testing.T, gemm func(b *BLAS, transA, transB bool, m, n, k int, alpha T, a, bm uint64, beta T, c uint64) error) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, tc := range []struct {
		transA, transB bool
		m, n, k        int
		alpha, beta    T
	}{
		{false, false, 3, 4, 5, 1, 0},
		{false, true, 3, 4, 5, 1.5, 0.5},
		{true, false, 4, 3, 2, -1, 1},
		{true, true, 5, 2, 7, 2, -0.25},
		{false, false, 1, 1, 1, 1, 0},
		{true, false, 7, 1, 3, 1, 0}, // a vector result: leading dimensions hit their minimum
	} {
		t.Run(fmt.Sprintf("tA=%v,tB=%v,%dx%dx%d", tc.transA, tc.transB, tc.m, tc.n, tc.k), func(t *testing.T) {
			c, _ := openFake(t)
			fill := func(n int) []T {
				v := make([]T, n)
				for i := range v {
					v[i] = T(rng.NormFloat64())
				}
				return v
			}
			a, b, c0 := fill(tc.m*tc.k), fill(tc.k*tc.n), fill(tc.m*tc.n)
			if tc.beta == 0 {
				for i := range c0 {
					c0[i] = T(math.NaN()) // must not be read
				}
			}
			want := append([]T(nil), c0...)
			refGemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, b, tc.beta, want)
			got := make([]T, len(c0))
			err := c.Do(func(th *Thread) error {
				bl, err := th.BLAS()
				if err != nil {
					return err
				}
				ptrs := make([]uint64, 3)
				for i, v := range [][]T{a, b, c0} {
					if ptrs[i], err = th.Alloc(len(v) * sizeOf[T]()); err != nil {
						return err
					}
					if err := ToDevice(th, ptrs[i], v); err != nil {
						return err
					}
				}
				if err := gemm(bl, tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, ptrs[0], ptrs[1], tc.beta, ptrs[2]); err != nil {
					return err
				}
				return FromDevice(th, got, ptrs[2])
			})
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("C[%d] = %v, want %v (all: got %v, want %v)", i, got[i], want[i], got, want)
				}
			}
		})
	}
}

func TestDgemmRowMajor(t *testing.T) { t.Parallel(); testGemm(t, (*BLAS).Dgemm) }
func TestSgemmRowMajor(t *testing.T) { t.Parallel(); testGemm(t, (*BLAS).Sgemm) }

func TestBLASHandle(t *testing.T) {
	t.Parallel()
	c, f := openFake(t)
	err := c.Do(func(th *Thread) error {
		b1, err := th.BLAS()
		if err != nil {
			return err
		}
		b2, err := th.BLAS()
		if err != nil {
			return err
		}
		if b1 != b2 {
			t.Error("BLAS() made a second handle")
		}
		if mode := f.blas.handles[b1.h]; mode != blasPedanticMath {
			t.Errorf("math mode %d, want CUBLAS_PEDANTIC_MATH (%d)", mode, blasPedanticMath)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestBLASUnavailable(t *testing.T) {
	t.Parallel()
	t.Run("library missing", func(t *testing.T) {
		c, f := openFake(t)
		f.blas.unavailable = unavailableErr(errors.New("libcublas.so.13: cannot open shared object file"), "cannot open %s", BLASLibName)
		var b *BLAS
		err := c.Do(func(th *Thread) (err error) { b, err = th.BLAS(); return err })
		if b != nil || !errors.Is(err, ErrUnavailable) {
			t.Errorf("BLAS() = %v, %v; want nil and ErrUnavailable", b, err)
		}
	})
	t.Run("create fails", func(t *testing.T) {
		c, f := openFake(t)
		f.blas.fail = map[string]int32{"cublasCreate_v2": 1}
		var b *BLAS
		err := c.Do(func(th *Thread) (err error) { b, err = th.BLAS(); return err })
		var e *Error
		if b != nil || !errors.Is(err, ErrUnavailable) || !errors.As(err, &e) || e.Name != "CUBLAS_STATUS_NOT_INITIALIZED" {
			t.Errorf("BLAS() = %v, %v; want nil and ErrUnavailable wrapping CUBLAS_STATUS_NOT_INITIALIZED", b, err)
		}
	})
	t.Run("math mode fails", func(t *testing.T) {
		c, f := openFake(t)
		f.blas.fail = map[string]int32{"cublasSetMathMode": 7}
		var b *BLAS
		err := c.Do(func(th *Thread) (err error) { b, err = th.BLAS(); return err })
		var e *Error
		if b != nil || !errors.As(err, &e) || e.Func != "cublasSetMathMode" {
			t.Errorf("BLAS() = %v, %v; want nil and the cublasSetMathMode failure", b, err)
		}
		if _, _, _, handles := f.state(); handles != 0 {
			t.Errorf("%d cuBLAS handles left after a failed setup", handles)
		}
	})
}

// On this machine: without libcublas.so.13 the real loader says so with ErrUnavailable.
func TestLoadBLASHere(t *testing.T) {
	t.Parallel()
	lib, err := loadBLAS()
	if err != nil && !errors.Is(err, ErrUnavailable) {
		t.Fatalf("loadBLAS() = %v, which does not wrap ErrUnavailable", err)
	}
	if (lib == nil) == (err == nil) {
		t.Fatalf("loadBLAS() = %v, %v: want exactly one of them", lib, err)
	}
	t.Logf("loadBLAS() error: %v", err)
}
