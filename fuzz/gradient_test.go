package fuzz

import (
	"math"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad/zoo"
)

// maxCase bounds the bytes a structured target reads: with the default
// Limits a case uses at most 1 + 3·2·4 + 126·3 + 2 + 8·12·3 + 2 + 8·2 ≈ 700.
const maxCase = 4096

// gradientCase decodes a case of FuzzGradient: one byte choosing ordinary
// (< 0xc0) or hostile values, a network within the default Limits, a
// dataset for it, and a batch: every sample, or (when the next byte is
// odd) 1 to 2N rows drawn with repetition.
func gradientCase(data []byte) (*backprop.Network, backprop.Batch) {
	src := NewSource(data)
	lim := &Limits{Hostile: src.Uint8() >= 0xc0}
	net := src.Network(lim)
	c := net.Config()
	d := src.Dataset(c.Sizes[0], c.Sizes[len(c.Sizes)-1], lim)
	b := backprop.All(d)
	if src.Bool() {
		b.Rows = make([]int, src.IntRange(1, 2*d.N))
		for i := range b.Rows {
			b.Rows[i] = src.IntRange(0, d.N-1)
		}
	}
	return net, b
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
	net, b := gradientCase(data)
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
	cfg := net.Config()
	if c.Verdict == Fail {
		t.Fatalf("sizes %v, activations %v, loss %v, %d samples: %v", cfg.Sizes, cfg.Activations, cfg.Loss, b.Len(), c)
	}
	if hasNonFinite(net.ParamsTo(nil), b) && c.Verdict != NonFinite {
		t.Fatalf("a parameter or data value is NaN or ±Inf, verdict %v", c)
	}
}

// hasNonFinite reports whether theta or b's samples hold NaN or ±Inf.
func hasNonFinite(theta []float64, b backprop.Batch) bool {
	bad := func(v []float64) bool {
		for _, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return true
			}
		}
		return false
	}
	if bad(theta) {
		return true
	}
	for i := range b.Len() {
		x, y := b.Sample(i)
		if bad(x) || bad(y) {
			return true
		}
	}
	return false
}
