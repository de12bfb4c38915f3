package kernels_test

// Kernel tests on a real GPU, against Go references. cudatest.Open skips them here and
// fails them under GPU_REQUIRED=1. On the GPU machine:
//
//	CGO_ENABLED=0 go test -c -o .gpubin/kernels.test ./gpu/kernels
//	GPU_REQUIRED=1 .gpubin/kernels.test -test.v -test.run GPU
//
// GEMM and SGD are tested with the binding, in package cuda (gpu_test.go there).
//
// Comparisons are bit for bit where the kernel and the reference perform the same
// rounded operations in the same order (the PTX is built with -fmad=false). Where a
// kernel calls exp, log, log1p or tanh, CUDA's and Go's implementations may differ by an
// ulp or two, and the tolerance below follows from that.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/gpu/cuda"
	"github.com/gradcheck/gradcheck/gpu/cuda/cudatest"
	"github.com/gradcheck/gradcheck/gpu/kernels"
)

type float interface{ float32 | float64 }

// prec bundles what a test needs to know about one precision.
type prec[T float] struct {
	set    kernels.Set
	scalar func(T) cuda.Arg
	u      float64 // unit roundoff
}

var (
	p64 = prec[float64]{kernels.F64, cuda.F64, 0x1p-53}
	p32 = prec[float32]{kernels.F32, cuda.F32, 0x1p-24}
)

// gpu runs f on c with the kernels loaded, and mem-managed helpers.
type gpu struct {
	th    *cuda.Thread
	m     *cuda.Module
	ptrs  []uint64
	first error
}

func (g *gpu) fn(name string) cuda.Function {
	f, err := g.th.Function(g.m, name)
	g.keep(err)
	return f
}

func (g *gpu) keep(err error) {
	if err != nil && g.first == nil {
		g.first = err
	}
}

// put copies v to the device and returns its address.
func put[T cuda.Elem](g *gpu, v []T) uint64 {
	var z T
	size := 8
	switch any(z).(type) {
	case float32, int32, uint32:
		size = 4
	}
	p, err := g.th.Alloc(max(len(v), 1) * size)
	g.keep(err)
	if err != nil {
		return 0
	}
	g.ptrs = append(g.ptrs, p)
	g.keep(cuda.ToDevice(g.th, p, v))
	return p
}

// get copies len(dst) elements back from p.
func get[T cuda.Elem](g *gpu, dst []T, p uint64) {
	if g.first == nil {
		g.keep(cuda.FromDevice(g.th, dst, p))
	}
}

func (g *gpu) launch(name string, grid, block cuda.Dim3, args ...cuda.Arg) {
	if g.first == nil {
		g.keep(g.th.Launch(g.fn(name), grid, block, 0, args...))
	}
}

func run(t *testing.T, c *cuda.Context, f func(g *gpu)) {
	t.Helper()
	err := c.Do(func(th *cuda.Thread) error {
		m, err := th.LoadModule(kernels.PTX())
		if err != nil {
			return err
		}
		g := &gpu{th: th, m: m}
		f(g)
		g.keep(th.Synchronize())
		for _, p := range g.ptrs {
			g.keep(th.Free(p))
		}
		g.keep(th.Unload(m))
		return g.first
	})
	if err != nil {
		t.Fatal(err)
	}
}

func randn[T float](rng *rand.Rand, n int, scale float64) []T {
	v := make([]T, n)
	for i := range v {
		v[i] = T(scale * rng.NormFloat64())
	}
	return v
}

func sameBits[T float](t *testing.T, what string, got, want []T) {
	t.Helper()
	for i := range want {
		if math.Float64bits(float64(got[i])) != math.Float64bits(float64(want[i])) {
			t.Errorf("%s[%d] = %v, want %v bit for bit", what, i, got[i], want[i])
			return
		}
	}
}

// near checks |got − want| ≤ tol·scale[i] elementwise.
func near[T float](t *testing.T, what string, got, want []T, tol float64, scale func(i int) float64) {
	t.Helper()
	for i := range want {
		if d := math.Abs(float64(got[i]) - float64(want[i])); !(d <= tol*scale(i)) {
			t.Errorf("%s[%d] = %v, want %v within %.3g", what, i, got[i], want[i], tol*scale(i))
			return
		}
	}
}

// colsumRef mirrors colsum's fixed tree: per column, thread t sums rows t, t+256, ...;
// the 256 partial sums are combined pairwise with halving strides; the root is divided.
func colsumRef[T float](rows, cols int, x []T, div T) []T {
	out := make([]T, cols)
	var s [kernels.ReduceThreads]T
	for j := range cols {
		for t := range s {
			s[t] = 0
			for i := t; i < rows; i += kernels.ReduceThreads {
				s[t] += x[i*cols+j]
			}
		}
		for h := kernels.ReduceThreads / 2; h > 0; h /= 2 {
			for t := range h {
				s[t] += s[t+h]
			}
		}
		out[j] = s[0] / div
	}
	return out
}

