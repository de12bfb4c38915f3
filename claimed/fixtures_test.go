package claimed_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/claimed"
	"github.com/gradcheck/gradcheck/claimed/claimedtest"
	"github.com/gradcheck/gradcheck/fuzz"
	"github.com/gradcheck/gradcheck/netio"
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

// TestFixturesAgreeWithBackprop holds the gradient and loss that PyTorch
// computed against backprop's, which `gradcheck grad` prints bit for bit
// (cmd/gradcheck TestGradMatchesLibrary).
//
// The tolerance comes from the arithmetic of each case: fuzz.Reference
// evaluates ∂C/∂θ_i by dual numbers with a running bound Err_i on its
// rounding, and any correct float64 evaluation of the same definitions in
// another order lies within Slack·Err_i of it (Slack = 2n + 2, n the
// longest sum; see fuzz.Reference). Torch and backprop are two such
// evaluations, so
//
//	|torch_i − backprop_i| ≤ 2·Slack·Err_i,
//
// and the same for the loss with CostErr. The bound is first order, so the
// test requires Rel ≤ fuzz.MaxRel, and no ReLU pre-activation within
// rounding of its kink (Near), which gen.py's draw excludes.
func TestFixturesAgreeWithBackprop(t *testing.T) {
	var worstLoss, worstGrad, worstRatio, worstULP float64
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
		ref, err := fuzz.Reference(net, net.ParamsTo(nil), b)
		if err != nil {
			t.Fatal(err)
		}
		if ref.Near || ref.Rel > fuzz.MaxRel {
			t.Fatalf("%s: the reference's bound does not hold (near a kink %v, Rel %.2g > %g)", f.Name, ref.Near, ref.Rel, fuzz.MaxRel)
		}
		gmax := 0.0
		for _, v := range ours {
			gmax = math.Max(gmax, math.Abs(v))
		}
		check := func(what string, a, o, bound float64, worst *float64) {
			d := math.Abs(a - o)
			if !(d <= bound) {
				t.Errorf("%s %s: torch %v, backprop %v, |difference| %.3g > bound %.3g", f.Name, what, a, o, d, bound)
			}
			*worst = math.Max(*worst, d)
			if bound > 0 {
				worstRatio = math.Max(worstRatio, d/bound)
			}
		}
		check("loss", gf.Loss, cost, 2*ref.Slack*ref.CostErr, &worstLoss)
		for i := range ours {
			loc, _ := net.Layout().Locate(i)
			check(loc.String(), theirs[i], ours[i], 2*ref.Slack*ref.Err[i], &worstGrad)
			// In units of the unit roundoff of the largest component.
			worstULP = math.Max(worstULP, math.Abs(theirs[i]-ours[i])/(0x1p-53*gmax))
		}
	}
	t.Logf("torch vs backprop over every fixture: loss max |difference| %.3g; gradient max |difference| %.3g, %.1f u·‖g‖∞ (u = 2⁻⁵³); max |difference|/bound %.3g", worstLoss, worstGrad, worstULP, worstRatio)
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
		if !r.OK() || r.Loss.Verdict != claimed.LossRight || r.Gradient.Failed != 0 {
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
					if located || r.Loss.Verdict != claimed.LossWrong {
						t.Errorf("%s: want a right gradient and a wrong loss, got loss %v and a gradient wrong at %s:\n%s", p.Why, r.Loss.Verdict, g.Name(), r)
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
