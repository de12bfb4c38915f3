package fakedriver

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gradcheck/gradcheck/gpu/cuda"
	"github.com/gradcheck/gradcheck/gpu/kernels"
)

// open opens a context on a fresh fake with every kernel installed and the kernels'
// module loaded.
func open(t *testing.T) (*GPU, *cuda.Context, *cuda.Module) {
	t.Helper()
	g := New()
	InstallKernels(g)
	c, err := g.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	var m *cuda.Module
	if err := c.Do(func(th *cuda.Thread) (err error) { m, err = th.LoadModule(kernels.PTX()); return err }); err != nil {
		t.Fatal(err)
	}
	return g, c, m
}

func TestOpenDriver(t *testing.T) {
	g := New()
	c, err := g.Open()
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != "Fake H100" || c.DriverVersion() != 13000 || c.Multiprocessors() != 132 {
		t.Errorf("context %v, want the fake's name, version and multiprocessors", c)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if m, b, ctx := g.Held(); m+b+ctx != 0 {
		t.Errorf("after Close: %d modules, %d cuBLAS handles, %d context references held", m, b, ctx)
	}
}

// A driver older than cuda accepts is no GPU, as with libcuda.
func TestOpenDriverTooOld(t *testing.T) {
	g := New()
	g.SetVersion(11080)
	_, err := g.Open()
	if !errors.Is(err, cuda.ErrUnavailable) || !strings.Contains(err.Error(), "older") {
		t.Errorf("Open with driver 11.8 = %v, want an error wrapping ErrUnavailable about the version", err)
	}
}

// Every entry point of the kernels has a body, and the PTX's parameter lists read as
// kernels.cu declares them: gemm takes three ints and three pointers.
func TestKernelsInstalled(t *testing.T) {
	g := New()
	InstallKernels(g)
	want := kernels.Entries()
	slices.Sort(want)
	if diff := cmp.Diff(want, g.Entries()); diff != "" {
		t.Errorf("kernel bodies mismatch (-want +got):\n%s", diff)
	}
	entries, err := parsePTX(string(kernels.PTX()))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		sizes []int
	}{
		{kernels.F64.GemmNN, []int{4, 4, 4, 8, 8, 8}},
		{kernels.F32.BiasActFwd, []int{4, 4, 8, 8, 8, 4, 4}},
		{kernels.F64.BiasActFwd, []int{4, 4, 8, 8, 8, 4, 8}},
		{kernels.F64.SGDUpdate, []int{4, 8, 8, 8}},
		{kernels.F32.SGDUpdate, []int{4, 8, 8, 4}},
	} {
		if diff := cmp.Diff(tc.sizes, entries[tc.name]); diff != "" {
			t.Errorf("%s parameter sizes mismatch (-want +got):\n%s", tc.name, diff)
		}
	}
}

