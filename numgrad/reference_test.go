package numgrad

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
)

// op is one step of a random program over backprop.Scalar: node k of the
// program is op k applied to earlier nodes a and b (the inputs come
// first), or to the constant c.
type op struct {
	kind int
	a, b int
	c    float64
}

const opKinds = 13

// randomProgram returns a program of size steps over n inputs.
func randomProgram(rng *rand.Rand, n, size int) []op {
	prog := make([]op, size)
	for k := range prog {
		avail := n + k
		prog[k] = op{kind: rng.IntN(opKinds), a: rng.IntN(avail), b: rng.IntN(avail), c: rng.NormFloat64()}
	}
	return prog
}

// run evaluates prog at x over T and returns its last node.
func runProgram[T backprop.Scalar[T]](prog []op, x []T) T {
	nodes := append([]T(nil), x...)
	for _, o := range prog {
		a, b := nodes[o.a], nodes[o.b]
		var r T
		switch o.kind {
		case 0:
			r = a.Add(b)
		case 1:
			r = a.Sub(b)
		case 2:
			r = a.Mul(b)
		case 3:
			r = a.Div(b)
		case 4:
			r = a.Neg()
		case 5:
			r = a.Mul(a.Const(o.c)).Tanh().Exp() // exp of a bounded argument
		case 6:
			r = backprop.Abs(a).Add(a.Const(0.5)).Log()
		case 7:
			r = backprop.Abs(a).Log1p()
		case 8:
			r = a.Tanh()
		case 9:
			r = a.Mul(a).Add(a.Const(1e-3)).Sqrt()
		case 10:
			r = backprop.Max(a, b)
		case 11:
			r = a.Add(a.Const(o.c))
		default:
			r = backprop.Activate(backprop.Sigmoid, a.Mul(b))
		}
		nodes = append(nodes, r)
	}
	return nodes[len(nodes)-1]
}

// sameBits reports whether a and b are the same float64, NaN for NaN.
func sameBits(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
}

// TestBoundedReferenceIsDual: the bounded dual reference (Problem.Bounded)
// gives every derivative and value that the dual reference gives for the
// same code over backprop.Dual, bit for bit, on random programs of every
// operation of backprop.Scalar; so a problem that offers it is judged on
// the same estimates, with a bound on their rounding besides. The bound is
// trusted on most of them (a program that never computes a perturbed
// argument), so that the test sees both cases.
func TestBoundedReferenceIsDual(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	trusted, total := 0, 0
	for trial := range 300 {
		n := 1 + rng.IntN(4)
		prog := randomProgram(rng, n, 1+rng.IntN(12))
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64() * 2
		}
		dual := DualNumbers(func(v []backprop.Dual) (backprop.Dual, error) { return runProgram(prog, v), nil })
		bounded := &boundedRef{f: func(v []runerr.Value) (runerr.Value, error) { return runProgram(prog, v), nil }}
		for i := range x {
			d1, f1, err := dual.Partial(x, i)
			if err != nil {
				t.Fatal(err)
			}
			d2, e2, f2, err := bounded.partialBound(x, i)
			if err != nil {
				t.Fatal(err)
			}
			if !sameBits(d1, d2) || !sameBits(f1, f2) {
				t.Fatalf("trial %d, ∂/∂x_%d at %v: dual gives %v (f = %v), bounded %v (f = %v)", trial, i, x, d1, f1, d2, f2)
			}
			if d3, f3, _ := bounded.Partial(x, i); !sameBits(d2, d3) || !sameBits(f2, f3) {
				t.Fatalf("trial %d: Partial %v, %v; partialBound %v, %v", trial, d3, f3, d2, f2)
			}
			total++
			if finite(e2) {
				trusted++
			}
		}
	}
	if trusted == 0 || trusted == total {
		t.Errorf("%d of %d bounds trusted: the programs do not show both cases", trusted, total)
	}
}

