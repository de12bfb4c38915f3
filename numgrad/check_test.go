package numgrad_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/numgrad/netfd"
)

// TestCheckRightGradients: every method accepts gonum's analytic gradients
// on every fixture, with the derived tolerances, BrownBadlyScaled included
// (its noise, eps·10¹², enters τ instead of failing the check).
func TestCheckRightGradients(t *testing.T) {
	t.Parallel()
	for _, tf := range testFuncs() {
		g := make([]float64, len(tf.x))
		tf.gonum.Grad(g, tf.x)
		for _, m := range allMethods {
			r, err := checkTF(tf, tf.gonum.Func, g, tf.x, m)
			if err != nil {
				t.Fatal(err)
			}
			if !r.OK() {
				t.Errorf("%s, %v: a right gradient failed:\n%s", tf.name, m, r)
			}
		}
	}
}

// TestCheckWrongComponent: one component off by 1e-4 relative, or by four
// times its own detection floor where that is larger (BrownBadlyScaled's
// cost of 1e12 puts the floor of central differences at 2e-4 relative), is
// caught by every method (fast falls back to the full check) and is the
// worst. The floor is the one the check of the right gradient states.
func TestCheckWrongComponent(t *testing.T) {
	t.Parallel()
	for _, tf := range testFuncs() {
		g := make([]float64, len(tf.x))
		tf.gonum.Grad(g, tf.x)
		bad := 0
		for i := range g {
			if math.Abs(g[i]) > math.Abs(g[bad]) {
				bad = i
			}
		}
		for _, m := range allMethods {
			rm := m
			if m == numgrad.MethodFast {
				rm = numgrad.MethodCentral // the full check a fast one falls back to
			}
			right, err := checkTF(tf, tf.gonum.Func, g, tf.x, rm)
			if err != nil {
				t.Fatal(err)
			}
			e := 1e-4 * math.Abs(g[bad])
			if len(right.Components) > 0 {
				e = math.Max(e, 4*right.Components[bad].Floor)
			}
			wrong := append([]float64(nil), g...)
			wrong[bad] += e
			r, err := checkTF(tf, tf.gonum.Func, wrong, tf.x, m)
			if err != nil {
				t.Fatal(err)
			}
			if r.OK() {
				t.Errorf("%s, %v: a wrong component (off by %.2g) passed:\n%s", tf.name, m, e, r)
				continue
			}
			if w := r.Worst(1)[0]; w.Index != bad || w.Status != numgrad.Fail {
				t.Errorf("%s, %v: worst is component %d (%v), want %d", tf.name, m, w.Index, w.Status, bad)
			}
			if r.Failed != 1 {
				t.Errorf("%s, %v: %d failures, want 1:\n%s", tf.name, m, r.Failed, r)
			}
		}
	}
}

// TestCheckNonFinite: NaN or Inf anywhere gives a failing report that says
// so, for every method, never a pass and never an error.
func TestCheckNonFinite(t *testing.T) {
	t.Parallel()
	tf := testFuncs()[5] // ExtendedRosenbrock
	good := make([]float64, len(tf.x))
	tf.gonum.Grad(good, tf.x)
	nanAt := func(x []float64) float64 {
		if x[2] > tf.x[2] {
			return math.NaN()
		}
		return tf.gonum.Func(x)
	}
	for _, tc := range []struct {
		name    string
		f       func([]float64) float64
		claimed func() []float64
		x       func() []float64
	}{
		{"f is NaN", func([]float64) float64 { return math.NaN() }, nil, nil},
		{"f is +Inf", func([]float64) float64 { return math.Inf(1) }, nil, nil},
		{"f is NaN to one side of one component", nanAt, nil, nil},
		{"claimed NaN", nil, func() []float64 { g := append([]float64(nil), good...); g[1] = math.NaN(); return g }, nil},
		{"claimed −Inf", nil, func() []float64 { g := append([]float64(nil), good...); g[3] = math.Inf(-1); return g }, nil},
		{"x holds NaN", nil, nil, func() []float64 { x := append([]float64(nil), tf.x...); x[0] = math.NaN(); return x }},
	} {
		f, g, x := tf.gonum.Func, good, tf.x
		if tc.f != nil {
			f = tc.f
		}
		if tc.claimed != nil {
			g = tc.claimed()
		}
		if tc.x != nil {
			x = tc.x()
		}
		for _, m := range allMethods {
			if tc.f != nil && m.String() != "central" && m.String() != "richardson" && m.String() != "fast" {
				continue // the exact references evaluate their own extension, not f
			}
			r, err := checkTF(tf, f, g, x, m)
			if err != nil {
				t.Fatalf("%s, %v: %v", tc.name, m, err)
			}
			if r.OK() || r.Failed == 0 && len(r.Flags) == 0 {
				t.Errorf("%s, %v: passed", tc.name, m)
			}
			if r.NonFinite == 0 {
				t.Errorf("%s, %v: no component flagged non-finite:\n%s", tc.name, m, r)
			}
			if !strings.Contains(r.String(), "NaN") && !strings.Contains(r.String(), "NOT FINITE") {
				t.Errorf("%s, %v: the table does not say NaN:\n%s", tc.name, m, r)
			}
		}
	}
}