func put[T Elem](t *testing.T, th *cuda.Thread, v []T) uint64 {
	t.Helper()
	var z T
	size := 8
	if _, ok := any(z).(float64); !ok {
		size = 4
	}
	p, err := th.Alloc(max(1, len(v)) * size)
	if err != nil {
		t.Fatal(err)
	}
	switch v := any(v).(type) {
	case []float64:
		err = cuda.ToDevice(th, p, v)
	case []float32:
		err = cuda.ToDevice(th, p, v)
	case []int32:
		err = cuda.ToDevice(th, p, v)
	}
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The own GEMM kernels and the fake cuBLAS, both summing in order, agree bit for bit in
// every layout the network uses; the fake reads arguments in the sizes the PTX declares.
func TestGemmMatchesBLAS(t *testing.T) {
	g, c, mod := open(t)
	rng := rand.New(rand.NewPCG(1, 1))
	const M, N, K = 19, 23, 17
	a := make([]float64, M*K)
	b := make([]float64, K*N)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	for _, tc := range []struct {
		name   string
		ta, tb bool
	}{{kernels.F64.GemmNN, false, false}, {kernels.F64.GemmNT, false, true}, {kernels.F64.GemmTN, true, false}} {
		var own, blas []float64
		err := c.Do(func(th *cuda.Thread) error {
			ap, bp := put(t, th, a), put(t, th, b)
			c1, c2 := put(t, th, make([]float64, M*N)), put(t, th, make([]float64, M*N))
			f, err := th.Function(mod, tc.name)
			if err != nil {
				return err
			}
			grid := cuda.Dim3{X: (N + 15) / 16, Y: (M + 15) / 16}
			if err := th.Launch(f, grid, cuda.Dim3{X: 16, Y: 16}, 0, cuda.Int(M), cuda.Int(N), cuda.Int(K), cuda.Ptr(ap), cuda.Ptr(bp), cuda.Ptr(c1)); err != nil {
				return err
			}
			bl, err := th.BLAS()
			if err != nil {
				return err
			}
			if err := bl.Dgemm(tc.ta, tc.tb, M, N, K, 1, ap, bp, 0, c2); err != nil {
				return err
			}
			own, blas = make([]float64, M*N), make([]float64, M*N)
			return errors.Join(cuda.FromDevice(th, own, c1), cuda.FromDevice(th, blas, c2))
		})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(blas, own); diff != "" {
			t.Errorf("%s and cuBLAS differ (-cuBLAS +own):\n%s", tc.name, diff)
		}
		// One element by hand: C[2][3] = Σ_p op(A)[2][p]·op(B)[p][3].
		var want float64
		for p := range K {
			av, bv := a[2*K+p], b[p*N+3]
			if tc.ta {
				av = a[p*M+2]
			}
			if tc.tb {
				bv = b[3*K+p]
			}
			want += float64(av * bv)
		}
		if own[2*N+3] != want {
			t.Errorf("%s: C[2][3] = %v, want %v", tc.name, own[2*N+3], want)
		}
	}
	if s := g.Stats(); s.BLASGemms != 3 || s.Launches != 3 {
		t.Errorf("stats %+v: want 3 cuBLAS GEMMs and 3 launches", s)
	}
}

// A kernel that reads past an allocation faults the fake; every later call fails with
// CUDA_ERROR_ILLEGAL_ADDRESS, as on a real GPU.
func TestOutOfBoundsFaults(t *testing.T) {
	g, c, mod := open(t)
	err := c.Do(func(th *cuda.Thread) error {
		w := put(t, th, make([]float64, 10))
		gr := put(t, th, make([]float64, 5))
		f, err := th.Function(mod, kernels.F64.SGDUpdate)
		if err != nil {
			return err
		}
		if err := th.Launch(f, cuda.Dim(1), cuda.Dim(32), 0, cuda.Int(10), cuda.Ptr(gr), cuda.Ptr(w), cuda.F64(0.5)); err != nil {
			return err
		}
		return th.Synchronize()
	})
	var ce *cuda.Error
	if !errors.As(err, &ce) || ce.Code != cuda.CodeIllegalAddress {
		t.Fatalf("Synchronize after an out-of-bounds kernel = %v, want CUDA_ERROR_ILLEGAL_ADDRESS", err)
	}
	if f := g.Fault(); f == nil || !strings.Contains(f.Error(), "G: 10 elements") {
		t.Errorf("Fault() = %v, want it to name G and its extent", f)
	}
}

// colsum traps with any block size but kernels.ReduceThreads; GEMM needs its tiles.
func TestLaunchShapesChecked(t *testing.T) {
	for _, tc := range []struct {
		name  string
		kern  string
		grid  cuda.Dim3
		block cuda.Dim3
		args  func(x, y uint64) []cuda.Arg
		fault string
	}{
		{"colsum block", kernels.F64.ColSum, cuda.Dim(1), cuda.Dim(128),
			func(x, y uint64) []cuda.Arg {
				return []cuda.Arg{cuda.Int(4), cuda.Int(1), cuda.Ptr(x), cuda.Ptr(y), cuda.F64(1)}
			}, "128 threads"},
		{"gemm grid", kernels.F64.GemmNN, cuda.Dim3{X: 1, Y: 1}, cuda.Dim3{X: 16, Y: 16},
			func(x, y uint64) []cuda.Arg {
				return []cuda.Arg{cuda.Int(17), cuda.Int(1), cuda.Int(1), cuda.Ptr(x), cuda.Ptr(x), cuda.Ptr(y)}
			}, "does not cover"},
		{"elementwise 2-D", kernels.F64.SGDUpdate, cuda.Dim3{X: 1, Y: 2}, cuda.Dim(32),
			func(x, y uint64) []cuda.Arg { return []cuda.Arg{cuda.Int(4), cuda.Ptr(x), cuda.Ptr(y), cuda.F64(1)} },
			"one-dimensional"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, c, mod := open(t)
			err := c.Do(func(th *cuda.Thread) error {
				x, y := put(t, th, make([]float64, 64)), put(t, th, make([]float64, 64))
				f, err := th.Function(mod, tc.kern)
				if err != nil {
					return err
				}
				if err := th.Launch(f, tc.grid, tc.block, 0, tc.args(x, y)...); err != nil {
					return err
				}
				return th.Synchronize()
			})
			if err == nil || g.Fault() == nil || !strings.Contains(g.Fault().Error(), tc.fault) {
				t.Errorf("err %v, fault %v: want a fault mentioning %q", err, g.Fault(), tc.fault)
			}
		})
	}
}