func testColSum[T float](t *testing.T, c *cuda.Context, p prec[T]) {
	rng := rand.New(rand.NewPCG(2, 1))
	const rows, cols = 1000, 7
	x := randn[T](rng, rows*cols, 1)
	want := colsumRef(rows, cols, x, T(rows))
	got1, got2 := make([]T, cols), make([]T, cols)
	run(t, c, func(g *gpu) {
		xp, o1, o2 := put(g, x), put(g, got1), put(g, got2)
		// One block per column, then fewer blocks than columns: the bits must not change.
		g.launch(p.set.ColSum, cuda.Dim(cols), cuda.Dim(kernels.ReduceThreads), cuda.Int(rows), cuda.Int(cols), cuda.Ptr(xp), cuda.Ptr(o1), p.scalar(rows))
		g.launch(p.set.ColSum, cuda.Dim(3), cuda.Dim(kernels.ReduceThreads), cuda.Int(rows), cuda.Int(cols), cuda.Ptr(xp), cuda.Ptr(o2), p.scalar(rows))
		get(g, got1, o1)
		get(g, got2, o2)
	})
	sameBits(t, p.set.ColSum+" (grid = cols)", got1, want)
	sameBits(t, p.set.ColSum+" (grid = 3)", got2, want)
}

func TestGPUColSum(t *testing.T) {
	c := cudatest.Open(t)
	testColSum(t, c, p64)
	testColSum(t, c, p32)
}

func testGatherRows[T float](t *testing.T, c *cuda.Context, p prec[T]) {
	rng := rand.New(rand.NewPCG(2, 2))
	const n, cols, rows = 100, 5, 37
	src := randn[T](rng, n*cols, 1)
	idx := make([]int32, rows)
	for i := range idx {
		idx[i] = int32(rng.IntN(n))
	}
	idx[0], idx[rows-1] = 0, n-1 // both ends
	want := make([]T, rows*cols)
	for r, i := range idx {
		copy(want[r*cols:(r+1)*cols], src[int(i)*cols:(int(i)+1)*cols])
	}
	got := make([]T, rows*cols)
	run(t, c, func(g *gpu) {
		ip, sp, dp := put(g, idx), put(g, src), put(g, got)
		g.launch(p.set.GatherRows, cuda.Dim(4), cuda.Dim(64), cuda.Int(rows), cuda.Int(cols), cuda.Ptr(ip), cuda.Ptr(sp), cuda.Ptr(dp))
		get(g, got, dp)
	})
	sameBits(t, p.set.GatherRows, got, want)
}

func TestGPUGatherRows(t *testing.T) {
	c := cudatest.Open(t)
	testGatherRows(t, c, p64)
	testGatherRows(t, c, p32)
}

// Go references for the activations, computed in float64.
func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

func activate(act kernels.Activation, z, slope float64) (a, da float64) {
	switch act {
	case kernels.Identity:
		return z, 1
	case kernels.Sigmoid:
		a = sigmoid(z)
		return a, a * (1 - a)
	case kernels.Tanh:
		a = math.Tanh(z)
		return a, 1 - a*a
	case kernels.ReLU:
		if z > 0 {
			return z, 1
		}
		return 0, 0
	case kernels.LeakyReLU:
		if z > 0 {
			return z, 1
		}
		return slope * z, slope
	case kernels.Softplus:
		return max(z, 0) + math.Log1p(math.Exp(-math.Abs(z))), sigmoid(z)
	}
	panic(fmt.Sprintf("unknown activation %d", act))
}

