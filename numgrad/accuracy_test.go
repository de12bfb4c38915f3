package numgrad_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
	"gonum.org/v1/gonum/diff/fd"
)

// TestFunctionsMatchGonum checks the generic fixtures against gonum's
// definitions: the same formulas, so equal to a few ulps of the terms;
// 1e-13 relative (with 1e-13 absolute for values near 0) is ample and still
// catches any wrong term.
func TestFunctionsMatchGonum(t *testing.T) {
	t.Parallel()
	for _, tf := range testFuncs() {
		want := tf.gonum.Func(tf.x)
		got := float64(tf.real(reals(tf.x)))
		if !numgrad.Within(got, want, 1e-13, 1e-13) {
			t.Errorf("%s: generic %v, gonum %v", tf.name, got, want)
		}
	}
}

func reals(x []float64) []backprop.Real {
	r := make([]backprop.Real, len(x))
	for i, v := range x {
		r[i] = backprop.Real(v)
	}
	return r
}

// normErr is the relative error of a gradient estimate in the infinity
// norm, ‖est − g‖∞/‖g‖∞, as gonum's optimize/functions/validate.go reports
// it: a componentwise relative error is undefined where g_i = 0.
func normErr(est, g []float64) float64 {
	var d, n float64
	for i := range g {
		d = math.Max(d, math.Abs(est[i]-g[i]))
		n = math.Max(n, math.Abs(g[i]))
	}
	return d / n
}

// TestAccuracyTable measures each method on the fixtures against gonum's
// analytic gradients and prints the table (go test -run AccuracyTable -v).
//
// The bounds, per method, from the arithmetic:
//   - complex step and dual numbers have no subtraction and no step error:
//     they carry only the rounding of f's own evaluation of the derivative,
//     a few ulps of its terms, so 1e-13 (≈ 450 ulps) bounds them.
//   - Richardson's tableau removes h², h⁴, … from central differences at
//     h = 2⁻⁷…2⁻¹²·max(1,|x|); what remains is the noise of f amplified by
//     at most 2/h_min ≈ 8·10³: 8·10³·eps·|f|/|g| ≲ 1e-12 for these points
//     (|f|/|g| ≲ 10³), so 1e-10 holds with a margin.
//   - central differences at h = 6e-6·max(1,|x|): truncation h²|f‴|/6 plus
//     rounding eps|f|/h ≈ 2e-11·|f|, so ≤ 1e-7 relative wherever
//     |f|/|g| ≲ 10³ and |f‴|/|g| ≲ 10⁴.
//
// BrownBadlyScaled breaks the last condition on purpose and is not held to
// the central bound: at the standard start f ≈ 10¹² while |g| ≈ 2·10⁶, so
// the rounding of f alone, eps·10¹² ≈ 1e-4 per evaluation, gives any
// difference quotient at h = 6e-6 an error of 1e-4/1.2e-5 ≈ 10 — a relative
// error of 5e-6, as the table shows. The gonum fd.Gradient columns use its
// default steps (absolute: forward 2e-8·1, central 6e-6), for comparison.
func TestAccuracyTable(t *testing.T) {
	t.Parallel()
	type method struct {
		name  string
		bound float64
		grad  func(tf testFunc) []float64
	}
	methods := []method{
		{"complex", 1e-13, func(tf testFunc) []float64 {
			g, err := numgrad.ReferenceGradient(nil, numgrad.ComplexStep(func(x []backprop.Complex) (backprop.Complex, error) { return tf.complex(x), nil }), tf.x, nil)
			if err != nil {
				t.Fatal(err)
			}
			return g
		}},
		{"dual", 1e-13, func(tf testFunc) []float64 {
			g, err := numgrad.ReferenceGradient(nil, numgrad.DualNumbers(func(x []backprop.Dual) (backprop.Dual, error) { return tf.dual(x), nil }), tf.x, nil)
			if err != nil {
				t.Fatal(err)
			}
			return g
		}},
		{"richardson", 1e-10, func(tf testFunc) []float64 {
			g, _ := numgrad.Richardson(nil, nil, tf.gonum.Func, tf.x, nil)
			return g
		}},
		{"central", 1e-7, func(tf testFunc) []float64 { return numgrad.Gradient(nil, tf.gonum.Func, tf.x, nil) }},
		{"central5", 1e-7, func(tf testFunc) []float64 {
			return numgrad.Gradient(nil, tf.gonum.Func, tf.x, &numgrad.Settings{Formula: numgrad.Central5})
		}},
		{"gonum fd central", math.Inf(1), func(tf testFunc) []float64 {
			return fd.Gradient(nil, tf.gonum.Func, tf.x, &fd.Settings{Formula: fd.Central})
		}},
		{"gonum fd forward", math.Inf(1), func(tf testFunc) []float64 { return fd.Gradient(nil, tf.gonum.Func, tf.x, nil) }},
	}
	var tab strings.Builder
	fmt.Fprintf(&tab, "\n%-24s", "‖est−g‖∞/‖g‖∞")
	for _, m := range methods {
		fmt.Fprintf(&tab, " %17s", m.name)
	}
	worst := make([]float64, len(methods))
	for _, tf := range testFuncs() {
		want := make([]float64, len(tf.x))
		tf.gonum.Grad(want, tf.x)
		fmt.Fprintf(&tab, "\n%-24s", tf.name)
		for k, m := range methods {
			x := append([]float64(nil), tf.x...)
			e := normErr(m.grad(tf), want)
			fmt.Fprintf(&tab, " %17.2e", e)
			for i := range x {
				if x[i] != tf.x[i] {
					t.Fatalf("%s, %s: x changed", tf.name, m.name)
				}
			}
			if tf.name == "BrownBadlyScaled" && m.name == "central" {
				continue
			}
			worst[k] = math.Max(worst[k], e)
			if !(e <= m.bound) {
				t.Errorf("%s, %s: relative error %.3g > %.0e", tf.name, m.name, e, m.bound)
			}
		}
	}
	fmt.Fprintf(&tab, "\n%-24s", "max (central w/o Brown)")
	for k := range methods {
		fmt.Fprintf(&tab, " %17.2e", worst[k])
	}
	t.Log(tab.String())
}
