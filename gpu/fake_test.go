package gpu

// Tests on the fake driver of package fakedriver: the host-side logic (batch planning,
// the dataset cache, the layout on the device, float64 ↔ float32 conversion, argument
// marshalling, launch shapes, memory accounting, errors) runs everywhere, with Go bodies
// for the kernels that follow kernels.cu.

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/gpu/cuda"
	"github.com/gradcheck/gradcheck/gpu/cuda/fakedriver"
)

// fakeDevice returns a fake GPU with the kernels installed and a Device on it, both
// closed when the test ends.
func fakeDevice(t testing.TB) (*fakedriver.GPU, *Device) {
	t.Helper()
	g := newFake()
	ctx, d := openFake(t, g)
	t.Cleanup(func() {
		if err := errors.Join(d.Close(), ctx.Close()); err != nil {
			t.Errorf("closing the fake device: %v", err)
		}
		if f := g.Fault(); f != nil {
			t.Errorf("the fake GPU faulted: %v", f)
		}
	})
	return g, d
}

// newFake returns a fake GPU with the kernels installed.
func newFake() *fakedriver.GPU {
	g := fakedriver.New()
	fakedriver.InstallKernels(g)
	return g
}

// openFake opens a context on g and a Device on that context; the caller closes both.
func openFake(t testing.TB, g *fakedriver.GPU) (*cuda.Context, *Device) {
	t.Helper()
	ctx, err := g.Open()
	if err != nil {
		t.Fatal(err)
	}
	d, err := OnContext(ctx)
	if err != nil {
		ctx.Close()
		t.Fatal(err)
	}
	return ctx, d
}

// fakeNetwork returns, as fakeDevice does, a fake GPU and a Device on it, with a GPU
// network (closed when the test ends) of the first gradient subject, its CPU network and
// its data.
func fakeNetwork(t testing.TB) (*fakedriver.GPU, *Device, *Network, *backprop.Network, *backprop.Dataset) {
	t.Helper()
	g, dev := fakeDevice(t)
	cpu, d := gradientSubjects()[0].build(1)
	n, err := New(cpu, &Settings{Device: dev})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return g, dev, n, cpu, d
}

func TestFakeGradientMatchesCPU(t *testing.T) {
	for _, p := range []Precision{Float64, Float32} {
		for _, own := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v/own=%v", p, own), func(t *testing.T) {
				g, dev := fakeDevice(t)
				checkGradients(t, Settings{Device: dev, Precision: p, OwnGEMM: own})
				s := g.Stats()
				if own && s.BLASGemms != 0 || !own && s.BLASGemms == 0 {
					t.Errorf("OwnGEMM %v, but %d cuBLAS GEMMs ran", own, s.BLASGemms)
				}
			})
		}
	}
}

func TestFakeTrainMatchesCPU(t *testing.T) {
	for _, p := range []Precision{Float64, Float32} {
		t.Run(p.String(), func(t *testing.T) {
			_, dev := fakeDevice(t)
			checkTraining(t, Settings{Device: dev, Precision: p})
		})
	}
}

// A step on data already on the device copies nothing to or from it, and does not
// compute the cost; a shuffled batch uploads only its row indices.
func TestFakeStepCopiesNothing(t *testing.T) {
	g, dev, n, cpu, d := fakeNetwork(t)
	if _, err := n.Cost(backprop.All(d)); err != nil { // uploads d
		t.Fatal(err)
	}
	before := g.Stats()
	for _, b := range []backprop.Batch{backprop.All(d), {Data: d, Rows: []int{3, 4, 5}}} {
		if err := n.Step(0.1, b); err != nil {
			t.Fatal(err)
		}
	}
	after := g.Stats()
	if after.HtoD != before.HtoD || after.DtoH != before.DtoH {
		t.Errorf("two steps made %d uploads and %d downloads, want none", after.HtoD-before.HtoD, after.DtoH-before.DtoH)
	}
	name := dev.f64.sqErr.Name()
	if after.LaunchesPerKernel[name] != before.LaunchesPerKernel[name] {
		t.Errorf("Step launched %s: it computes the cost it does not return", name)
	}
	if err := n.Step(0.1, backprop.Batch{Data: d, Rows: []int{5, 1, 1, 7}}); err != nil {
		t.Fatal(err)
	}
	last := g.Stats()
	if last.HtoD != after.HtoD+1 || last.HtoDBytes != after.HtoDBytes+4*4 {
		t.Errorf("a gathered step uploaded %d times %d bytes, want once 16 bytes (4 int32 indices)", last.HtoD-after.HtoD, last.HtoDBytes-after.HtoDBytes)
	}
	t.Logf("launches per step of a %d-layer network: %d", cpu.NumLayers(), (after.Launches-before.Launches)/2)
}

