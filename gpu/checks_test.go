package gpu

// Cross-checks of the GPU network against backprop, written once and run on two devices:
// the fake driver (fake_test.go, everywhere) and a real GPU (gpu_test.go, skipped without
// one). Tolerances:
//
//   - Float64: ‖g_gpu − g_cpu‖₂ ≤ 1e-12·‖g_cpu‖₂, and the same for the cost. Both sides
//     compute in float64 and differ only in the order of their sums (cuBLAS's own order,
//     colsum's tree) and in a few formulas that agree to rounding (f′ from f, the scaling
//     by 1/B); on these networks of depth ≤ 4 and width ≤ 32 that is a few hundred ulps
//     of the norm at most, so 1e-12 ≈ 4500 ulps leaves a margin and still catches any
//     wrong term.
//   - Float32: componentwise, twice the first-order error bound derived in bound_test.go.
//   - Training: the bound of trainingTolerance below.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
)

// relTol64 is the float64 norm-wise tolerance.
const relTol64 = 1e-12

// subject is a random network and dataset to compare on.
type subject struct {
	name  string
	sizes []int
	acts  []backprop.Activation
	loss  backprop.Loss
	n     int // samples
}

// build returns the subject's network and a dataset for it: inputs uniform in [−2, 2];
// targets uniform in [−1, 1] for the squared error, non-negative weights uniform in
// [0, 1] (rows not summing to 1) for the cross-entropy, with one one-hot row.
func (s subject) build(seed uint64) (*backprop.Network, *backprop.Dataset) {
	net := backprop.MustNew(backprop.Config{Sizes: s.sizes, Activations: s.acts, Loss: s.loss, Seed: seed})
	rng := rand.New(rand.NewPCG(seed, 2))
	in, out := s.sizes[0], s.sizes[len(s.sizes)-1]
	d := &backprop.Dataset{N: s.n, In: in, Out: out, X: make([]float64, s.n*in), Y: make([]float64, s.n*out)}
	for i := range d.X {
		d.X[i] = 4*rng.Float64() - 2
	}
	for i := range d.Y {
		if s.loss == backprop.SoftmaxCrossEntropy {
			d.Y[i] = rng.Float64()
		} else {
			d.Y[i] = 2*rng.Float64() - 1
		}
	}
	if s.loss == backprop.SoftmaxCrossEntropy {
		clear(d.Y[:out])
		d.Y[out-1] = 1
	}
	return net, d
}

// gradientSubjects: every activation in every layer, both losses, and one wider, deeper
// network.
func gradientSubjects() []subject {
	var ss []subject
	for _, loss := range backprop.Losses() {
		for _, a := range backprop.Activations() {
			ss = append(ss, subject{
				name:  fmt.Sprintf("%v/%v", loss, a),
				sizes: []int{5, 8, 6, 3},
				acts:  []backprop.Activation{a, a, a},
				loss:  loss, n: 20,
			})
		}
	}
	ss = append(ss, subject{
		name:  "wide/sigmoid-tanh-identity",
		sizes: []int{16, 32, 32, 32, 4},
		acts:  []backprop.Activation{backprop.Sigmoid, backprop.Tanh, backprop.Softplus, backprop.Identity},
		loss:  backprop.SquaredError, n: 40,
	})
	return ss
}

// batchesOf returns every sample, a run of consecutive rows, and shuffled rows with
// duplicates: the three ways a network reads a batch.
func batchesOf(d *backprop.Dataset) []struct {
	name string
	b    backprop.Batch
} {
	rng := rand.New(rand.NewPCG(uint64(d.N), 3))
	shuffled := make([]int, d.N+3)
	for i := range shuffled {
		shuffled[i] = rng.IntN(d.N)
	}
	return []struct {
		name string
		b    backprop.Batch
	}{
		{"all", backprop.All(d)},
		{"run", backprop.Batch{Data: d, Rows: []int{2, 3, 4, 5, 6, 7, 8}}},
		{"gathered", backprop.Batch{Data: d, Rows: shuffled}},
	}
}

