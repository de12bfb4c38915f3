package vector_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
	"github.com/gradcheck/gradcheck/numgrad/vector"
)

// poly is F(a, b) = (a₀·b₀², a₁ + a₀·b₁, sin a₁·b₀) over a (2) and b (2),
// with its Jacobian, written over every element type for the exact
// references (sin through the identity is not offered by backprop.Scalar,
// so the third output is a₁³·b₀ instead).
func poly() (*vector.Function, []float64, []float64) {
	f := func(dst, x []float64) error {
		a0, a1, b0, b1 := x[0], x[1], x[2], x[3]
		dst[0], dst[1], dst[2] = a0*b0*b0, a1+a0*b1, a1*a1*a1*b0
		return nil
	}
	x := []float64{0.7, -1.3, 1.9, 0.4}
	a0, a1, b0, b1 := x[0], x[1], x[2], x[3]
	jac := []float64{
		b0 * b0, 0, 2 * a0 * b0, 0,
		b1, 1, 0, a0,
		0, 3 * a1 * a1 * b0, a1 * a1 * a1, 0,
	}
	fn := &vector.Function{
		In:  backprop.NamedLayout(backprop.NamedBlock("a", 2), backprop.NamedBlock("b", 2)),
		Out: backprop.NamedLayout(backprop.NamedBlock("y", 3)), F: f,
		Dual: func(dst, x []backprop.Dual) error {
			a0, a1, b0, b1 := x[0], x[1], x[2], x[3]
			dst[0], dst[1], dst[2] = a0.Mul(b0).Mul(b0), a1.Add(a0.Mul(b1)), a1.Mul(a1).Mul(a1).Mul(b0)
			return nil
		},
	}
	return fn, x, jac
}

// vjpOf returns the VJP of the Jacobian jac (m × n), with edit applied.
func vjpOf(jac []float64, m, n int, edit func(dst, dy []float64)) vector.VJPFunc {
	return func(dst, _, dy []float64) error {
		for i := range n {
			dst[i] = 0
			for j := range m {
				dst[i] += dy[j] * jac[j*n+i]
			}
		}
		if edit != nil {
			edit(dst, dy)
		}
		return nil
	}
}

func jvpOf(jac []float64, m, n int, edit func(dst []float64)) vector.JVPFunc {
	return func(dst, _, dx []float64) error {
		for j := range m {
			dst[j] = 0
			for i := range n {
				dst[j] += jac[j*n+i] * dx[i]
			}
		}
		if edit != nil {
			edit(dst)
		}
		return nil
	}
}