// TestCheckLeavesInputs: x, claimed and a model's parameters are the same
// bits after a check, whatever the method.
func TestCheckLeavesInputs(t *testing.T) {
	t.Parallel()
	tf := testFuncs()[1]
	g := make([]float64, len(tf.x))
	tf.gonum.Grad(g, tf.x)
	g[0] *= 2
	x0, g0 := append([]float64(nil), tf.x...), append([]float64(nil), g...)
	for _, m := range allMethods {
		if _, err := checkTF(tf, tf.gonum.Func, g, tf.x, m); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(x0, tf.x); diff != "" {
			t.Errorf("%v: x changed (-want +got):\n%s", m, diff)
		}
		if diff := cmp.Diff(g0, g); diff != "" {
			t.Errorf("%v: claimed changed (-want +got):\n%s", m, diff)
		}
	}
	rng := rand.New(rand.NewPCG(1, 1))
	net := backprop.MustNew(backprop.Config{Sizes: []int{3, 4, 2}, Activations: []backprop.Activation{backprop.ReLU, backprop.Identity}, Seed: 3})
	d := randomData(rng, net, 5)
	theta := net.ParamsTo(nil)
	half := scaled{net, func(g []float64) { g[0] /= 2 }}
	for _, m := range allMethods {
		for _, model := range []backprop.Model{net, half} {
			if _, err := numgrad.CheckModel(model, backprop.All(d), &numgrad.CheckSettings{Method: m}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(theta, net.ParamsTo(nil)); diff != "" {
				t.Errorf("%v: parameters changed (-want +got):\n%s", m, diff)
			}
		}
	}
}

// TestCheckConcurrentSameReport: the report does not depend on Concurrent.
func TestCheckConcurrentSameReport(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2, 2))
	net := backprop.MustNew(backprop.Config{Sizes: []int{3, 5, 4, 2}, Activations: []backprop.Activation{backprop.LeakyReLU, backprop.Tanh, backprop.Identity}, Seed: 4})
	d := randomData(rng, net, 6)
	d.X[0], d.X[1], d.X[2] = 0, 0, 0 // a kink at θ
	model := scaled{net, func(g []float64) { g[7] *= 3 }}
	for _, m := range allMethods {
		seq, err := numgrad.CheckModel(net, backprop.All(d), &numgrad.CheckSettings{Method: m})
		if err != nil {
			t.Fatal(err)
		}
		con, err := numgrad.CheckModel(net, backprop.All(d), &numgrad.CheckSettings{Method: m, Concurrent: true})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(seq, con, cmpopts.EquateNaNs(), cmp.AllowUnexported(numgrad.Sweep{})); diff != "" {
			t.Errorf("%v: reports differ (-sequential +concurrent):\n%s", m, diff)
		}
		// A wrapper that embeds the network makes the network's
		// declarations, its copies among them.
		one, err := numgrad.CheckModel(model, backprop.All(d), &numgrad.CheckSettings{Method: m, Concurrent: true})
		if err != nil {
			t.Fatal(err)
		}
		if one.OK() {
			t.Errorf("%v: the wrong model passed", m)
		}
	}
}

