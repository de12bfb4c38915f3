package claimed_test

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/claimed"
	"github.com/gradcheck/gradcheck/datasets"
	"github.com/gradcheck/gradcheck/netio"
	"github.com/gradcheck/gradcheck/numgrad"
)

func textbookNet(t *testing.T) (*backprop.Network, backprop.Batch, []float64, float64) {
	t.Helper()
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 3, 3, 1}, Activations: []backprop.Activation{backprop.Sigmoid, backprop.Tanh, backprop.Identity}, Seed: 5})
	b := backprop.All(datasets.Textbook())
	g := make([]float64, net.NumParams())
	c, err := net.Gradient(g, b)
	if err != nil {
		t.Fatal(err)
	}
	return net, b, g, c
}

// TestCheckLeavesInputs: neither the claimed gradient nor the network's
// parameters change, and the report is the same with any method.
func TestCheckLeavesInputs(t *testing.T) {
	net, b, g, c := textbookNet(t)
	theta := net.ParamsTo(nil)
	g[3] = -g[3] // one wrong component
	keep := slices.Clone(g)
	for _, m := range []numgrad.Method{numgrad.MethodCentral, numgrad.MethodRichardson, numgrad.MethodComplex, numgrad.MethodDual, numgrad.MethodFast} {
		r, err := claimed.Check(net, b, g, c, &claimed.Settings{Check: &numgrad.CheckSettings{Method: m, Concurrent: true}})
		if err != nil {
			t.Fatalf("%v: %v", m, err)
		}
		if r.OK() || r.Loss.Status != numgrad.Pass {
			t.Errorf("%v: OK %v, loss %v; want a wrong gradient and a right loss", m, r.OK(), r.Loss.Status)
		}
		if g, ok := r.Gradient.Located(); !ok || g.Name() != "layer 0 weights" {
			t.Errorf("%v: located at %q, want layer 0 weights", m, g.Name())
		}
	}
	if !slices.Equal(g, keep) || !slices.Equal(net.ParamsTo(nil), theta) {
		t.Error("Check modified the claimed gradient or the network's parameters")
	}
}

func TestCheckErrors(t *testing.T) {
	net, b, g, c := textbookNet(t)
	if _, err := claimed.Check(net, b, g[:5], c, nil); err == nil || !strings.Contains(err.Error(), "5 components, the model 25 parameters") {
		t.Errorf("short gradient: %v", err)
	}
	if _, err := claimed.Check(net, backprop.Batch{}, g, c, nil); err == nil || !strings.Contains(err.Error(), "empty batch") {
		t.Errorf("empty batch: %v", err)
	}
	other := backprop.MustNew(backprop.Config{Sizes: []int{2, 3, 1}, Activations: []backprop.Activation{backprop.Sigmoid, backprop.Identity}})
	f := netio.NewGradientFile(other, c, make([]float64, other.NumParams()))
	if _, err := claimed.CheckFile(net, b, f, nil); err == nil || !strings.Contains(err.Error(), "layers: the gradient has 2, the model 3") {
		t.Errorf("file of another network: %v", err)
	}
	// NaN in the claim is no error: the report fails.
	g[0] = math.NaN()
	r, err := claimed.Check(net, b, g, c, nil)
	if err != nil || r.OK() || r.Gradient.NonFinite != 1 {
		t.Errorf("NaN component: err %v, OK %v", err, r != nil && r.OK())
	}
}