// TestModes: the right VJP, JVP and Jacobian pass in every mode and
// method; each with one entry wrong fails at that entry, located by its
// block; the full modes report all m × n entries.
func TestModes(t *testing.T) {
	t.Parallel()
	fn, x, jac := poly()
	for _, m := range []numgrad.Method{numgrad.MethodCentral, numgrad.MethodRichardson, numgrad.MethodDual} {
		s := &vector.Settings{CheckSettings: numgrad.CheckSettings{Method: m}}
		full := &vector.Settings{CheckSettings: numgrad.CheckSettings{Method: m}, Full: true}
		for _, tc := range []struct {
			name    string
			run     func(wrong bool) (*vector.Report, error)
			entries int
			bad     string
		}{
			{"vjp", func(w bool) (*vector.Report, error) {
				return vector.CheckVJP(fn, x, vjpOf(jac, 3, 4, edit(w, func(d, _ []float64) { d[3] += 0.5 })), s)
			}, 2 * 4, "b[1] (dy "},
			{"vjp full", func(w bool) (*vector.Report, error) {
				return vector.CheckVJP(fn, x, vjpOf(jac, 3, 4, edit(w, func(d, dy []float64) { d[0] += 0.5 * dy[2] })), full)
			}, 12, "∂y[2]/∂a[0]"},
			{"jvp", func(w bool) (*vector.Report, error) {
				var e func([]float64)
				if w {
					e = func(d []float64) { d[1] *= -1 }
				}
				return vector.CheckJVP(fn, x, jvpOf(jac, 3, 4, e), s)
			}, 2 * 3, "y[1] along dx "},
			{"jvp full", func(w bool) (*vector.Report, error) {
				var e func([]float64)
				if w {
					e = func(d []float64) { d[1] *= 2 }
				}
				return vector.CheckJVP(fn, x, jvpOf(jac, 3, 4, e), full)
			}, 12, "∂y[1]/∂"},
			{"jacobian", func(w bool) (*vector.Report, error) {
				j := append([]float64(nil), jac...)
				if w {
					j[1*4+3] += 1e-3
				}
				return vector.CheckJacobian(fn, x, j, s)
			}, 12, "∂y[1]/∂b[1]"},
		} {
			r, err := tc.run(false)
			if err != nil {
				t.Fatal(err)
			}
			if !r.OK() || r.Passed != tc.entries || len(r.Entries) != tc.entries {
				t.Errorf("%v %s: want RIGHT over %d entries:\n%s", m, tc.name, tc.entries, r)
			}
			r, err = tc.run(true)
			if err != nil {
				t.Fatal(err)
			}
			if r.OK() || len(r.Find(tc.bad)) == 0 {
				t.Fatalf("%v %s: want WRONG at %s:\n%s", m, tc.name, tc.bad, r)
			}
			for _, e := range r.Entries {
				// A zero entry scaled is still right.
				if e.Status.Failed() != (strings.HasPrefix(e.Name(r.Mode), tc.bad) && (e.Estimate != 0 || e.Claimed != 0)) {
					t.Errorf("%v %s: %s is %v", m, tc.name, e.Name(r.Mode), e.Status)
				}
			}
		}
	}
}

func edit(on bool, f func(d, dy []float64)) func(d, dy []float64) {
	if !on {
		return nil
	}
	return f
}

// TestSharedEvaluations: the directions of a VJP and the rows of a
// Jacobian share F's evaluations, so that k directions cost about what one
// does (within the few evaluations of the claims' own points).
func TestSharedEvaluations(t *testing.T) {
	t.Parallel()
	fn, x, jac := poly()
	one, err := vector.CheckVJP(fn, x, vjpOf(jac, 3, 4, nil), &vector.Settings{Directions: 1})
	if err != nil {
		t.Fatal(err)
	}
	eight, err := vector.CheckVJP(fn, x, vjpOf(jac, 3, 4, nil), &vector.Settings{Directions: 8})
	if err != nil {
		t.Fatal(err)
	}
	if eight.Evals != one.Evals || len(eight.Parts) != 8 {
		t.Errorf("8 directions made %d evaluations, 1 made %d", eight.Evals, one.Evals)
	}
}

