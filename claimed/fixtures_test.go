package claimed_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/claimed"
	"github.com/gradcheck/gradcheck/claimed/claimedtest"
	"github.com/gradcheck/gradcheck/netio"
	"github.com/gradcheck/gradcheck/numgrad"
)

func fixtures(t *testing.T) []claimedtest.Fixture {
	t.Helper()
	fs, err := claimedtest.Load(claimedtest.Dir())
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// open loads a fixture's network, data and claimed gradient file rel.
func open(t *testing.T, f claimedtest.Fixture, rel string) (*backprop.Network, backprop.Batch, *netio.GradientFile) {
	t.Helper()
	net, d, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	g, err := netio.LoadGradient(f.Path(rel))
	if err != nil {
		t.Fatal(err)
	}
	return net, backprop.All(d), g
}

// TestFixtureSet: the networks cover every activation and both losses, and
// every kind of planted mistake occurs, so that a fixture set shrunk by a
// later edit of gen.py fails here rather than testing less.
func TestFixtureSet(t *testing.T) {
	acts, losses, kinds := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, f := range fixtures(t) {
		for _, a := range f.Activations {
			acts[a] = true
		}
		losses[f.Loss] = true
		for _, p := range f.Planted {
			kinds[p.Kind] = true
		}
	}
	for _, a := range backprop.Activations() {
		if !acts[a.String()] {
			t.Errorf("no fixture network has the activation %v", a)
		}
	}
	for _, l := range backprop.Losses() {
		if !losses[l.String()] {
			t.Errorf("no fixture network has the loss %v", l)
		}
	}
	for _, k := range []string{"scaled", "transposed", "dropped-derivative", "bias-sign", "mse-mean", "half-loss"} {
		if !kinds[k] {
			t.Errorf("no planted mistake of kind %s", k)
		}
	}
}

// TestFixturesAgreeWithBackprop holds the loss and gradient that PyTorch
// computed against backprop's within the rounding bound of two float64
// evaluations (claimedtest.Agreement says how it is derived). backprop's
// gradient is what `gradcheck grad` prints, bit for bit (cmd/gradcheck
// TestGradMatchesLibrary; TestGradAgreesWithFixtures there runs it).
func TestFixturesAgreeWithBackprop(t *testing.T) {
	var worst claimedtest.Agreement
	for _, f := range fixtures(t) {
		net, b, gf := open(t, f, f.Grad)
		theirs, err := claimed.Flatten(net, gf)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		ours := make([]float64, net.NumParams())
		cost, err := net.Gradient(ours, b)
		if err != nil {
			t.Fatal(err)
		}
		ag, err := claimedtest.Agree(net, b, gf.Loss, theirs, cost, ours)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if !(ag.Ratio <= 1) {
			t.Errorf("%s: torch and backprop differ by %.3g times the rounding bound at %s", f.Name, ag.Ratio, ag.Worst)
		}
		worst.Loss, worst.Grad = math.Max(worst.Loss, ag.Loss), math.Max(worst.Grad, ag.Grad)
		worst.GradULP, worst.Ratio = math.Max(worst.GradULP, ag.GradULP), math.Max(worst.Ratio, ag.Ratio)
	}
	t.Logf("torch vs backprop over every fixture: loss max |difference| %.3g; gradient max |difference| %.3g, at most %.1f u·‖g‖∞ (u = 2⁻⁵³); max |difference|/bound %.3g",
		worst.Loss, worst.Grad, worst.GradULP, worst.Ratio)
}

// TestCorrectFixturesPass: every gradient and loss that PyTorch computed is
// accepted.
func TestCorrectFixturesPass(t *testing.T) {
	for _, f := range fixtures(t) {
		net, b, gf := open(t, f, f.Grad)
		r, err := claimed.CheckFile(net, b, gf, nil)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if !r.OK() || r.Loss.Status != numgrad.Pass || r.Gradient.Failed != 0 {
			t.Errorf("%s: the correct claim is rejected:\n%s", f.Name, r)
		}
	}
}

// TestPlantedMistakesLocated: every planted mistake fails the claim, and the
// report says where it enters (layer and group) and names its cause.
func TestPlantedMistakesLocated(t *testing.T) {
	for _, f := range fixtures(t) {
		for _, p := range f.Planted {
			t.Run(f.Name+"/"+p.Kind, func(t *testing.T) {
				net, b, gf := open(t, f, p.File)
				r, err := claimed.CheckFile(net, b, gf, nil)
				if err != nil {
					t.Fatal(err)
				}
				if r.OK() {
					t.Fatalf("%s: accepted:\n%s", p.Why, r)
				}
				g, located := r.Gradient.Located()
				if want := p.Where(); want == "" {
					if located || r.Loss.Status != numgrad.Fail {
						t.Errorf("%s: want a right gradient and a wrong loss, got loss %v and a gradient wrong at %s:\n%s", p.Why, r.Loss.Status, g.Name(), r)
					}
				} else if !located || g.Name() != want {
					t.Errorf("%s: located at %q (found %v), want %q:\n%s", p.Why, g.Name(), located, want, r)
				}
				causes := slices.Concat([]string{g.Cause, r.Loss.Note}, r.Gradient.Causes, r.Hints)
				if !strings.Contains(strings.Join(causes, "\n"), p.Cause) {
					t.Errorf("%s: no likely cause mentions %q; causes:\n%s", p.Why, p.Cause, strings.Join(causes, "\n"))
				}
			})
		}
	}
}

// TestAgreeDetects: the agreement measure that the fixtures pass does fail
// a gradient off by far less than any planted mistake, and names where.
func TestAgreeDetects(t *testing.T) {
	f := fixtures(t)[0]
	net, b, _ := open(t, f, f.Grad)
	g := make([]float64, net.NumParams())
	c, err := net.Gradient(g, b)
	if err != nil {
		t.Fatal(err)
	}
	same, err := claimedtest.Agree(net, b, c, g, c, g)
	if err != nil || same.Ratio != 0 || same.Grad != 0 {
		t.Fatalf("a gradient against itself: %+v, %v", same, err)
	}
	off := slices.Clone(g)
	off[5] += 1e-9 * math.Max(1, math.Abs(off[5]))
	ag, err := claimedtest.Agree(net, b, c, off, c, g)
	if err != nil || !(ag.Ratio > 1) || ag.Worst != "layer 0 weight [1][2]" {
		t.Errorf("component 5 off by 1e-9: %+v, %v; want a ratio above 1 at layer 0 weight [1][2]", ag, err)
	}
	ag, err = claimedtest.Agree(net, b, c*(1+1e-12), g, c, g)
	if err != nil || !(ag.Ratio > 1) || ag.Worst != "loss" {
		t.Errorf("loss off by 1e-12 relative: %+v, %v; want a ratio above 1 at the loss", ag, err)
	}
}
