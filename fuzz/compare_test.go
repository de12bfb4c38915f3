package fuzz

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
	"github.com/gradcheck/gradcheck/numgrad/zoo"
)

// randomBytes returns n bytes from rng, for a Source.
func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// TestBackpropPasses runs Compare on 500 random cases within the default
// limits: backprop is correct, so no case may fail, and most must pass
// (only kinks may go without a verdict, since the values are finite and
// moderate).
func TestBackpropPasses(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	counts := map[Verdict]int{}
	for trial := range 500 {
		src := NewSource(randomBytes(rng, 1024))
		net := src.Network(nil)
		c := net.Config()
		d := src.DatasetFor(c, nil)
		cmp, err := Compare(net, net, backprop.All(d))
		if err != nil {
			t.Fatal(err)
		}
		counts[cmp.Verdict]++
		if cmp.Verdict == Fail || cmp.Verdict == NonFinite {
			t.Errorf("trial %d, %v %v: %v", trial, c.Sizes, c.Activations, cmp)
		}
	}
	if counts[Pass] < 450 {
		t.Errorf("only %d of 500 cases passed: %v", counts[Pass], counts)
	}
	t.Logf("verdicts: %v", counts)
}

// TestReferenceIsDual checks that the bounded dual numbers compute the same
// bits as backprop.Dual: the bound rides along without changing the value.
func TestReferenceIsDual(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2, 2))
	for range 200 {
		src := NewSource(randomBytes(rng, 512))
		net := src.Network(nil)
		c := net.Config()
		d := src.DatasetFor(c, nil)
		theta := net.ParamsTo(nil)
		ref, err := runerr.Gradient(net, theta, backprop.All(d))
		if err != nil {
			t.Fatal(err)
		}
		x := make([]backprop.Dual, len(theta))
		for i, v := range theta {
			x[i].V = v
		}
		for i := range theta {
			x[i].D = 1
			v, _ := backprop.CostAt(net, x, backprop.All(d))
			x[i].D = 0
			if math.Float64bits(v.D) != math.Float64bits(ref.Grad[i]) || math.Float64bits(v.V) != math.Float64bits(ref.Cost) {
				t.Fatalf("%v %v: component %d: dual (%v, %v), reference (%v, %v)", c.Sizes, c.Activations, i, v.V, v.D, ref.Cost, ref.Grad[i])
			}
		}
	}
}

// TestToleranceCoversComplexStep holds the reference against a third,
// independent evaluation, the complex step Im C(θ + ih·e_i)/h with
// h = 1e-100 (truncation h²·|C‴|/6, far below rounding). It evaluates
// through complex exp, log and tanh, whose errors are a few ulps like the
// real ones, so it must fall within the same Slack·Err tolerance that
// Compare gives backprop.
func TestToleranceCoversComplexStep(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 3))
	checked := 0
	for range 300 {
		src := NewSource(randomBytes(rng, 512))
		net := src.Network(nil)
		c := net.Config()
		d := src.DatasetFor(c, nil)
		cmp, err := Compare(net, net, backprop.All(d))
		if err != nil {
			t.Fatal(err)
		}
		if cmp.Verdict != Pass {
			continue
		}
		checked++
		theta := net.ParamsTo(nil)
		x := make([]backprop.Complex, len(theta))
		for i, v := range theta {
			x[i] = backprop.Complex(complex(v, 0))
		}
		const h = 1e-100
		for i := range theta {
			x[i] += backprop.Complex(complex(0, h))
			v, _ := backprop.CostAt(net, x, backprop.All(d))
			x[i] = backprop.Complex(complex(theta[i], 0))
			cs := imag(v) / h
			if math.IsNaN(cs) || math.IsInf(cs, 0) {
				// cmplx.Tanh overflows for |Re z| > 355 (it computes
				// cosh 2z): a limit of this oracle, not of the reference.
				continue
			}
			if !(math.Abs(cs-cmp.Ref.Grad[i]) <= cmp.Tol[i]) {
				t.Errorf("%v %v: %s: complex step %v, dual %v, |Δ| = %.3g > tol %.3g", c.Sizes, c.Activations, cmp.where(i), cs, cmp.Ref.Grad[i], math.Abs(cs-cmp.Ref.Grad[i]), cmp.Tol[i])
			}
		}
	}
	if checked < 250 {
		t.Errorf("only %d of 300 cases had a verdict", checked)
	}
}

// TestMutantsFail gives Compare every mutant of the bug zoo on its own
// configuration and data: each must fail, blaming a component of a block
// the mutant is known to get wrong.
func TestMutantsFail(t *testing.T) {
	t.Parallel()
	for _, m := range zoo.Mutants() {
		net := backprop.MustNew(m.Config)
		cmp, err := Compare(m.New(net), net, backprop.All(m.Data(1)))
		if err != nil {
			t.Fatalf("%s: %v", m.Name, err)
		}
		if cmp.Verdict != Fail {
			t.Errorf("%s: verdict %v, want FAIL", m.Name, cmp.Verdict)
			continue
		}
		loc, _ := net.Layout().Locate(cmp.Mismatch[0])
		found := false
		for _, w := range m.Expect {
			found = found || (w.Layer == loc.Layer && w.Group == loc.Group)
		}
		if !found {
			t.Errorf("%s: blames %v, which is not among %v", m.Name, loc, m.Expect)
		}
	}
}