func norm(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

func diffNorm(a, b []float64) float64 {
	var s float64
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return math.Sqrt(s)
}

// checkGradients compares Cost and Gradient of networks made with set (its Device, its
// Precision p, cuBLAS or the own GEMM kernels) with backprop's, for every subject and
// batch kind.
func checkGradients(t *testing.T, set Settings) {
	p := set.Precision
	for k, s := range gradientSubjects() {
		t.Run(s.name, func(t *testing.T) {
			cpu, d := s.build(uint64(k + 1))
			g, err := New(cpu, &set)
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			for _, bc := range batchesOf(d) {
				got := make([]float64, g.NumParams())
				gotC, err := g.Gradient(got, bc.b)
				if err != nil {
					t.Fatalf("%s: %v", bc.name, err)
				}
				onlyC, err := g.Cost(bc.b)
				if err != nil {
					t.Fatalf("%s: %v", bc.name, err)
				}
				if onlyC != gotC {
					t.Errorf("%s: Cost %v, Gradient's cost %v: want the same bits", bc.name, onlyC, gotC)
				}
				if p == Float64 {
					want := make([]float64, cpu.NumParams())
					wantC, err := cpu.Gradient(want, bc.b)
					if err != nil {
						t.Fatal(err)
					}
					if e := diffNorm(got, want); !(e <= relTol64*norm(want)) {
						t.Errorf("%s: ‖g_gpu − g_cpu‖ = %.3g > %g·‖g_cpu‖ = %.3g", bc.name, e, relTol64, relTol64*norm(want))
					}
					if e := math.Abs(gotC - wantC); !(e <= relTol64*math.Abs(wantC)) {
						t.Errorf("%s: cost %v, CPU %v", bc.name, gotC, wantC)
					}
					continue
				}
				checkFloat32(t, bc.name, cpu, bc.b, got, gotC)
			}
		})
	}
}

// checkFloat32 compares a float32 gradient and cost with backprop's within twice the
// derived first-order bound.
func checkFloat32(t *testing.T, what string, cpu *backprop.Network, b backprop.Batch, got []float64, gotC float64) {
	t.Helper()
	bd, want, wantC := float32Bound(cpu, b)
	c := cpu.Config()
	maxW := 0
	for _, w := range c.Sizes {
		maxW = max(maxW, w)
	}
	// The second-order terms are covered while the intermediate relative bounds, of
	// order depth·γ(width + batch + 16), stay below ½.
	if r := float64(len(c.Sizes)) * gamma(maxW+b.Len()+16, u32); r > 0.5 {
		t.Fatalf("%s: intermediate relative bound %g ≥ ½: the first-order bound does not apply", what, r)
	}
	worst, at := 0.0, -1
	for i := range want {
		tol := boundSafety*bd.grad[i] + boundFloor
		e := math.Abs(got[i] - want[i])
		if !(e <= tol) {
			loc, _ := cpu.Layout().Locate(i)
			t.Errorf("%s: %v: float32 %v, CPU %v: |Δ| = %.3g > bound %.3g", what, loc, got[i], want[i], e, tol)
			return
		}
		if r := e / tol; r > worst {
			worst, at = r, i
		}
	}
	if e, tol := math.Abs(gotC-wantC), boundSafety*bd.cost+boundFloor; !(e <= tol) {
		t.Errorf("%s: float32 cost %v, CPU %v: |Δ| = %.3g > bound %.3g", what, gotC, wantC, e, tol)
	}
	if at >= 0 {
		t.Logf("%s: largest error %.2g of its bound (parameter %d)", what, worst, at)
	}
}

// trainingSubjects are smooth networks (no kink to cross, so the training map is
// differentiable and its amplification measurable), one per loss.
func trainingSubjects() []subject {
	return []subject{
		{name: "squared/tanh", sizes: []int{4, 6, 5, 3}, acts: []backprop.Activation{backprop.Tanh, backprop.Tanh, backprop.Identity}, loss: backprop.SquaredError, n: 24},
		{name: "xent/sigmoid", sizes: []int{4, 7, 3}, acts: []backprop.Activation{backprop.Sigmoid, backprop.Identity}, loss: backprop.SoftmaxCrossEntropy, n: 24},
	}
}

// checkTraining trains networks made with set with backprop.Train for ten epochs in each
// mode and compares the final parameters with backprop's.
func checkTraining(t *testing.T, set Settings) {
	p := set.Precision
	for k, s := range trainingSubjects() {
		for _, mode := range []backprop.Mode{backprop.Online, backprop.MiniBatch, backprop.FullBatch} {
			t.Run(fmt.Sprintf("%s/%v", s.name, mode), func(t *testing.T) {
				cpu, d := s.build(uint64(10 + k))
				ts := &backprop.TrainSettings{Mode: mode, BatchSize: 5, Epochs: 10, LearningRate: 0.05, Shuffle: true, Seed: 7}
				g, err := New(cpu, &set)
				if err != nil {
					t.Fatal(err)
				}
				defer g.Close()
				h, err := backprop.Train(g, d, ts)
				if err != nil {
					t.Fatal(err)
				}
				got := g.ParamsTo(nil)

				ref := cpu.Clone()
				hc, err := backprop.Train(ref, d, ts)
				if err != nil {
					t.Fatal(err)
				}
				want, tol := trainingTolerance(t, cpu.Clone(), d, ts, p)
				if i := firstBitDiff(ref.ParamsTo(nil), want); i >= 0 {
					t.Fatalf("the reference replay differs from backprop.Train at parameter %d: the schedules differ", i)
				}
				if h.Updates != hc.Updates || len(h.Cost) != len(hc.Cost) {
					t.Errorf("GPU history: %d updates, %d epochs; CPU: %d, %d", h.Updates, len(h.Cost), hc.Updates, len(hc.Cost))
				}
				if e := diffNorm(got, want); !(e <= tol) {
					t.Errorf("‖θ_gpu − θ_cpu‖ = %.3g after %d updates, bound %.3g (‖θ‖ = %.3g)", e, h.Updates, tol, norm(want))
				} else {
					t.Logf("‖θ_gpu − θ_cpu‖ = %.3g, bound %.3g", e, tol)
				}
			})
		}
	}
}

// trainingTolerance replays backprop.Train's updates on net and returns the final
// parameters and a bound on how far a GPU run in precision p may end from them.
//
// With e_t = ‖θ̂_t − θ_t‖, an update θ ← θ − η·g adds the gradient's error, η·‖E_t‖,
// and its own rounding, at most u·(2‖η·g_t‖ + ‖θ_{t+1}‖) (η·g rounded, η itself rounded
// to float32 in Float32, the subtraction rounded); the initial parameters are rounded
// too in float32, e₀ = u·‖θ₀‖. An error made at step t is carried to the end by the
// remaining updates, which may amplify it: A_t = ‖∂θ_T/∂θ_t·v‖ for a direction v of unit
// norm. Rounding errors point in no particular direction, so A_t is measured along
// random directions by finite differences (perturbations of 10⁻⁶‖θ‖, well inside the
// linear range and far above float64's rounding); A is the largest over several starts
// t and directions, and at least 1. Then
//
//	e_T ≤ A·(e₀ + Σ_t η‖E_t‖ + u·(2‖η·g_t‖ + ‖θ_{t+1}‖)),
//
// and the tolerance is four times that, for directions that amplify more than the random
// ones measured. ‖E_t‖ is relTol64·‖g_t‖ in float64 and the norm of the float32 bound
// (bound_test.go) in float32.
func trainingTolerance(t *testing.T, net *backprop.Network, d *backprop.Dataset, s *backprop.TrainSettings, p Precision) ([]float64, float64) {
	t.Helper()
	rng := backprop.NewShuffler(s.Seed)
	var steps [][]int
	for range s.Epochs {
		steps = append(steps, backprop.Schedule(d.N, s, rng)...)
	}
	u := u64
	if p == Float32 {
		u = u32
	}
	theta := net.ParamsTo(nil)
	var sum float64
	if p == Float32 {
		sum = u * norm(theta)
	}
	starts := map[int][]float64{}
	g := make([]float64, len(theta))
	for k, rows := range steps {
		if k == 0 || k == len(steps)/4 || k == len(steps)/2 || k == 3*len(steps)/4 {
			starts[k] = append([]float64(nil), theta...)
		}
		b := backprop.Batch{Data: d, Rows: rows}
		var eg float64
		if p == Float32 {
			bd, grad, _ := float32Bound(net, b)
			copy(g, grad)
			e := make([]float64, len(bd.grad))
			for i, v := range bd.grad {
				e[i] = boundSafety*v + boundFloor
			}
			eg = norm(e)
		} else {
			if _, err := net.Gradient(g, b); err != nil {
				t.Fatal(err)
			}
			eg = relTol64 * norm(g)
		}
		backprop.Update(theta, s.LearningRate, g)
		net.SetParams(theta)
		sum += s.LearningRate*eg + u*(2*s.LearningRate*norm(g)+norm(theta))
	}
	final := append([]float64(nil), theta...)

	// The amplification of the remaining updates, from each start, along two random
	// directions.
	A := 1.0
	dir := rand.New(rand.NewPCG(5, 5))
	for k, th0 := range starts {
		for range 2 {
			v := make([]float64, len(th0))
			for i := range v {
				v[i] = dir.NormFloat64()
			}
			scale := 1e-6 * max(1, norm(th0)) / norm(v)
			for i := range v {
				v[i] = th0[i] + scale*v[i]
			}
			net.SetParams(v)
			for _, rows := range steps[k:] {
				if err := net.Step(s.LearningRate, backprop.Batch{Data: d, Rows: rows}); err != nil {
					t.Fatal(err)
				}
			}
			A = max(A, diffNorm(net.ParamsTo(nil), final)/diffNorm(v, th0))
		}
	}
	return final, 4 * A * sum
}

// firstBitDiff returns the first index where a and b differ in bits, or −1.
func firstBitDiff(a, b []float64) int {
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return i
		}
	}
	return -1
}
