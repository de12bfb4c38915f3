package claimed_test

import (
	"math"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/claimed"
	"github.com/gradcheck/gradcheck/datasets"
	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
)

// TestReferenceCostIsReferences: runerr.Cost, added for the loss
// check, returns the cost half of runerr.Gradient bit for bit.
func TestReferenceCostIsReferences(t *testing.T) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 3, 3, 1}, Activations: []backprop.Activation{backprop.Sigmoid, backprop.Tanh, backprop.Identity}, Seed: 3})
	b := backprop.All(datasets.Textbook())
	theta := net.ParamsTo(nil)
	full, err := runerr.Gradient(net, theta, b)
	if err != nil {
		t.Fatal(err)
	}
	half, err := runerr.Cost(net, theta, b)
	if err != nil {
		t.Fatal(err)
	}
	if half.Cost != full.Cost || half.CostErr != full.CostErr || half.Slack != full.Slack || half.Grad != nil {
		t.Errorf("ReferenceCost = (%v, %v, %v), Reference = (%v, %v, %v)", half.Cost, half.CostErr, half.Slack, full.Cost, full.CostErr, full.Slack)
	}
	if c, _ := net.Cost(b); !(math.Abs(c-half.Cost) <= half.Slack*half.CostErr) {
		t.Errorf("backprop's cost %v is not within Slack·CostErr = %.3g of the reference %v", c, half.Slack*half.CostErr, half.Cost)
	}
}

// TestLossVerdicts: the claimed loss passes within the rounding bound Tol
// and fails beyond it; the tolerance is the one the report states.
func TestLossVerdicts(t *testing.T) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 4, 3}, Activations: []backprop.Activation{backprop.Tanh, backprop.Identity}, Loss: backprop.SquaredError, Seed: 2})
	d, err := backprop.NewDataset([][]float64{{0.5, -1}, {2, 0.25}, {-0.75, 1.5}, {0, 1}}, [][]float64{{1, 0, 0.5}, {0, 1, -0.5}, {0.25, 0.25, 2}, {-1, 1, 0}})
	if err != nil {
		t.Fatal(err)
	}
	b := backprop.All(d)
	g := make([]float64, net.NumParams())
	c, err := net.Gradient(g, b)
	if err != nil {
		t.Fatal(err)
	}
	r, err := claimed.Check(net, b, g, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	tol := r.Loss.Tol
	// Tol = Slack·CostErr is at least the rounding of the last sum, of
	// order u·C, and far below any factor error.
	if !(tol >= 0x1p-53*c && tol < 1e-10*c) {
		t.Fatalf("Tol = %.3g for a cost %v: not of the order of float64 rounding", tol, c)
	}
	for _, tc := range []struct {
		name  string
		loss  float64
		want  numgrad.Status
		cause string
	}{
		{"ours", c, numgrad.Pass, ""},
		{"half the bound above", r.Loss.Computed + tol/2, numgrad.Pass, ""},
		{"twice the bound above", r.Loss.Computed + 2*tol, numgrad.Fail, "claimed/ours = 1"},
		{"twice the bound below", r.Loss.Computed - 2*tol, numgrad.Fail, "claimed/ours = 1"},
		{"with a ½", c / 2, numgrad.Fail, "no ½"},
		{"F.mse_loss's mean over the 3 outputs", c / 3, numgrad.Fail, "F.mse_loss"},
		{"a ½ and the mean over outputs", c / 6, numgrad.Fail, "a ½ and a mean over the 3 outputs"},
		{"summed over the batch", 4 * c, numgrad.Fail, "summed over the 4 samples"},
		{"divided by B twice", c / 4, numgrad.Fail, "batch size once too often"},
		{"negated", -c, numgrad.Fail, "sign flip"},
		{"doubled", 2 * c, numgrad.Fail, "counted twice"},
		{"NaN", math.NaN(), numgrad.Fail, "not finite"},
		{"+Inf", math.Inf(1), numgrad.Fail, "not finite"},
	} {
		r, err := claimed.Check(net, b, g, tc.loss, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Loss.Status != tc.want || !strings.Contains(r.Loss.Note, tc.cause) {
			t.Errorf("%s: verdict %v, note %q; want %v and a note with %q", tc.name, r.Loss.Status, r.Loss.Note, tc.want, tc.cause)
		}
		if !r.Gradient.OK() || r.OK() != (tc.want == numgrad.Pass) {
			t.Errorf("%s: gradient OK %v, claim OK %v", tc.name, r.Gradient.OK(), r.OK())
		}
	}
	// Without a claimed loss the loss is not judged.
	r, err = claimed.Check(net, b, g, math.NaN(), &claimed.Settings{NoLoss: true})
	if err != nil || r.Loss != nil || !r.OK() {
		t.Errorf("NoLoss: err %v, loss %v, OK %v", err, r.Loss, r.OK())
	}
}

// TestLossUnverified: where rounding perturbs the argument of tanh by more
// than runerr.MaxRel relative (weights of 1e13 put z near 1e13, whose
// rounding error u·|z|·n is far above 1e-4), the first-order bound is not
// trusted: a disagreeing loss gets no verdict, neither right nor wrong, and
// the note says why.
func TestLossUnverified(t *testing.T) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 2, 1}, Activations: []backprop.Activation{backprop.Tanh, backprop.Identity}, Seed: 1})
	if err := net.SetWeights(0, [][]float64{{1e13, -3e13}, {2e13, 1e13}}, []float64{0, 0}); err != nil {
		t.Fatal(err)
	}
	b := backprop.All(datasets.Textbook())
	g := make([]float64, net.NumParams())
	c, err := net.Gradient(g, b)
	if err != nil {
		t.Fatal(err)
	}
	r, err := claimed.Check(net, b, g, c+1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Loss.Status != numgrad.Undecided || !strings.Contains(r.Loss.Note, "first-order bound") {
		t.Errorf("verdict %v, note %q; want unverified", r.Loss.Status, r.Loss.Note)
	}
}