// Forward: Z + bias is one rounded add on both sides, so Z must match bit for bit. A is
// f(z): one libm call (≤ 2 ulp in CUDA, ≤ 1 in Go) and at most three rounded operations
// on each side; an ulp is at most 2u relative, so |ΔA| ≤ (2+1+3)·2u·|A| ≤ 16u·|A|. The
// float32 reference is the float64 value rounded once.
// Backward: f′ is computed from A (or z) and lies in [0, 1]. With |ΔA| ≤ 12u·|A|,
// tanh′ = 1 − A² moves by ≤ 2|A|·12u|A| ≤ 24u, sigmoid′ = A(1 − A) by less, plus a few
// roundings, so |ΔdZ| ≤ 32u·|dA|.
func testActivations[T float](t *testing.T, c *cuda.Context, p prec[T]) {
	rng := rand.New(rand.NewPCG(2, 3))
	const rows, cols = 33, 17
	slope := T(kernels.DefaultLeakySlope)
	for _, act := range []kernels.Activation{kernels.Identity, kernels.Sigmoid, kernels.Tanh, kernels.ReLU, kernels.LeakyReLU, kernels.Softplus} {
		z0 := randn[T](rng, rows*cols, 4)
		z0[0], z0[1], z0[2] = 0, 40, -40 // the kinks, and saturation
		bias := randn[T](rng, cols, 1)
		bias[0] = 0
		dA := randn[T](rng, rows*cols, 1)
		wantZ, wantA, wantDZ := make([]T, rows*cols), make([]T, rows*cols), make([]T, rows*cols)
		for i := range z0 {
			z := z0[i] + bias[i%cols]
			a, d := activate(act, float64(z), float64(slope))
			wantZ[i], wantA[i] = z, T(a)
			wantDZ[i] = T(d * float64(dA[i]))
		}
		gotZ, gotA, gotDZ := make([]T, rows*cols), make([]T, rows*cols), make([]T, rows*cols)
		run(t, c, func(g *gpu) {
			zp, bp, ap, dap, dzp := put(g, z0), put(g, bias), put(g, gotA), put(g, dA), put(g, gotDZ)
			g.launch(p.set.BiasActFwd, cuda.Dim(2), cuda.Dim(128), cuda.Int(rows), cuda.Int(cols), cuda.Ptr(bp), cuda.Ptr(zp), cuda.Ptr(ap), cuda.I32(int32(act)), p.scalar(slope))
			g.launch(p.set.ActBwd, cuda.Dim(2), cuda.Dim(128), cuda.Int(rows*cols), cuda.Ptr(zp), cuda.Ptr(ap), cuda.Ptr(dap), cuda.Ptr(dzp), cuda.I32(int32(act)), p.scalar(slope))
			get(g, gotZ, zp)
			get(g, gotA, ap)
			get(g, gotDZ, dzp)
		})
		name := fmt.Sprintf("%s act=%d", p.set.BiasActFwd, act)
		sameBits(t, name+" Z", gotZ, wantZ)
		near(t, name+" A", gotA, wantA, 16*p.u, func(i int) float64 { return math.Abs(float64(wantA[i])) })
		near(t, fmt.Sprintf("%s act=%d dZ", p.set.ActBwd, act), gotDZ, wantDZ, 32*p.u, func(i int) float64 { return math.Abs(float64(dA[i])) })
	}
}

func TestGPUActivations(t *testing.T) {
	c := cudatest.Open(t)
	testActivations(t, c, p64)
	testActivations(t, c, p32)
}

// Squared error: the same rounded operations in the same order, so bit for bit; the cost
// is colsum(E)/B, mirrored by colsumRef.
func testSqErr[T float](t *testing.T, c *cuda.Context, p prec[T]) {
	rng := rand.New(rand.NewPCG(2, 4))
	const rows, cols = 300, 3
	yh, y := randn[T](rng, rows*cols, 1), randn[T](rng, rows*cols, 1)
	wantE, wantG := make([]T, rows), make([]T, rows*cols)
	for i := range rows {
		var e T
		for k := range cols {
			d := yh[i*cols+k] - y[i*cols+k]
			e += T(d * d)
		}
		wantE[i] = e
	}
	for i := range wantG {
		wantG[i] = (2 * (yh[i] - y[i])) / rows
	}
	wantCost := colsumRef(rows, 1, wantE, T(rows))
	gotE, gotG, gotCost := make([]T, rows), make([]T, rows*cols), make([]T, 1)
	run(t, c, func(g *gpu) {
		yhp, yp, ep, gp, cp := put(g, yh), put(g, y), put(g, gotE), put(g, gotG), put(g, gotCost)
		g.launch(p.set.SqErr, cuda.Dim(2), cuda.Dim(64), cuda.Int(rows), cuda.Int(cols), cuda.Ptr(yhp), cuda.Ptr(yp), cuda.Ptr(ep))
		g.launch(p.set.SqErrGrad, cuda.Dim(2), cuda.Dim(64), cuda.Int(rows), cuda.Int(cols), cuda.Ptr(yhp), cuda.Ptr(yp), cuda.Ptr(gp))
		g.launch(p.set.ColSum, cuda.Dim(1), cuda.Dim(kernels.ReduceThreads), cuda.Int(rows), cuda.Int(1), cuda.Ptr(ep), cuda.Ptr(cp), p.scalar(rows))
		get(g, gotE, ep)
		get(g, gotG, gp)
		get(g, gotCost, cp)
	})
	sameBits(t, p.set.SqErr, gotE, wantE)
	sameBits(t, p.set.SqErrGrad, gotG, wantG)
	sameBits(t, p.set.ColSum+" cost", gotCost, wantCost)
}

func TestGPUSqErr(t *testing.T) {
	c := cudatest.Open(t)
	testSqErr(t, c, p64)
	testSqErr(t, c, p32)
}