// Each dataset is uploaded once and kept, up to MaxDatasets of them; Forget and new
// slices make it go up again.
func TestFakeDatasetCache(t *testing.T) {
	g, dev := fakeDevice(t)
	s := gradientSubjects()[0]
	cpu, d1 := s.build(1)
	_, d2 := s.build(2)
	n, err := New(cpu, &Settings{Device: dev, MaxDatasets: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	size := uint64(8 * (len(d1.X) + len(d1.Y)))
	uploaded := func() uint64 { return g.Stats().HtoDBytes }
	cost := func(d *backprop.Dataset) {
		t.Helper()
		if _, err := n.Cost(backprop.All(d)); err != nil {
			t.Fatal(err)
		}
	}
	for _, step := range []struct {
		what string
		do   func()
		want uint64 // bytes uploaded
	}{
		{"first use of d1", func() { cost(d1) }, size},
		{"d1 again", func() { cost(d1) }, 0},
		{"d2 evicts d1", func() { cost(d2) }, size},
		{"d1 again after eviction", func() { cost(d1) }, size},
		{"Forget(d1), then d1", func() {
			if err := n.Forget(d1); err != nil {
				t.Fatal(err)
			}
			cost(d1)
		}, size},
		{"d1 given new slices", func() {
			d1.X = append([]float64(nil), d1.X...)
			cost(d1)
		}, size},
	} {
		before := uploaded()
		step.do()
		if got := uploaded() - before; got != step.want {
			t.Errorf("%s: uploaded %d bytes, want %d", step.what, got, step.want)
		}
	}
	// A dataset changed in place is not noticed (documented); after Forget it is.
	want, err := cpu.Cost(backprop.All(d1))
	if err != nil {
		t.Fatal(err)
	}
	d1.Y[0] += 1
	stale, _ := n.Cost(backprop.All(d1))
	if err := n.Forget(d1); err != nil {
		t.Fatal(err)
	}
	fresh, _ := n.Cost(backprop.All(d1))
	wantFresh, _ := cpu.Cost(backprop.All(d1))
	if math.Abs(stale-want) > 1e-12*want || math.Abs(fresh-wantFresh) > 1e-12*wantFresh {
		t.Errorf("cost before Forget %v (the uploaded data gives %v), after %v (want %v)", stale, want, fresh, wantFresh)
	}
}

// Close gives back all the memory the network took, whatever it held (buffers grown for
// several batch sizes, cached datasets); so does closing a device with networks left
// open.
func TestFakeCloseFreesMemory(t *testing.T) {
	g, dev := fakeDevice(t)
	used0, live0 := g.Used(), g.Live()
	for _, p := range []Precision{Float64, Float32} {
		cpu, d := gradientSubjects()[3].build(1)
		n, err := New(cpu, &Settings{Device: dev, Precision: p})
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range batchesOf(d) {
			if err := n.Step(0.01, b.b); err != nil {
				t.Fatal(err)
			}
		}
		if g.Used() == used0 {
			t.Fatal("the network holds no device memory")
		}
		if err := n.Close(); err != nil {
			t.Fatal(err)
		}
		if g.Used() != used0 || g.Live() != live0 {
			t.Errorf("%v: after Close %d bytes in %d allocations are used, want %d in %d", p, g.Used(), g.Live(), used0, live0)
		}
		if err := n.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	}

	// A device whose context Open made would free the rest; here the context is the
	// fake's, so check that closing it frees a network left open.
	g2 := newFake()
	ctx, dev2 := openFake(t, g2)
	cpu, d := gradientSubjects()[0].build(1)
	n, err := New(cpu, &Settings{Device: dev2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Cost(backprop.All(d)); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(dev2.Close(), ctx.Close()); err != nil {
		t.Fatal(err)
	}
	if m, b, c := g2.Held(); g2.Used() != 0 || m+b+c != 0 {
		t.Errorf("after closing the device and context: %d bytes, %d modules, %d cuBLAS handles, %d contexts held", g2.Used(), m, b, c)
	}
	if err := n.Close(); err != nil {
		t.Errorf("closing a network after its context: %v", err)
	}
}

// Batches the CPU refuses, the GPU refuses too, with an error naming what is wrong, and
// no launch.
func TestFakeBadBatches(t *testing.T) {
	_, _, n, cpu, d := fakeNetwork(t)
	wide := &backprop.Dataset{N: 2, In: 6, Out: 3, X: make([]float64, 12), Y: make([]float64, 6)}
	short := &backprop.Dataset{N: 3, In: 5, Out: 3, X: make([]float64, 14), Y: make([]float64, 9)}
	for _, tc := range []struct {
		name string
		b    backprop.Batch
		want string
	}{
		{"nil data", backprop.Batch{}, "empty batch"},
		{"no rows", backprop.Batch{Data: d, Rows: []int{}}, "empty batch"},
		{"widths", backprop.All(wide), "6 inputs and 3 targets"},
		{"row too large", backprop.Batch{Data: d, Rows: []int{0, d.N}}, "row 20 out of range"},
		{"negative row", backprop.Batch{Data: d, Rows: []int{-1}}, "row -1 out of range"},
		{"short X", backprop.All(short), "len(X) = 14"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := n.Cost(tc.b)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "gpu: ") {
				t.Errorf("Cost = %v, want an error with %q", err, tc.want)
			}
			// backprop refuses the same batches, except a dataset whose slices are
			// shorter than N says, where it panics (backprop's Batch check does not look
			// at the lengths).
			if tc.name != "short X" {
				if _, err := cpu.Cost(tc.b); err == nil {
					t.Errorf("the CPU accepts the batch the GPU refuses")
				}
			}
			g := make([]float64, n.NumParams())
			if _, err := n.Gradient(g, tc.b); err == nil {
				t.Error("Gradient accepted the batch")
			}
			if err := n.Step(0.1, tc.b); err == nil {
				t.Error("Step accepted the batch")
			}
		})
	}
}

func TestFakeClosedNetwork(t *testing.T) {
	_, _, n, _, d := fakeNetwork(t)
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Cost(backprop.All(d)); !errors.Is(err, ErrClosed) {
		t.Errorf("Cost after Close = %v, want ErrClosed", err)
	}
	if err := n.Step(0.1, backprop.All(d)); !errors.Is(err, ErrClosed) {
		t.Errorf("Step after Close = %v, want ErrClosed", err)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "gpu: ParamsTo: network closed") {
			t.Errorf("ParamsTo after Close: panic %v, want gpu: ParamsTo: network closed", r)
		}
	}()
	n.ParamsTo(nil)
}

// Lengths that are a caller's programming error panic, as backprop's do.
func TestFakeLengthPanics(t *testing.T) {
	_, _, n, _, d := fakeNetwork(t)
	for _, tc := range []struct {
		name string
		f    func()
		want string
	}{
		{"ParamsTo", func() { n.ParamsTo(make([]float64, 3)) }, "gpu: ParamsTo: len(dst) = 3"},
		{"SetParams", func() { n.SetParams(make([]float64, 3)) }, "gpu: SetParams: len(src) = 3"},
		{"Gradient", func() { n.Gradient(make([]float64, 3), backprop.All(d)) }, "gpu: Gradient: len(dst) = 3"},
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), tc.want) {
					t.Errorf("%s: panic %v, want %q", tc.name, r, tc.want)
				}
			}()
			tc.f()
		}()
	}
}