// TestHintMSELoss: a gradient off by 1/n_out in every layer, with the
// squared error, is named as F.mse_loss's mean; a factor that is not 1/n_out
// gets no such hint.
func TestHintMSELoss(t *testing.T) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 3, 3}, Activations: []backprop.Activation{backprop.Tanh, backprop.Identity}, Seed: 1})
	d, err := backprop.NewDataset([][]float64{{0.5, -1}, {1, 2}, {-0.3, 0.7}}, [][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}})
	if err != nil {
		t.Fatal(err)
	}
	b := backprop.All(d)
	g := make([]float64, net.NumParams())
	c, _ := net.Gradient(g, b)
	for _, tc := range []struct {
		factor float64
		hint   bool
	}{{1.0 / 3, true}, {0.5, false}, {1, false}} {
		scaled := slices.Clone(g)
		for i := range scaled {
			scaled[i] *= tc.factor
		}
		r, err := claimed.Check(net, b, scaled, c*tc.factor, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Contains(strings.Join(r.Hints, " "), "F.mse_loss")
		if got != tc.hint {
			t.Errorf("factor %v: hints %q, want an F.mse_loss hint: %v", tc.factor, r.Hints, tc.hint)
		}
		if tc.factor == 1/3.0 && !strings.Contains(r.Loss.Note, "F.mse_loss") {
			t.Errorf("factor 1/3: loss note %q lacks F.mse_loss", r.Loss.Note)
		}
	}
}

// TestReportOutput: the table and the JSON say the same verdicts.
func TestReportOutput(t *testing.T) {
	net, b, g, c := textbookNet(t)
	for _, tc := range []struct {
		name      string
		grad      func([]float64)
		loss      float64
		ok        bool
		verdict   string
		lossWords string
	}{
		{"right", func([]float64) {}, c, true, "claim: RIGHT (loss and gradient)", "pass"},
		{"wrong loss", func([]float64) {}, 2 * c, false, "claim: WRONG (the loss; the gradient agrees within its floor)", "FAIL"},
		{"wrong gradient", func(g []float64) { g[20] *= 2 }, c, false, "claim: WRONG (the gradient; loss pass)", "pass"},
		{"both wrong", func(g []float64) { g[20] *= 2 }, -c, false, "claim: WRONG (loss and gradient)", "FAIL"},
	} {
		gg := slices.Clone(g)
		tc.grad(gg)
		r, err := claimed.Check(net, b, gg, tc.loss, nil)
		if err != nil {
			t.Fatal(err)
		}
		table := r.String()
		if r.OK() != tc.ok || !strings.Contains(table, tc.verdict) || !strings.Contains(table, "claimed loss") || !strings.Contains(table, tc.lossWords+" (ours") {
			t.Errorf("%s: OK %v, table:\n%s", tc.name, r.OK(), table)
		}
		// One object (numgrad's schema): the claim's ok and verdict, the
		// loss, and the gradient's fields beside them.
		var w struct {
			OK      bool   `json:"ok"`
			Verdict string `json:"verdict"`
			Loss    struct {
				Claimed, Computed, Tol float64
				Status                 string
			} `json:"loss"`
			Failed int `json:"failed"`
		}
		js, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(js, &w); err != nil {
			t.Fatalf("%s: %v in %s", tc.name, err, js)
		}
		if w.OK != r.OK() || w.Loss.Status != r.Loss.Status.String() || w.Loss.Claimed != tc.loss || w.Loss.Tol != r.Loss.Tol || "claim: "+w.Verdict != tc.verdict || w.Failed != r.Gradient.Failed {
			t.Errorf("%s: JSON %s disagrees with the report", tc.name, js)
		}
	}
	// A non-finite claimed loss is written as a string, as numgrad writes NaN.
	r, _ := claimed.Check(net, b, g, math.Inf(1), nil)
	if js, err := json.Marshal(r); err != nil || !strings.Contains(string(js), `"claimed":"+Inf"`) {
		t.Errorf("+Inf loss: %v, %.200s", err, js)
	}
	r, _ = claimed.Check(net, b, g, c, &claimed.Settings{NoLoss: true})
	if s := r.String(); !strings.Contains(s, "claimed loss: not checked") || !strings.Contains(s, "claim: RIGHT (gradient; loss not checked)") {
		t.Errorf("NoLoss table:\n%s", s)
	}
}