// Softmax cross-entropy. P_k = e^(z_k−m)/s. Each side has one exp (≤ 2 ulp ≤ 4u
// relative in CUDA, ≤ 2u in Go), a sum of cols = 10 positive terms (≤ 10u relative) and a
// division (u): |ΔP| ≤ 32u·P, plus a few spacings of the subnormals where e^(z_k−m)
// underflows into them (row 0), allowed for by adding the smallest normal to the scale.
// E = −(z_c − m − log s) for a one-hot row: log s moves by ≤ 20u absolute from s's
// relative error, plus its own ≤ 2 ulp, and z_c − m and the subtraction round once each:
// |ΔE| ≤ 32u·(|z_c − m| + |log s| + 1). The gradient kernel is fed the GPU's own P, so it
// is checked bit for bit.
func testSoftmaxXent[T float](t *testing.T, c *cuda.Context, p prec[T]) {
	rng := rand.New(rand.NewPCG(2, 5))
	const rows, cols = 50, 10
	z := randn[T](rng, rows*cols, 3)
	// A logit whose exponential overflows T: only the max shift keeps row 0 finite.
	z[0] = 700
	if p.u == p32.u {
		z[0] = 90
	}
	y := make([]T, rows*cols)
	for i := range rows {
		y[i*cols+rng.IntN(cols)] = 1
	}
	wantP, wantE, scaleE := make([]T, rows*cols), make([]T, rows), make([]float64, rows)
	for i := range rows {
		zi := z[i*cols : (i+1)*cols]
		m := math.Inf(-1)
		for _, v := range zi {
			m = max(m, float64(v))
		}
		var s float64
		for _, v := range zi {
			s += math.Exp(float64(v) - m)
		}
		var e float64
		for k, v := range zi {
			wantP[i*cols+k] = T(math.Exp(float64(v)-m) / s)
			if y[i*cols+k] == 1 {
				e = float64(v) - m - math.Log(s)
				scaleE[i] = math.Abs(float64(v)-m) + math.Abs(math.Log(s)) + 1
			}
		}
		wantE[i] = T(-e)
	}
	minNormal := 0x1p-1022
	if p.u == p32.u {
		minNormal = 0x1p-126
	}
	gotP, gotE, gotG := make([]T, rows*cols), make([]T, rows), make([]T, rows*cols)
	run(t, c, func(g *gpu) {
		zp, yp, pp, ep := put(g, z), put(g, y), put(g, gotP), put(g, gotE)
		g.launch(p.set.SoftmaxXent, cuda.Dim(1), cuda.Dim(32), cuda.Int(rows), cuda.Int(cols), cuda.Ptr(zp), cuda.Ptr(yp), cuda.Ptr(pp), cuda.Ptr(ep))
		get(g, gotP, pp)
		get(g, gotE, ep)
	})
	near(t, p.set.SoftmaxXent+" P", gotP, wantP, 32*p.u, func(i int) float64 { return float64(wantP[i]) + minNormal })
	near(t, p.set.SoftmaxXent+" E", gotE, wantE, 32*p.u, func(i int) float64 { return scaleE[i] })

	wantG := make([]T, rows*cols)
	for i := range wantG {
		wantG[i] = (gotP[i] - y[i]) / rows
	}
	run(t, c, func(g *gpu) {
		pp, yp, gp := put(g, gotP), put(g, y), put(g, gotG)
		g.launch(p.set.SoftmaxXentGrad, cuda.Dim(2), cuda.Dim(64), cuda.Int(rows), cuda.Int(cols), cuda.Ptr(pp), cuda.Ptr(yp), cuda.Ptr(gp))
		get(g, gotG, gp)
	})
	sameBits(t, p.set.SoftmaxXentGrad, gotG, wantG)
}

func TestGPUSoftmaxXent(t *testing.T) {
	c := cudatest.Open(t)
	testSoftmaxXent(t, c, p64)
	testSoftmaxXent(t, c, p32)
}

// The reduction, run again on the same input, gives the same bits: it has no atomics.
func TestGPUColSumRepeats(t *testing.T) {
	c := cudatest.Open(t)
	rng := rand.New(rand.NewPCG(2, 6))
	const rows, cols = 1 << 16, 3
	x := randn[float64](rng, rows*cols, 1)
	var first []float64
	for r := range 5 {
		got := make([]float64, cols)
		run(t, c, func(g *gpu) {
			xp, op := put(g, x), put(g, got)
			g.launch(p64.set.ColSum, cuda.Dim(cols), cuda.Dim(kernels.ReduceThreads), cuda.Int(rows), cuda.Int(cols), cuda.Ptr(xp), cuda.Ptr(op), cuda.F64(1))
			get(g, got, op)
		})
		if r == 0 {
			first = got
			continue
		}
		sameBits(t, fmt.Sprintf("colsum run %d", r), got, first)
	}
}