// SetParams then ParamsTo gives the parameters back exactly in float64 and rounded to
// float32 in float32; the network starts with backprop's parameters.
func TestFakeParamsRoundTrip(t *testing.T) {
	_, dev := fakeDevice(t)
	cpu, _ := gradientSubjects()[0].build(1)
	theta := cpu.ParamsTo(nil)
	theta[0], theta[1], theta[2] = math.Pi, 1e300, -0x1p-140
	cpu.SetParams(theta)
	for _, p := range []Precision{Float64, Float32} {
		n, err := New(cpu, &Settings{Device: dev, Precision: p})
		if err != nil {
			t.Fatal(err)
		}
		want := append([]float64(nil), theta...)
		if p == Float32 {
			for i, v := range want {
				want[i] = float64(float32(v))
			}
		}
		if i := firstBitDiff(n.ParamsTo(nil), want); i >= 0 {
			t.Errorf("%v: parameter %d after New = %v, want %v", p, i, n.ParamsTo(nil)[i], want[i])
		}
		// Reversed, so that every value moves.
		rev := append([]float64(nil), theta...)
		for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
			rev[i], rev[j] = rev[j], rev[i]
		}
		n.SetParams(rev)
		for i, v := range rev {
			if p == Float32 {
				rev[i] = float64(float32(v))
			}
		}
		if i := firstBitDiff(n.ParamsTo(nil), rev); i >= 0 {
			t.Errorf("%v: parameter %d after SetParams = %v, want %v", p, i, n.ParamsTo(nil)[i], rev[i])
		}
		n.Close()
	}
}

