package numgrad_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// namedProblem is f(x, w) = Σ_ij w_j·x_ij² + Σ_j w_j³ over a 2×3 block x
// and a vector w of 3, in a layout of named blocks, with the claim edited
// by edit.
func namedProblem(edit func(g []float64)) *numgrad.Problem {
	x := []float64{0.5, -1.25, 2, 0.75, 1.5, -0.5, 1.1, -0.7, 0.9}
	f := func(v []float64) float64 {
		var s float64
		for i := range 2 {
			for j := range 3 {
				s += v[6+j] * v[3*i+j] * v[3*i+j]
			}
		}
		for j := range 3 {
			s += v[6+j] * v[6+j] * v[6+j]
		}
		return s
	}
	g := make([]float64, 9)
	for i := range 2 {
		for j := range 3 {
			g[3*i+j] = 2 * x[6+j] * x[3*i+j]
			g[6+j] += x[3*i+j] * x[3*i+j]
		}
	}
	for j := range 3 {
		g[6+j] += 3 * x[6+j] * x[6+j]
	}
	edit(g)
	p := numgrad.FuncProblem(f, g, x)
	l := backprop.NamedLayout(backprop.NamedBlock("x", 2, 3), backprop.NamedBlock("w", 3))
	p.Layout = &l
	return p
}

// TestNamedBlocksReport: a report over named blocks names the blocks and
// entries ("w", "x[1][2]"), prints their shapes, and words its causes for
// a function, not a network: a sign flipped in w is "a sign flip" of w,
// the verdict lists the wrong blocks, and no cause speaks of layers,
// deltas or activation derivatives. The JSON carries the names.
func TestNamedBlocksReport(t *testing.T) {
	t.Parallel()
	r, err := numgrad.CheckProblem(namedProblem(func(g []float64) {
		for j := 6; j < 9; j++ {
			g[j] = -g[j]
		}
		g[5] *= 1.5
	}), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := r.String()
	if r.OK() || len(r.Groups) != 2 || r.Groups[0].Name() != "x" || r.Groups[1].Name() != "w" {
		t.Fatalf("want WRONG with groups x, w:\n%s", out)
	}
	for _, want := range []string{"x  ", "2×3", "w: 3 of 3 wrong", "a sign flip", "x[1][2]", "wrong in x, w"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"δ", "layer", "activation", "gradient ascent", "squared error"} {
		if strings.Contains(out, bad) {
			t.Errorf("report over named blocks says %q:\n%s", bad, out)
		}
	}
	if r.Groups[1].Ratio != -1 && math.Abs(r.Groups[1].Ratio+1) > 1e-3 {
		t.Errorf("ratio of w = %g, want −1", r.Groups[1].Ratio)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"name":"w"`, `"shape":[2,3]`, `"index":[1,2]`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
}

// TestCause: the exported per-block diagnosis names a sign flip and a
// missing block from the components' pattern, and nothing for errors of
// no common factor.
func TestCause(t *testing.T) {
	t.Parallel()
	comps := func(claims, ests []float64) []numgrad.Component {
		var c []numgrad.Component
		for i := range claims {
			c = append(c, numgrad.Component{Index: i, Claimed: claims[i], Estimate: ests[i], Tol: 1e-9, Status: numgrad.Fail})
		}
		return c
	}
	for _, tc := range []struct {
		name         string
		claims, ests []float64
		want         string
	}{
		{"sign", []float64{-1, 2, -3}, []float64{1, -2, 3}, "a sign flip"},
		{"zero", []float64{0, 0, 0}, []float64{1, -2, 3}, "not computed"},
		{"half", []float64{0.5, 1, 1.5}, []float64{1, 2, 3}, "half the true value"},
		{"none", []float64{1.5, 2, 3.1}, []float64{1, 2.5, 3}, ""},
	} {
		_, got := numgrad.Cause(comps(tc.claims, tc.ests))
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("%s: Cause = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestAgree: the blind band of an identity's two sides. At the scale g = 1
// a difference of 1e-13 passes (below 2¹³u ≈ 9.1e-13), one of 1e-9 is
// undecided (below √u ≈ 1.5e-8), one of 1e-6 fails, and NaN is
// non-finite.
func TestAgree(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		d    float64
		want numgrad.Status
	}{{0, numgrad.Pass}, {1e-13, numgrad.Pass}, {1e-9, numgrad.Undecided}, {1e-6, numgrad.Fail}, {math.NaN(), numgrad.NonFinite}} {
		if st, _, _ := numgrad.Agree(1+tc.d, 1, 1, nil); st != tc.want {
			t.Errorf("Agree(1 + %g, 1) = %v, want %v", tc.d, st, tc.want)
		}
	}
}
