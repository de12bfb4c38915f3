package soundness

import (
	"math"
	"reflect"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
)

// The suite's own machinery: what its verdicts rest on.

// TestCasesDeterministic: the same seed gives the same cases.
func TestCasesDeterministic(t *testing.T) {
	for i := range Mix {
		cat := &Mix[i]
		for j := range 3 {
			a, b := cat.Case(MixSeed, j), cat.Case(MixSeed, j)
			if !reflect.DeepEqual(a.Theta, b.Theta) || !reflect.DeepEqual(a.X, b.X) || !reflect.DeepEqual(a.Rows, b.Rows) || a.Sub != b.Sub {
				t.Errorf("%s: two builds differ", a.Name())
			}
		}
	}
}

// TestHandMatchesNetwork: the hand-written models compute the network's
// cost and gradient (in their own layout and order), within rounding, so
// the network's oracle applies to them; their gradient is exact where the
// network's is.
func TestHandMatchesNetwork(t *testing.T) {
	cat := categoryNamed("hand-written")
	for j := range 12 {
		c := cat.Case(MixSeed, j)
		net, b := c.Network(), c.Batch()
		fn, err := net.Cost(b)
		if err != nil {
			t.Fatal(err)
		}
		gn := make([]float64, net.NumParams())
		net.Gradient(gn, b)
		h := NewHand(net, c.Layout)
		fh, err := h.Cost(b)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(fh-fn) > 1e-12*math.Max(1, math.Abs(fn)) {
			t.Errorf("%s: cost %v, network's %v", c.Name(), fh, fn)
		}
		gh := make([]float64, h.NumParams())
		h.Gradient(gh, b)
		o, err := newOracle(c)
		if err != nil {
			t.Fatal(err)
		}
		for i, k := range h.perm() {
			// Both are right to their rounding on their own pieces; where z
			// is 0 in one order and not in the other they may take other
			// pieces, which only the kink conditions allow.
			if d := math.Abs(gh[i] - gn[k]); d > 2*o.margin[i]+1e-13*o.scale && c.Sub[len(c.Sub)-8:] == "ordinary" {
				t.Errorf("%s: component %d: %v, network's %v", c.Name(), i, gh[i], gn[k])
			}
		}
	}
}

// TestDyadicExact: dyadic placements are exactly 0 in backprop's order
// and in the hand-written model's.
func TestDyadicExact(t *testing.T) {
	cat := categoryNamed("kink-exact")
	n := 0
	for j := 0; n < 5 && j < 100; j++ {
		c := cat.Case(MixSeed, j)
		if c.Sub != "dyadic" {
			continue
		}
		n++
		if c.Reached != 0 {
			t.Errorf("%s: a placed z is %v in backprop's order", c.Name(), c.Reached)
		}
	}
	if n == 0 {
		t.Fatal("no dyadic case in the first 100")
	}
}

// TestNearReached: kink-near reaches its distance to rounding.
func TestNearReached(t *testing.T) {
	cat := categoryNamed("kink-near")
	for j := range 20 {
		c := cat.Case(MixSeed, j)
		if math.Abs(c.Reached-c.Aim) > 1e-15+1e-3*c.Aim && c.Reached > c.Aim {
			t.Errorf("%s: aimed at %g, reached %g", c.Name(), c.Aim, c.Reached)
		}
	}
}

// TestOracleOnKink: a zero-input case has components exactly on a kink
// by the oracle, and an ordinary smooth one none.
func TestOracleOnKink(t *testing.T) {
	c := categoryNamed("smooth-ordinary").Case(MixSeed, 0)
	o, err := newOracle(c)
	if err != nil {
		t.Fatal(err)
	}
	if o.onKink(0) {
		t.Error("a smooth case on a kink")
	}
	cat := categoryNamed("kink-exact")
	for j := range 50 {
		c := cat.Case(MixSeed, j)
		if c.Sub != "zero input" {
			continue
		}
		o, err := newOracle(c)
		if err != nil {
			t.Fatal(err)
		}
		// The first layer's biases of the zeroed sample: every step of
		// the bias moves that sample's z off 0.
		bi := c.biasIndex(0, 0)
		if !o.onKink(bi) {
			t.Errorf("%s: bias 0 of layer 0 is not on a kink", c.Name())
		}
		return
	}
	t.Fatal("no zero-input case in the first 50")
}

func categoryNamed(name string) *Category {
	for i := range Mix {
		if Mix[i].Name == name {
			return &Mix[i]
		}
	}
	panic(name)
}

// TestHandCostIsCost: the hand models' one forward pass over
// backprop.Scalar (their complex and dual extensions) computes Hand.Cost's
// value bit for bit over backprop.Real, and its dual part is the hand
// model's own gradient within rounding.
func TestHandCostIsCost(t *testing.T) {
	cat := categoryNamed("hand-written")
	for j := range 24 {
		c := cat.Case(MixSeed, j)
		net, b := c.Network(), c.Batch()
		h := NewHand(net, c.Layout)
		want, err := h.Cost(b)
		if err != nil {
			t.Fatal(err)
		}
		theta := h.ParamsTo(nil)
		re := make([]backprop.Real, len(theta))
		for i, v := range theta {
			re[i] = backprop.Real(v)
		}
		got, err := handCost(h, re, b)
		if err != nil {
			t.Fatal(err)
		}
		if math.Float64bits(float64(got)) != math.Float64bits(want) {
			t.Errorf("%s: handCost %v, Cost %v", c.Name(), got, want)
		}
		g := make([]float64, len(theta))
		h.Gradient(g, b)
		du := make([]backprop.Dual, len(theta))
		for i, v := range theta {
			du[i] = backprop.Dual{V: v}
		}
		scale := 0.0
		for _, v := range g {
			scale = math.Max(scale, math.Abs(v))
		}
		for i := range du {
			du[i].D = 1
			d, err := h.CostDual(du, b)
			du[i].D = 0
			if err != nil {
				t.Fatal(err)
			}
			if c.Sub[len(c.Sub)-8:] == "ordinary" && math.Abs(d.D-g[i]) > 1e-10*math.Max(scale, 1e-300) {
				t.Errorf("%s: component %d: dual %v, Gradient %v", c.Name(), i, d.D, g[i])
			}
		}
	}
}