func TestCheckSettingsErrors(t *testing.T) {
	t.Parallel()
	f := func(x []float64) float64 { return x[0] * x[1] }
	x, g := []float64{1, 2}, []float64{2, 1}
	for _, tc := range []struct {
		name string
		s    numgrad.CheckSettings
		want string
	}{
		{"method", numgrad.CheckSettings{Method: 99}, "unknown method"},
		{"step", numgrad.CheckSettings{Step: -1}, "step"},
		{"step NaN", numgrad.CheckSettings{Step: math.NaN()}, "step"},
		{"abs tol", numgrad.CheckSettings{AbsTol: math.Inf(1)}, "absolute tolerance"},
		{"rel tol", numgrad.CheckSettings{RelTol: -1}, "relative tolerance"},
		{"eps", numgrad.CheckSettings{Eps: 2}, "unit roundoff"},
		{"projections", numgrad.CheckSettings{Method: numgrad.MethodFast, Projections: -3}, "projections"},
		{"index", numgrad.CheckSettings{Indices: []int{2}}, "out of range"},
		{"duplicate index", numgrad.CheckSettings{Indices: []int{1, 1}}, "twice"},
		{"complex without an extension", numgrad.CheckSettings{Method: numgrad.MethodComplex}, "complex extension"},
		{"step that rounds to nothing", numgrad.CheckSettings{Step: 1e-300}, "resolution of x[0]"},
		{"step below the resolution", numgrad.CheckSettings{Step: 1e-17}, "resolution of x[0]"},
		{"step of the point's own size", numgrad.CheckSettings{Step: 1}, "step"},
		{"claim eps", numgrad.CheckSettings{ClaimEps: -1}, "claim's unit roundoff"},
		{"nondet tol", numgrad.CheckSettings{NondetTol: math.NaN()}, "nondeterminism"},
	} {
		_, err := numgrad.Check(f, g, x, &tc.s)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	// A layout that does not cover the problem.
	bad := backprop.Layout{Blocks: []backprop.Block{{Rows: 3, Cols: 1}}}
	p := numgrad.FuncProblem(f, g, x)
	p.Layout = &bad
	if _, err := numgrad.CheckProblem(p, nil); err == nil || !strings.Contains(err.Error(), "layout") {
		t.Errorf("layout: error %v", err)
	}
	// A model that declares no extension has no reference.
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 1}, Activations: []backprop.Activation{backprop.Identity}})
	d := &backprop.Dataset{N: 1, In: 2, Out: 1, X: []float64{1, 2}, Y: []float64{0}}
	if _, err := numgrad.CheckModel(opaque{net}, backprop.All(d), &numgrad.CheckSettings{Method: numgrad.MethodDual}); err == nil {
		t.Error("dual on a model without an extension: no error")
	}
	// The model's own errors come back.
	wide := &backprop.Dataset{N: 1, In: 3, Out: 1, X: []float64{1, 2, 3}, Y: []float64{0}}
	if _, err := numgrad.CheckModel(net, backprop.All(wide), nil); err == nil {
		t.Error("a batch the network cannot take: no error")
	}
	defer func() {
		if recover() == nil {
			t.Error("Check with len(claimed) != len(x) did not panic")
		}
	}()
	numgrad.Check(f, []float64{1}, x, nil)
}