// TestNonFiniteNeverPasses puts NaN or ±Inf in one parameter or data value
// of otherwise ordinary cases, including behind a ReLU that maps NaN to 0:
// the verdict must be NonFinite, never Pass.
func TestNonFiniteNeverPasses(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(4, 4))
	bad := []float64{math.NaN(), math.Inf(1), math.Inf(-1)}
	for trial := range 300 {
		src := NewSource(randomBytes(rng, 512))
		cfg := src.Config(nil)
		if trial%2 == 0 {
			for l := range cfg.Activations {
				cfg.Activations[l] = backprop.ReLU
			}
		}
		net := backprop.MustNew(cfg)
		net.SetParams(src.Params(net.NumParams(), nil))
		d := src.DatasetFor(cfg, nil)
		v := bad[trial%3]
		switch trial % 4 {
		case 0, 1:
			p := net.ParamsTo(nil)
			p[rng.IntN(len(p))] = v
			net.SetParams(p)
		case 2:
			d.X[rng.IntN(len(d.X))] = v
		case 3:
			d.Y[rng.IntN(len(d.Y))] = v
		}
		cmp, err := Compare(net, net, backprop.All(d))
		if err != nil {
			t.Fatal(err)
		}
		if cmp.Verdict != NonFinite {
			t.Errorf("trial %d: %v in the case, verdict %v", trial, v, cmp)
		}
	}
}

// TestHugeFiniteNeverFails uses weights of 1e308 and 1e154, finite but
// past where the cost stays finite or the bound stays first order: the
// verdict may be anything but Fail: backprop is right, and where the bound
// is not first order any more the comparison must say so rather than fail.
func TestHugeFiniteNeverFails(t *testing.T) {
	t.Parallel()
	for _, w := range []float64{1e308, -1e308, 1e154, math.MaxFloat64, 1e-310, math.SmallestNonzeroFloat64} {
		for _, a := range backprop.Activations() {
			for _, loss := range backprop.Losses() {
				net := backprop.MustNew(backprop.Config{Sizes: []int{2, 3, 2}, Activations: []backprop.Activation{a, backprop.Identity}, Loss: loss})
				p := net.ParamsTo(nil)
				for i := range p {
					p[i] = w * float64(1-2*(i%2))
				}
				net.SetParams(p)
				d, _ := backprop.NewDataset([][]float64{{1, -2}, {0.5, 3}}, [][]float64{{1, 0}, {0, 1}})
				cmp, err := Compare(net, net, backprop.All(d))
				if err != nil {
					t.Fatal(err)
				}
				if cmp.Verdict == Fail {
					t.Errorf("w = %g, %v, %v: %v", w, a, loss, cmp)
				}
			}
		}
	}
}

// TestOverflowHiddenByBranchNeverFails is the class of the fuzz corpus's
// regress-overflow-hidden-by-relu: weights near ±1e308 whose sum is finite
// in backprop's order and overflows in the reference's, the NaN that
// follows hidden by a ReLU (mapped to 0). Over random such networks, right
// by construction, Compare may say anything but Fail, and it must not Pass
// where the reference overflowed before a branch.
func TestOverflowHiddenByBranchNeverFails(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 7))
	acts := []backprop.Activation{backprop.Identity, backprop.ReLU, backprop.LeakyReLU, backprop.Tanh}
	counts := map[Verdict]int{}
	overflowed := 0
	for trial := range 2000 {
		L := 1 + rng.IntN(3)
		sizes := []int{1 + rng.IntN(3)}
		var as []backprop.Activation
		for range L {
			sizes = append(sizes, 1+rng.IntN(3))
			as = append(as, acts[rng.IntN(len(acts))])
		}
		as[L-1] = backprop.ReLU
		net := backprop.MustNew(backprop.Config{Sizes: sizes, Activations: as, Loss: backprop.SquaredError})
		p := net.ParamsTo(nil)
		for i := range p {
			switch rng.IntN(3) {
			case 0:
				p[i] = (0.5 + 1.2*rng.Float64()) * 1e308 * float64(1-2*rng.IntN(2))
			case 1:
				p[i] = 0
			default:
				p[i] = rng.NormFloat64()
			}
		}
		net.SetParams(p)
		x := make([]float64, sizes[0])
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		d, err := backprop.NewDataset([][]float64{x}, [][]float64{make([]float64, sizes[L])})
		if err != nil {
			t.Fatal(err)
		}
		cmp, err := Compare(net, net, backprop.All(d))
		if err != nil {
			t.Fatal(err)
		}
		counts[cmp.Verdict]++
		if cmp.Ref.Overflow {
			overflowed++
			if cmp.Verdict == Pass {
				t.Fatalf("trial %d: the reference overflowed before a branch, yet %v", trial, cmp)
			}
		}
		if cmp.Verdict == Fail {
			t.Fatalf("trial %d: sizes %v, %v, θ %v: %v", trial, sizes, as, p, cmp)
		}
	}
	t.Logf("verdicts %v; the reference overflowed before a branch in %d", counts, overflowed)
	if overflowed == 0 {
		t.Error("no case overflowed before a branch: the suite does not reach its class")
	}
}