// TestBoundedReferenceUntrusted: where runerr does not trust the running
// bound (an argument of a nonlinear function perturbed by more than
// runerr.MaxRel of itself), the bounded reference is judged as the dual
// one is: the blind band, the same report. f(v) = v₀v₁ + log((1 + 2⁻⁴⁰) − 1)
// holds a logarithm of a difference exact by Sterbenz's lemma that the
// running bound cannot know to be exact: it charges the subtraction 2u,
// 2⁻¹² of its result. The claim errs by 3e-8 in ∂/∂v₀ (G = 2): above the
// claim's blind band √u·G = 2.1e-8 plus the derivative's bound of a few
// ulps, so that it fails were the bound trusted, and below the claim's
// band plus the reference's, 4.2e-8: Undecided.
func TestBoundedReferenceUntrusted(t *testing.T) {
	t.Parallel()
	g := func(v []float64) float64 { return v[0]*v[1] + math.Log((1+0x1p-40)-1) }
	x := []float64{1.5, 2}
	claim := []float64{2 + 3e-8, 1.5}
	p := func(bounded bool) *Problem {
		p := FuncProblem(g, claim, x)
		if bounded {
			p.Bounded = func(v []runerr.Value) (runerr.Value, error) {
				c := v[0].Const(1 + 0x1p-40).Sub(v[0].Const(1)).Log()
				return v[0].Mul(v[1]).Add(c), nil
			}
		} else {
			p.Dual = func(v []backprop.Dual) (backprop.Dual, error) {
				c := v[0].Const(1 + 0x1p-40).Sub(v[0].Const(1)).Log()
				return v[0].Mul(v[1]).Add(c), nil
			}
		}
		return p
	}
	ref := &boundedRef{f: p(true).Bounded}
	if _, e, _, _ := ref.partialBound(x, 0); !math.IsNaN(e) {
		t.Fatalf("the bound %v is trusted: the case does not test the fallback", e)
	}
	for _, m := range []Method{MethodDual, MethodCentral} {
		want, err := CheckProblem(p(false), &CheckSettings{Method: m})
		if err != nil {
			t.Fatal(err)
		}
		got, err := CheckProblem(p(true), &CheckSettings{Method: m})
		if err != nil {
			t.Fatal(err)
		}
		for k, c := range got.Components {
			w := want.Components[k]
			if c.Status != w.Status || !sameBits(c.Estimate, w.Estimate) || !sameBits(c.Bound, w.Bound) || !sameBits(c.Tol, w.Tol) || !sameBits(c.FailAt, w.FailAt) || !sameBits(c.Floor, w.Floor) {
				t.Errorf("%v, component %d: untrusted bounded reference %v (estimate %v, bound %v, tol %v, fail at %v, floor %v), dual %v (%v, %v, %v, %v, %v)",
					m, k, c.Status, c.Estimate, c.Bound, c.Tol, c.FailAt, c.Floor, w.Status, w.Estimate, w.Bound, w.Tol, w.FailAt, w.Floor)
			}
		}
		if m == MethodDual && got.Components[0].Status != Undecided {
			t.Errorf("%v: a claim 3e-8 off is %v in the blind bands, want Undecided:\n%s", m, got.Components[0].Status, got)
		}
	}
}

// TestBoundedExtensionValidated: the bounded dual extension is tested as
// the others are, by its value at x: one that computes another function is
// not used (a note says so), the dual extension serves in its place where
// the problem offers it, and MethodDual without any is an error.
func TestBoundedExtensionValidated(t *testing.T) {
	t.Parallel()
	g := func(v []float64) float64 { return v[0] * v[1] }
	x := []float64{1.5, 2}
	other := func(v []runerr.Value) (runerr.Value, error) { return v[0].Mul(v[1]).Add(v[0].Const(1)), nil }
	p := FuncProblem(g, []float64{2, 1.5}, x)
	p.Bounded = other
	if _, err := CheckProblem(p, &CheckSettings{Method: MethodDual}); err == nil || !strings.Contains(err.Error(), "bounded dual extension gives") {
		t.Errorf("MethodDual with a bounded extension of another function: error %v", err)
	}
	p.Dual = func(v []backprop.Dual) (backprop.Dual, error) { return v[0].Mul(v[1]), nil }
	r, err := CheckProblem(p, &CheckSettings{Method: MethodDual})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || r.Passed != 2 || len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "bounded dual extension gives 4 at x, f gives 3") {
		t.Errorf("the dual extension must serve, with a note on the bounded one:\n%s\nnotes %q", r, r.Notes)
	}
}
