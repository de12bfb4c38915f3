package fuzz

import (
	"math"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/numgrad/zoo"
)

// maxCase bounds the bytes a structured target reads: with the default
// Limits a case uses at most 1 + 3·2·4 + 126·3 + 2 + 8·12·3 + 2 + 8·2 ≈ 700.
const maxCase = 4096

// gradientCase decodes a case of FuzzGradient: one byte choosing ordinary
// (< 0xc0) or hostile values, a network within the default Limits, a
// dataset for it, and a batch: every sample, or (when the next byte is
// odd) 1 to 2N rows drawn with repetition.
func gradientCase(data []byte) (net *backprop.Network, b backprop.Batch, hostile bool) {
	src := NewSource(data)
	lim := &Limits{Hostile: src.Uint8() >= 0xc0}
	net = src.Network(lim)
	c := net.Config()
	d := src.DatasetFor(c, lim)
	b = backprop.All(d)
	if src.Bool() {
		b.Rows = make([]int, src.IntRange(1, 2*d.N))
		for i := range b.Rows {
			b.Rows[i] = src.IntRange(0, d.N-1)
		}
	}
	return net, b, lim.Hostile
}

// FuzzGradient is the gradient-agreement target. The fuzzer chooses a
// network (shape, activations, loss), its weights and a batch; backprop's
// gradient must agree with the exact dual-number reference within the
// bound of both evaluations' rounding (see Compare) wherever both are
// finite and no ReLU pre-activation sits within rounding of its kink, and
// a NaN or ±Inf anywhere in the case must give the verdict NonFinite,
// never Pass.
//
// FuzzGradientMutant (mutant_test.go, build tag "mutant") runs the same
// body on a mutant of numgrad/zoo, which the fuzzer must catch.
func FuzzGradient(f *testing.F) {
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) { agreement(t, data, nil) })
}

// agreement is the body of FuzzGradient: the model under test is the
// network itself, or the mutant over it.
func agreement(t *testing.T, data []byte, mutant *zoo.Mutant) {
	if len(data) > maxCase {
		return
	}
	net, b, _ := gradientCase(data)
	var m backprop.Model = net
	if mutant != nil {
		m = mutant.New(net)
	}
	c, err := Compare(m, net, b)
	if err != nil {
		if mutant != nil {
			return // the bug cannot run on this shape or loss
		}
		t.Fatalf("Compare: %v", err)
	}
	if c.Verdict == Fail {
		cfg := net.Config()
		t.Fatalf("sizes %v, activations %v, loss %v, %d samples: %v", cfg.Sizes, cfg.Activations, cfg.Loss, b.Len(), c)
	}
	if hasNaNOrInf(net.ParamsTo(nil), b) && c.Verdict != NonFinite {
		t.Fatalf("a parameter or data value is NaN or ±Inf, verdict %v", c)
	}
	if mutant != nil {
		return
	}

	// numgrad's checker on the same case must agree with Compare, with its
	// exact dual-number reference and by central differences, hostile
	// cases included: where a hostile weight such as 1e10 makes the cost
	// saturate within less than the smallest step numgrad tries, no finite
	// difference resolves the slope and the component is Undecided, never
	// failed. Either way a NaN or Inf in the case, the cost or the gradient
	// must never pass. The corpus holds what FuzzNumgradCentral, the
	// target that asked this of hostile cases while numgrad could still
	// call them wrong, found (finding-*: a weight of 1.06e6 whose plateau
	// passed for convergence; a cancelled cross-entropy whose noise fell
	// to eps·|C|; a weight of 1e308 that made the noise estimate NaN; +Inf
	// in the input hidden by tanh; a cost saturating below every step).
	nonFinite := hasNaNOrInf(net.ParamsTo(nil), b) || hasNaNOrInf(c.Grad, backprop.Batch{}) || math.IsNaN(c.Cost) || math.IsInf(c.Cost, 0)
	checkNumgrad(t, net, b, c, nonFinite, numgrad.MethodDual, true)
	checkNumgrad(t, net, b, c, nonFinite, numgrad.MethodCentral, true)
}

// checkNumgrad runs numgrad.CheckModel with method on the case that c
// compared. A NaN or Inf in the case, the cost or the gradient (nonFinite)
// must fail the check or give an error; with agree, no component of a
// case that c passed may be called wrong (kinks aside, which numgrad
// classifies itself, and NaN flags of its own stencils).
func checkNumgrad(t *testing.T, net *backprop.Network, b backprop.Batch, c *Comparison, nonFinite bool, method numgrad.Method, agree bool) {
	t.Helper()
	r, err := numgrad.CheckModel(net, b, &numgrad.CheckSettings{Method: method})
	cfg := net.Config()
	switch {
	case err != nil:
		// An exact method whose extension overflows in its own order of
		// evaluation computes another function, and says so.
		if !nonFinite && !(c.Ref.Overflow && (method == numgrad.MethodDual || method == numgrad.MethodComplex)) {
			t.Fatalf("numgrad.CheckModel (%v) on a finite case: %v", method, err)
		}
	case nonFinite && r.OK():
		t.Fatalf("numgrad (%v) passed a case with NaN or Inf (%v):\n%s", method, c.Why, table(r))
	case agree && c.Verdict == Pass && r.Failed > r.NonFinite:
		// A component called wrong, not merely flagged: a stencil that
		// leaves the range of float64 (θ = 1e308) flags NaN, rightly.
		t.Fatalf("sizes %v, activations %v, loss %v, %d samples: backprop agrees with the exact reference, numgrad (%v) fails it:\n%s", cfg.Sizes, cfg.Activations, cfg.Loss, b.Len(), method, table(r))
	}
}

// table returns r's table, for a failure message.
func table(r *numgrad.Report) string {
	var s strings.Builder
	r.WriteTable(&s, "  ")
	return s.String()
}