// TestMiss: k random directions state the fast check's chance of a miss,
// (√(2/π)·τ/e)ᵏ, and Detects inverts it.
func TestMiss(t *testing.T) {
	t.Parallel()
	fn, x, jac := poly()
	r, err := vector.CheckVJP(fn, x, vjpOf(jac, 3, 4, nil), &vector.Settings{Directions: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Random || r.Miss.K != 3 || !(r.Miss.Tol > 0) {
		t.Fatalf("miss %+v", r.Miss)
	}
	e := r.Miss.Detects(1e-6)
	if p := r.Miss.Probability(e); math.Abs(p-1e-6) > 1e-12 {
		t.Errorf("Probability(Detects(1e-6)) = %g", p)
	}
	if !strings.Contains(r.String(), "escapes all 3 random dy with probability ≤ 1e-6") {
		t.Errorf("no chance statement:\n%s", r)
	}
}

// TestFlagsAndErrors: a NaN in F(x) flags and fails; a claim that changes
// between calls is nondeterministic; method fast, directions of the wrong
// length and an exact method without the extension are errors.
func TestFlagsAndErrors(t *testing.T) {
	t.Parallel()
	fn, x, jac := poly()
	bad := *fn
	bad.F = func(dst, x []float64) error { fn.F(dst, x); dst[2] = math.NaN(); return nil }
	r, err := vector.CheckVJP(&bad, x, vjpOf(jac, 3, 4, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || len(r.Flags) == 0 || !strings.Contains(r.Flags[0], "y[2]") {
		t.Errorf("NaN output: want WRONG, flagged at y[2]:\n%s", r)
	}
	calls := 0
	r, err = vector.CheckVJP(fn, x, vjpOf(jac, 3, 4, func(d, _ []float64) { calls++; d[0] += 1e-6 * float64(calls%2) }), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || r.Entries[0].Status != numgrad.Nondeterministic && r.Entries[0].Status != numgrad.Fail {
		t.Errorf("a claim that changes between calls: want WRONG:\n%s", r)
	}
	for name, s := range map[string]*vector.Settings{
		"fast":    {CheckSettings: numgrad.CheckSettings{Method: numgrad.MethodFast}},
		"dirs":    {Dirs: [][]float64{{1, 2}}},
		"complex": {CheckSettings: numgrad.CheckSettings{Method: numgrad.MethodComplex}},
	} {
		if _, err := vector.CheckVJP(fn, x, vjpOf(jac, 3, 4, nil), s); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestLineScale: a JVP along a huge direction (entries 1e6) is checked
// along the direction scaled by a power of two, and its entries are in the
// claim's units: right passes, 1 % off fails.
func TestLineScale(t *testing.T) {
	t.Parallel()
	fn, x, jac := poly()
	dx := []float64{1e6, -2e6, 3e5, 1e6}
	r, err := vector.CheckJVP(fn, x, jvpOf(jac, 3, 4, nil), &vector.Settings{Dirs: [][]float64{dx}})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || r.Random {
		t.Fatalf("want RIGHT, given directions:\n%s", r)
	}
	for _, e := range r.Entries {
		want := 0.0
		for i := range 4 {
			want += jac[outRow(e)*4+i] * dx[i]
		}
		if e.Claimed != want && math.Abs(e.Claimed-want) > 1e-9*math.Abs(want) {
			t.Errorf("%s: claimed %g in the report, the claim is %g", e.Name(r.Mode), e.Claimed, want)
		}
	}
	r, _ = vector.CheckJVP(fn, x, jvpOf(jac, 3, 4, func(d []float64) { d[0] *= 1.01 }), &vector.Settings{Dirs: [][]float64{dx}})
	if r.OK() {
		t.Errorf("1 %% off along a huge direction: RIGHT:\n%s", r)
	}
}

func outRow(e vector.Entry) int { return e.Out.Index[0] }

// TestJSON: the report's JSON names blocks and entries and carries the
// parts' reports.
func TestJSON(t *testing.T) {
	t.Parallel()
	fn, x, jac := poly()
	r, err := vector.CheckVJP(fn, x, vjpOf(jac, 3, 4, func(d, _ []float64) { d[2] = -d[2] }), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var w struct {
		Version int    `json:"version"`
		OK      bool   `json:"ok"`
		Mode    string `json:"mode"`
		Inputs  []struct {
			Name  string `json:"name"`
			Shape []int  `json:"shape"`
		} `json:"inputs"`
		Entries []struct {
			Name   string `json:"name"`
			Status string `json:"status"`
			In     struct {
				Name  string `json:"name"`
				Index []int  `json:"index"`
			} `json:"in"`
		} `json:"entries"`
		Parts []struct {
			Name string `json:"name"`
		} `json:"parts"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		t.Fatal(err)
	}
	if w.Version != vector.ReportVersion || w.OK || w.Mode != "vjp" || len(w.Inputs) != 2 || w.Inputs[1].Name != "b" || len(w.Parts) != 2 {
		t.Errorf("JSON: %+v", w)
	}
	failed := 0
	for _, e := range w.Entries {
		if e.Status == "FAIL" {
			failed++
			if e.In.Name != "b" || e.In.Index[0] != 0 || !strings.HasPrefix(e.Name, "b[0]") {
				t.Errorf("failed entry %+v, want b[0]", e)
			}
		}
	}
	if failed == 0 {
		t.Error("no failed entry in the JSON")
	}
}

// tanhNet is a [3, 4, 2] tanh–identity network with the softmax
// cross-entropy on 3 samples.
func tanhNet() (*backprop.Network, backprop.Batch) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{3, 4, 2}, Activations: []backprop.Activation{backprop.Tanh, backprop.Identity}, Loss: backprop.SoftmaxCrossEntropy, Seed: 5})
	d := &backprop.Dataset{N: 3, In: 3, Out: 2, X: []float64{0.1, -0.5, 0.7, 1, 0.2, -0.3, -0.8, 0.4, 0.9}, Y: []float64{1, 0, 0.3, 0.7, 0, 1}}
	return net, backprop.All(d)
}

// polyT is poly's F over any element type.
func polyT[T backprop.Scalar[T]](dst, x []T) error {
	a0, a1, b0, b1 := x[0], x[1], x[2], x[3]
	dst[0], dst[1], dst[2] = a0.Mul(b0).Mul(b0), a1.Add(a0.Mul(b1)), a1.Mul(a1).Mul(a1).Mul(b0)
	return nil
}

// TestBoundedIsDual: a function that offers its dual extension over
// runerr.Value (Function.Bounded) alone is checked by MethodDual in every
// mode on the estimates that Function.Dual gives, bit for bit, and its
// extension's evaluations are shared between the sub-checks as the
// others' are: eight directions evaluate it as often as one.
func TestBoundedIsDual(t *testing.T) {
	t.Parallel()
	fn, x, jac := poly()
	fb := *fn
	fb.Dual, fb.Bounded = nil, polyT[runerr.Value]
	s := &vector.Settings{CheckSettings: numgrad.CheckSettings{Method: numgrad.MethodDual}}
	full := &vector.Settings{CheckSettings: numgrad.CheckSettings{Method: numgrad.MethodDual}, Full: true}
	for _, tc := range []struct {
		name string
		run  func(fn *vector.Function) (*vector.Report, error)
	}{
		{"vjp", func(fn *vector.Function) (*vector.Report, error) {
			return vector.CheckVJP(fn, x, vjpOf(jac, 3, 4, nil), s)
		}},
		{"vjp full", func(fn *vector.Function) (*vector.Report, error) {
			return vector.CheckVJP(fn, x, vjpOf(jac, 3, 4, nil), full)
		}},
		{"jvp", func(fn *vector.Function) (*vector.Report, error) {
			return vector.CheckJVP(fn, x, jvpOf(jac, 3, 4, nil), s)
		}},
		{"jacobian", func(fn *vector.Function) (*vector.Report, error) { return vector.CheckJacobian(fn, x, jac, s) }},
	} {
		want, err := tc.run(fn)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tc.run(&fb)
		if err != nil {
			t.Fatal(err)
		}
		if !got.OK() || got.Passed != len(got.Entries) || len(got.Entries) != len(want.Entries) {
			t.Errorf("%s: want RIGHT over %d entries:\n%s", tc.name, len(want.Entries), got)
			continue
		}
		for k, e := range got.Entries {
			if w := want.Entries[k].Estimate; math.Float64bits(e.Estimate) != math.Float64bits(w) {
				t.Errorf("%s: %s: the bounded reference gives %v, the dual one %v", tc.name, e.Name(got.Mode), e.Estimate, w)
			}
		}
	}
	one, err := vector.CheckVJP(&fb, x, vjpOf(jac, 3, 4, nil), &vector.Settings{CheckSettings: numgrad.CheckSettings{Method: numgrad.MethodDual}, Directions: 1})
	if err != nil {
		t.Fatal(err)
	}
	eight, err := vector.CheckVJP(&fb, x, vjpOf(jac, 3, 4, nil), &vector.Settings{CheckSettings: numgrad.CheckSettings{Method: numgrad.MethodDual}, Directions: 8})
	if err != nil {
		t.Fatal(err)
	}
	if eight.Evals != one.Evals {
		t.Errorf("8 directions made %d evaluations, 1 made %d", eight.Evals, one.Evals)
	}
}