// TestCheckIndices checks only the listed components.
func TestCheckIndices(t *testing.T) {
	t.Parallel()
	tf := testFuncs()[5]
	g := make([]float64, len(tf.x))
	tf.gonum.Grad(g, tf.x)
	g[4] = -g[4]
	r, err := numgrad.Check(tf.gonum.Func, g, tf.x, &numgrad.CheckSettings{Indices: []int{4, 1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Components) != 2 || r.Components[0].Index != 1 || r.Components[1].Index != 4 {
		t.Fatalf("components %+v, want indices 1 and 4", r.Components)
	}
	if r.OK() || r.Components[1].Status != numgrad.Fail || r.Components[0].Status != numgrad.Pass {
		t.Errorf("verdicts %v, %v; want pass, FAIL", r.Components[0].Status, r.Components[1].Status)
	}
}

// TestDiagnose: a wrong block in a network is located and its pattern
// named. The network, data and blocks are fixed; each edit is one classic
// mistake's signature on the gradient.
func TestDiagnose(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 3))
	net := backprop.MustNew(backprop.Config{Sizes: []int{3, 4, 4, 2}, Activations: []backprop.Activation{backprop.Tanh, backprop.Sigmoid, backprop.Identity}, Seed: 5})
	d := randomData(rng, net, 6)
	const B = 6
	l1w := net.Layout().Blocks[2] // layer 1 weights, 4×4
	block := func(f func(g []float64, off int)) func([]float64) {
		return func(g []float64) { f(g, l1w.Offset) }
	}
	scale := func(q float64) func([]float64) {
		return block(func(g []float64, off int) {
			for i := off; i < off+l1w.Len(); i++ {
				g[i] *= q
			}
		})
	}
	everywhere := func(q float64) func([]float64) {
		return func(g []float64) {
			for i := range g {
				g[i] *= q
			}
		}
	}
	for _, tc := range []struct {
		name  string
		edit  func([]float64)
		where string // Located group
		cause string // in the located group's cause or the report's causes
	}{
		{"factor ½", scale(0.5), "layer 1 weights", "factor 2 dropped"},
		{"factor 2", scale(2), "layer 1 weights", "factor 2 too many"},
		{"sign", scale(-1), "layer 1 weights", "sign flip"},
		{"sum over batch", everywhere(B), "layer 2 weights", "summed over the batch"},
		{"1/B", everywhere(1.0 / B), "layer 2 weights", "divided by the batch size"},
		{"zero", scale(0), "layer 1 weights", "not computed"},
		{"odd factor", scale(1.37), "layer 1 weights", "1.37"},
		{"transposed", block(func(g []float64, off int) {
			for r := range 4 {
				for c := r + 1; c < 4; c++ {
					g[off+4*r+c], g[off+4*c+r] = g[off+4*c+r], g[off+4*r+c]
				}
			}
		}), "layer 1 weights", "transpose"},
		{"biases only", func(g []float64) {
			for _, b := range net.Layout().Blocks {
				if b.Group == backprop.Biases {
					g[b.Offset] += 0.1
				}
			}
		}, "layer 2 biases", "only bias gradients"},
		{"one layer's delta", func(g []float64) {
			b := net.Layout().Blocks
			for _, k := range []int{0, 1, 2, 3} { // layers 0 and 1, both groups
				for i := b[k].Offset; i < b[k].Offset+b[k].Len(); i++ {
					g[i] *= 1 + 0.3*math.Sin(float64(i))
				}
			}
		}, "layer 1 weights", "enters the backward pass at δ¹"},
	} {
		r, err := numgrad.CheckModel(scaled{net, tc.edit}, backprop.All(d), nil)
		if err != nil {
			t.Fatal(err)
		}
		g, ok := r.Located()
		if !ok || g.Name() != tc.where {
			t.Errorf("%s: located %q (ok %v), want %q", tc.name, g.Name(), ok, tc.where)
		}
		text := strings.Join(append(r.Causes, g.Cause), "\n")
		if !strings.Contains(text, tc.cause) {
			t.Errorf("%s: causes lack %q:\n%s", tc.name, tc.cause, r)
		}
		// The failure line names the layer, the component, both values and the ratio.
		fl := strings.Join(r.Failures(), "\n")
		w := r.Components[g.Worst]
		for _, want := range []string{tc.where, w.Name(), fmt.Sprintf("%.6g", w.Claimed), fmt.Sprintf("%.6g", w.Estimate)} {
			if !strings.Contains(fl, want) {
				t.Errorf("%s: failures lack %q:\n%s", tc.name, want, fl)
			}
		}
		if w.Status == numgrad.Fail && !strings.Contains(fl, "ratio") {
			t.Errorf("%s: failures lack the ratio:\n%s", tc.name, fl)
		}
	}
}