// colsum's tree order differs from a left-to-right sum, and the fake follows the tree: with
// x₀ = 1 and x₁ = x₁₂₉ = 2⁻⁵³, a left-to-right sum rounds 1 + 2⁻⁵³ to 1 twice (ties to
// even), while the tree first pairs s[1] += s[129] = 2⁻⁵² and then adds it to 1 exactly.
func TestColSumTreeOrder(t *testing.T) {
	_, c, mod := open(t)
	const rows = 130
	x := make([]float64, rows)
	x[0], x[1], x[129] = 1, 0x1p-53, 0x1p-53
	var got [1]float64
	err := c.Do(func(th *cuda.Thread) error {
		xp, op := put(t, th, x), put(t, th, got[:])
		f, err := th.Function(mod, kernels.F64.ColSum)
		if err != nil {
			return err
		}
		if err := th.Launch(f, cuda.Dim(1), cuda.Dim(256), 0, cuda.Int(rows), cuda.Int(1), cuda.Ptr(xp), cuda.Ptr(op), cuda.F64(1)); err != nil {
			return err
		}
		return cuda.FromDevice(th, got[:], op)
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 + 0x1p-52; got[0] != want {
		t.Errorf("colsum = %v, want the tree's 1 + 2⁻⁵² = %v", got[0], want)
	}
}

func TestFreeMemoryReturns(t *testing.T) {
	g := New()
	c, err := g.Open()
	if err != nil {
		t.Fatal(err)
	}
	err = c.Do(func(th *cuda.Thread) error {
		_, err := th.Alloc(1000)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if g.Used() != 1000 || g.Live() != 1 {
		t.Errorf("Used %d, Live %d after one allocation of 1000 bytes", g.Used(), g.Live())
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if g.Used() != 0 || g.Live() != 0 {
		t.Errorf("Used %d, Live %d after Close, want 0", g.Used(), g.Live())
	}
}

func TestSetNoBLAS(t *testing.T) {
	g := New()
	g.SetNoBLAS("libcublas.so.13 not found")
	c, err := g.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.Do(func(th *cuda.Thread) error { _, err := th.BLAS(); return err })
	if !errors.Is(err, cuda.ErrUnavailable) || !strings.Contains(err.Error(), "libcublas") {
		t.Errorf("BLAS() = %v, want ErrUnavailable naming libcublas", err)
	}
}