// Step is θ − η·g with the g that Gradient gives, bit for bit.
func TestFakeStepIsUpdate(t *testing.T) {
	_, dev := fakeDevice(t)
	for _, p := range []Precision{Float64, Float32} {
		cpu, d := gradientSubjects()[2].build(3)
		n, err := New(cpu, &Settings{Device: dev, Precision: p})
		if err != nil {
			t.Fatal(err)
		}
		b := batchesOf(d)[2].b
		theta := n.ParamsTo(nil)
		g := make([]float64, len(theta))
		if _, err := n.Gradient(g, b); err != nil {
			t.Fatal(err)
		}
		const eta = 0.3
		if err := n.Step(eta, b); err != nil {
			t.Fatal(err)
		}
		want := append([]float64(nil), theta...)
		if p == Float64 {
			backprop.Update(want, eta, g)
		} else {
			for i := range want {
				want[i] = float64(float32(want[i]) - float32(float32(eta)*float32(g[i])))
			}
		}
		if i := firstBitDiff(n.ParamsTo(nil), want); i >= 0 {
			t.Errorf("%v: parameter %d after Step = %v, want %v", p, i, n.ParamsTo(nil)[i], want[i])
		}
		n.Close()
	}
}

// DefaultMath switches the device's cuBLAS handle to the default math mode for the
// network's products, and another network's products switch it back.
func TestFakeMathMode(t *testing.T) {
	g, dev := fakeDevice(t)
	cpu, d := gradientSubjects()[0].build(1)
	modes := func() []int32 {
		t.Helper()
		m := g.MathModes()
		if len(m) != 1 {
			t.Fatalf("%d cuBLAS handles, want 1", len(m))
		}
		return m
	}
	for _, tc := range []struct {
		def  bool
		want int32
	}{{true, int32(cuda.MathDefault)}, {false, int32(cuda.MathPedantic)}, {true, int32(cuda.MathDefault)}} {
		n, err := New(cpu, &Settings{Device: dev, DefaultMath: tc.def})
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Step(0.1, backprop.All(d)); err != nil {
			t.Fatal(err)
		}
		if m := modes(); m[0] != tc.want {
			t.Errorf("DefaultMath %v: math mode %d, want %d", tc.def, m[0], tc.want)
		}
		n.Close()
	}
}