// TestReportGroupsAndOrder: groups follow the layout, counts add up, Worst
// is sorted, and a flat check has one group.
func TestReportGroupsAndOrder(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(4, 4))
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 3, 1}, Activations: []backprop.Activation{backprop.Sigmoid, backprop.Identity}, Seed: 6})
	d := randomData(rng, net, 4)
	r, err := numgrad.CheckModel(scaled{net, func(g []float64) { g[2] += 1; g[7] -= 0.5 }}, backprop.All(d), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Groups) != 4 {
		t.Fatalf("%d groups, want 4", len(r.Groups))
	}
	n := 0
	for k, g := range r.Groups {
		if g.Block != net.Layout().Blocks[k] {
			t.Errorf("group %d is block %+v, want %+v", k, g.Block, net.Layout().Blocks[k])
		}
		if g.Passed+g.Failed+g.Kinks+g.Undecided != g.Checked {
			t.Errorf("%s: %d + %d + %d + %d ≠ %d", g.Name(), g.Passed, g.Failed, g.Kinks, g.Undecided, g.Checked)
		}
		n += g.Checked
	}
	if n != net.NumParams() || r.Failed != 2 {
		t.Errorf("%d checked, %d failed; want %d and 2", n, r.Failed, net.NumParams())
	}
	w := r.Worst(-1)
	for k := 1; k < len(w); k++ {
		if w[k].Worse(w[k-1]) {
			t.Fatalf("Worst out of order at %d", k)
		}
	}
	if w[0].Index != 2 || w[1].Index != 7 {
		t.Errorf("worst are %d and %d, want 2 and 7", w[0].Index, w[1].Index)
	}
	flat, err := numgrad.Check(costFunc(net, backprop.All(d)), make([]float64, net.NumParams()), net.ParamsTo(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(flat.Groups) != 1 || !flat.Groups[0].Flat || flat.Groups[0].Name() != "all" {
		t.Errorf("flat check groups: %+v", flat.Groups)
	}
	if _, ok := flat.Located(); !ok {
		t.Error("a zero gradient was not located")
	}
}

// TestModelErrorPropagates: an error of the model's Cost during the check
// is returned, not turned into a verdict.
func TestModelErrorPropagates(t *testing.T) {
	t.Parallel()
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 1}, Activations: []backprop.Activation{backprop.Identity}})
	d := &backprop.Dataset{N: 1, In: 2, Out: 1, X: []float64{1, 2}, Y: []float64{0}}
	m := &failing{Network: net, after: 3}
	_, err := numgrad.CheckModel(m, backprop.All(d), nil)
	if !errors.Is(err, errDevice) {
		t.Errorf("error %v, want the model's", err)
	}
}

var errDevice = errors.New("device lost")

type failing struct {
	*backprop.Network
	after, calls int
}

func (f *failing) Cost(b backprop.Batch) (float64, error) {
	if f.calls++; f.calls > f.after {
		return 0, errDevice
	}
	return f.Network.Cost(b)
}

// TestCheckNonFiniteData: an infinite input that the model hides (tanh
// saturates, the cost and the gradient stay finite) still fails the check.
func TestCheckNonFiniteData(t *testing.T) {
	t.Parallel()
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 2, 1}, Activations: []backprop.Activation{backprop.Tanh, backprop.Identity}, Seed: 1})
	d := &backprop.Dataset{N: 2, In: 2, Out: 1, X: []float64{math.Inf(1), 0.5, 0.1, 0.2}, Y: []float64{1, 0}}
	w, b := net.Weights(0)
	w[0][0], w[1][0] = 1, -1
	if err := net.SetWeights(0, w, b); err != nil {
		t.Fatal(err)
	}
	if c, err := net.Cost(backprop.All(d)); err != nil || math.IsNaN(c) || math.IsInf(c, 0) {
		t.Fatalf("the fixture's cost is %v (%v); it should hide the Inf", c, err)
	}
	for _, m := range allMethods {
		r, err := numgrad.CheckModel(net, backprop.All(d), &numgrad.CheckSettings{Method: m})
		if err != nil {
			t.Fatal(err)
		}
		if r.OK() || len(r.Flags) == 0 || !strings.Contains(r.String(), "sample 0, input 0") {
			t.Errorf("%v: OK %v:\n%s", m, r.OK(), r)
		}
	}
}

// TestNetfdStep holds netfd's default step to the central method's.
func TestNetfdStep(t *testing.T) {
	if netfd.DefaultStep != numgrad.Central.Step {
		t.Errorf("netfd.DefaultStep = %g, numgrad.Central.Step = %g", netfd.DefaultStep, numgrad.Central.Step)
	}
}
