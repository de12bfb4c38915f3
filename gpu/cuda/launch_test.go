package cuda

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// launchOne loads fakePTX, registers the kernel's parameter sizes with the fake, and
// launches it once.
func launchOne(t *testing.T, c *Context, f *fakeGPU, kernel string, sizes []int, grid, block Dim3, shared int, args ...Arg) fakeLaunch {
	t.Helper()
	f.mu.Lock()
	f.sigs[kernel] = sizes
	f.mu.Unlock()
	err := c.Do(func(th *Thread) error {
		m, err := th.LoadModule([]byte(fakePTX))
		if err != nil {
			return err
		}
		fn, err := th.Function(m, kernel)
		if err != nil {
			return err
		}
		return th.Launch(fn, grid, block, shared, args...)
	})
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.launches[len(f.launches)-1]
}

// The fake reads each argument through the pointer array as the driver does, taking as
// many bytes as the kernel's parameter has; the values must come out as given.
func TestLaunchMarshalsArguments(t *testing.T) {
	t.Parallel()
	c, f := openFake(t)
	args := []Arg{
		Ptr(0x7f0000001200),
		I32(-7),
		F32(-1.5),
		F64(math.Pi),
		U64(math.MaxUint64),
		U32(math.MaxUint32),
		I64(math.MinInt64),
		Int(1 << 30),
		F64(math.Copysign(0, -1)),
		F32(float32(math.Inf(1))),
	}
	sizes := []int{8, 4, 4, 8, 8, 4, 8, 4, 8, 4}
	l := launchOne(t, c, f, "axpy_f64", sizes, Dim3{X: 3, Y: 2}, Dim(256), 1024, args...)
	got := []string{
		hex(l.args[0]),
		itoa(int64(int32(uint32(l.args[1])))),
		ftoa(float64(math.Float32frombits(uint32(l.args[2])))),
		ftoa(math.Float64frombits(l.args[3])),
		hex(l.args[4]),
		hex(l.args[5]),
		itoa(int64(l.args[6])),
		itoa(int64(int32(uint32(l.args[7])))),
		ftoa(math.Float64frombits(l.args[8])),
		ftoa(float64(math.Float32frombits(uint32(l.args[9])))),
	}
	want := []string{"0x7f0000001200", "-7", "-1.5", ftoa(math.Pi), "0xffffffffffffffff", "0xffffffff",
		itoa(math.MinInt64), itoa(1 << 30), "-0", "+Inf"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded arguments mismatch (-want +got):\n%s", diff)
	}
	if l.grid != [3]uint32{3, 2, 1} || l.block != [3]uint32{256, 1, 1} || l.sharedBytes != 1024 {
		t.Errorf("launch shape grid %v block %v shared %d, want [3 2 1] [256 1 1] 1024", l.grid, l.block, l.sharedBytes)
	}
}

func TestLaunchWithoutArguments(t *testing.T) {
	t.Parallel()
	c, f := openFake(t)
	l := launchOne(t, c, f, "mixed", nil, Dim(1), Dim(1), 0)
	if !l.paramsWasNil || len(l.args) != 0 {
		t.Errorf("kernelParams nil = %v, args %v; want nil and none", l.paramsWasNil, l.args)
	}
}

// A kernel implemented in Go on the fake: arguments and device memory meet as they will
// on the GPU (w -= eta·g, the SGD kernel's contract).
func TestLaunchRunsFakeKernel(t *testing.T) {
	t.Parallel()
	c, f := openFake(t)
	f.sigs["axpy_f64"] = []int{4, 8, 8, 8}
	f.impls["axpy_f64"] = func(f *fakeGPU, a []uint64) {
		n, eta := int(int32(uint32(a[0]))), math.Float64frombits(a[1])
		g, w := fakeSlice[float64](f)(a[2], n), fakeSlice[float64](f)(a[3], n)
		for i := range w {
			w[i] -= float64(eta * g[i])
		}
	}
	w := []float64{1, 2, 3}
	err := c.Do(func(th *Thread) error {
		m, err := th.LoadModule([]byte(fakePTX))
		if err != nil {
			return err
		}
		fn, err := th.Function(m, "axpy_f64")
		if err != nil {
			return err
		}
		gp, err := th.Alloc(24)
		if err != nil {
			return err
		}
		wp, err := th.Alloc(24)
		if err != nil {
			return err
		}
		if err := errors.Join(ToDevice(th, gp, []float64{10, 20, 30}), ToDevice(th, wp, w)); err != nil {
			return err
		}
		if err := th.Launch(fn, Dim(1), Dim(32), 0, Int(3), F64(0.5), Ptr(gp), Ptr(wp)); err != nil {
			return err
		}
		return FromDevice(th, w, wp)
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float64{-4, -8, -12}, w); diff != "" {
		t.Errorf("w mismatch (-want +got):\n%s", diff)
	}
}

func TestLaunchErrorNamesKernel(t *testing.T) {
	t.Parallel()
	c, f := openFake(t)
	err := c.Do(func(th *Thread) error {
		m, err := th.LoadModule([]byte(fakePTX))
		if err != nil {
			return err
		}
		fn, err := th.Function(m, "mixed")
		if err != nil {
			return err
		}
		f.setFail("cuLaunchKernel", 1)
		return th.Launch(fn, Dim(1), Dim(1), 0)
	})
	var e *Error
	if !errors.As(err, &e) || e.Func != "cuLaunchKernel(mixed)" || e.Code != CodeInvalidValue {
		t.Errorf("Launch = %v, want CUDA_ERROR_INVALID_VALUE from cuLaunchKernel(mixed)", err)
	}
}

func TestLaunchPanics(t *testing.T) {
	t.Parallel()
	c, _ := openFake(t)
	for _, tc := range []struct {
		name, want string
		launch     func(th *Thread)
	}{
		{"too many arguments", "more than 32", func(th *Thread) {
			th.Launch(Function{}, Dim(1), Dim(1), 0, make([]Arg, 33)...)
		}},
		{"negative dimension", "dimension -1", func(th *Thread) {
			th.Launch(Function{}, Dim(-1), Dim(1), 0)
		}},
		{"int overflow", "does not fit in an int", func(*Thread) { Int(1 << 31) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), tc.want) {
					t.Errorf("recovered %v, want a panic containing %q", r, tc.want)
				}
			}()
			c.Do(func(th *Thread) error { tc.launch(th); return nil })
		})
	}
}

func TestArgString(t *testing.T) {
	t.Parallel()
	got := []string{Ptr(0x10).String(), I32(-1).String(), U32(7).String(), I64(-2).String(), F32(0.25).String(), F64(-3).String()}
	want := []string{"0x10", "int32(-1)", "uint32(7)", "int64(-2)", "float32(0.25)", "float64(-3)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Arg strings mismatch (-want +got):\n%s", diff)
	}
}