// Without cuBLAS the network uses its own GEMM kernels and says why.
func TestFakeWithoutCuBLAS(t *testing.T) {
	g := newFake()
	g.SetNoBLAS("cannot open libcublas.so.13")
	ctx, dev := openFake(t, g)
	defer ctx.Close()
	defer dev.Close()
	cpu, d := gradientSubjects()[1].build(1)
	n, err := New(cpu, &Settings{Device: dev})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if got := n.GEMM(); !strings.HasPrefix(got, "own kernels (") || !strings.Contains(got, "libcublas") {
		t.Errorf("GEMM() = %q, want own kernels with the reason", got)
	}
	want, _ := cpu.Cost(backprop.All(d))
	got, err := n.Cost(backprop.All(d))
	if err != nil || math.Abs(got-want) > relTol64*want {
		t.Errorf("Cost = %v, %v; CPU %v", got, err, want)
	}
	if s := g.Stats(); s.BLASGemms != 0 {
		t.Errorf("%d cuBLAS GEMMs without cuBLAS", s.BLASGemms)
	}
}

// A device that fails (here: out of memory) gives an error that is not ErrUnavailable,
// leaves nothing allocated behind, and the network works again once the device does.
func TestFakeDeviceFailure(t *testing.T) {
	g, dev, n, cpu, d := fakeNetwork(t)
	used := g.Used()
	g.SetFail("cuMemAlloc_v2", 2)
	_, err := n.Cost(backprop.All(d))
	var ce *cuda.Error
	if !errors.As(err, &ce) || ce.Code != cuda.CodeOutOfMemory || errors.Is(err, cuda.ErrUnavailable) {
		t.Errorf("Cost with allocation failing = %v, want CUDA_ERROR_OUT_OF_MEMORY", err)
	}
	if g.Used() != used {
		t.Errorf("a failed Cost left %d bytes allocated", g.Used()-used)
	}
	g.SetFail("cuMemAlloc_v2", 0)
	want, _ := cpu.Cost(backprop.All(d))
	got, err := n.Cost(backprop.All(d))
	if err != nil || math.Abs(got-want) > relTol64*want {
		t.Errorf("Cost after the failure = %v, %v; CPU %v", got, err, want)
	}

	// New fails the same way, and frees what it took.
	used = g.Used()
	g.SetFail("cuMemAlloc_v2", 2)
	if _, err := New(cpu, &Settings{Device: dev}); !errors.As(err, &ce) {
		t.Errorf("New with allocation failing = %v, want a CUDA error", err)
	}
	g.SetFail("cuMemAlloc_v2", 0)
	if g.Used() != used {
		t.Errorf("a failed New left %d bytes allocated", g.Used()-used)
	}
}

func TestNewSettingsErrors(t *testing.T) {
	_, dev := fakeDevice(t)
	cpu, _ := gradientSubjects()[0].build(1)
	for _, tc := range []struct {
		s    Settings
		want string
	}{
		{Settings{Device: dev, Precision: 7}, "unknown precision 7"},
		{Settings{Device: dev, MaxDatasets: -1}, "MaxDatasets -1"},
	} {
		if _, err := New(cpu, &tc.s); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want an error with %q", tc.s, err, tc.want)
		}
	}
}

func TestContiguous(t *testing.T) {
	for _, tc := range []struct {
		rows []int
		r0   int
		ok   bool
	}{
		{[]int{4}, 4, true},
		{[]int{0, 1, 2}, 0, true},
		{[]int{3, 4, 5, 6}, 3, true},
		{[]int{3, 5}, 0, false},
		{[]int{2, 1}, 0, false},
		{[]int{1, 1}, 0, false},
	} {
		if r0, ok := contiguous(tc.rows); r0 != tc.r0 || ok != tc.ok {
			t.Errorf("contiguous(%v) = %d, %v; want %d, %v", tc.rows, r0, ok, tc.r0, tc.ok)
		}
	}
}

// Without a GPU, New and Open say so with an error wrapping cuda.ErrUnavailable.
func TestNewWithoutGPU(t *testing.T) {
	if cuda.Available() == nil {
		t.Skip("a GPU is present")
	}
	cpu, _ := gradientSubjects()[0].build(1)
	_, err := New(cpu, nil)
	if !errors.Is(err, cuda.ErrUnavailable) || !strings.HasPrefix(err.Error(), "gpu: cuda: no usable GPU: ") {
		t.Errorf("New without a GPU = %v, want gpu: cuda: no usable GPU: <reason>", err)
	}
	if _, err := Open(0); !errors.Is(err, cuda.ErrUnavailable) {
		t.Errorf("Open without a GPU = %v, want ErrUnavailable", err)
	}
}
