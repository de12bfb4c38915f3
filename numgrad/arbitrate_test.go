package numgrad

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gradcheck/gradcheck/backprop"
)

// extremeGain returns a smooth network of extreme gain on one sample, on
// which central differences cannot settle one component: θ₂₃, a weight
// behind a tanh that a weight of 10⁴ saturates, has derivative 0, but every
// step of the sweep is rounding-dominated (property AgreesWithNumgrad's
// reproducer, found by rapid).
func extremeGain(t *testing.T) (*backprop.Network, backprop.Batch) {
	t.Helper()
	net := backprop.MustNew(backprop.Config{Sizes: []int{3, 3, 4, 2}, Activations: []backprop.Activation{backprop.Identity, backprop.Identity, backprop.Tanh}, Loss: backprop.SoftmaxCrossEntropy})
	th := make([]float64, net.NumParams())
	th[11], th[35] = 1982.5, 10000 // layer 0 bias 2, layer 2 weight [1][3]
	th[36], th[37] = 1, 1          // layer 2 biases
	net.SetParams(th)
	d := &backprop.Dataset{N: 1, In: 3, Out: 2, X: []float64{1, 1, 1}, Y: []float64{1, 1}}
	return net, backprop.All(d)
}

// On a smooth network dual numbers settle what the finite differences
// cannot: the right gradient passes, and the component's note says how.
func TestArbitratePassesRightGradient(t *testing.T) {
	net, b := extremeGain(t)
	r, err := CheckModel(net, b, &CheckSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		t.Fatalf("a right gradient failed: %+v", r.Worst(1))
	}
	c := r.Components[23]
	if c.Status != Pass || !strings.Contains(c.Note, "finite differences could not settle it") || !strings.Contains(c.Note, "dual reference 0 agrees") {
		t.Errorf("component 23: %+v; want a pass settled by the dual reference", c)
	}
	// A wrapper that embeds the network declares what the network does:
	// the same report.
	rw, err := CheckModel(wrapped{net}, b, &CheckSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if rw.Components[23].Status != Pass {
		t.Errorf("a wrapper that embeds the network: component 23 is %v, the network's %v", rw.Components[23].Status, c.Status)
	}
	// A model that hides the network declares nothing: no reference, so
	// finite differences alone decide, down to the steps below the ladder
	// that the claim's gap calls for (see extend), or leave it Undecided;
	// never failed without evidence.
	r, err = CheckModel(hidden{net}, b, &CheckSettings{})
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Components[23]; !r.OK() || c.Status == Fail || strings.Contains(c.Note, "reference") {
		t.Errorf("without a reference component 23 is %v (OK %v, %q); want it decided by finite differences or undecided", c.Status, r.OK(), c.Note)
	}
	t.Logf("without a reference: component 23 %v: %s", r.Components[23].Status, r.Components[23].Note)
}

// A wrong component stays wrong, and the reference confirms it.
func TestArbitrateConfirmsWrongGradient(t *testing.T) {
	net, b := extremeGain(t)
	g := make([]float64, net.NumParams())
	if _, err := net.Gradient(g, b); err != nil {
		t.Fatal(err)
	}
	g[23] = 0.5
	r, err := CheckClaimed(net, b, g, &CheckSettings{})
	if err != nil {
		t.Fatal(err)
	}
	c := r.Components[23]
	if r.OK() || c.Status != Fail || !strings.Contains(c.Note, "the dual reference 0 confirms the failure") {
		t.Errorf("a wrong component: OK %v, %+v; want a failure the dual reference confirms", r.OK(), c)
	}
}

// wrapped embeds a network: it makes every declaration the network makes.
type wrapped struct{ *backprop.Network }

// hidden computes a network's cost and gradient and declares nothing.
type hidden struct{ net *backprop.Network }

func (h hidden) NumParams() int                         { return h.net.NumParams() }
func (h hidden) ParamsTo(dst []float64) []float64       { return h.net.ParamsTo(dst) }
func (h hidden) SetParams(src []float64)                { h.net.SetParams(src) }
func (h hidden) Cost(b backprop.Batch) (float64, error) { return h.net.Cost(b) }
func (h hidden) Gradient(dst []float64, b backprop.Batch) (float64, error) {
	return h.net.Gradient(dst, b)
}

// A right gradient whose components are small differences of large terms
// (a confident softmax, p·Σy − y with y = (6e-8, 1), behind weights of 10
// and 4·10³) carries a rounding error of 1.1e-12 in a component of 6e-4,
// above the allowance for terms of order one (2¹³·eps ≈ 9e-13) and below
// 2γ_K times the scale of its terms (see termScale), which the check uses
// for a *backprop.Network. Property AgreesWithNumgrad's reproducer, found by
// rapid; the complex reference agrees with the analytic value to 1.9e-9
// relative, so only the allowance was wrong.
func TestTermScaleAllowsCancellation(t *testing.T) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{1, 2, 2, 2}, Activations: []backprop.Activation{backprop.Sigmoid, backprop.Identity, backprop.Identity}, Loss: backprop.SoftmaxCrossEntropy})
	th := make([]float64, net.NumParams())
	th[7], th[13] = 9.8446044921875, 4065.75
	net.SetParams(th)
	b := backprop.All(&backprop.Dataset{N: 1, In: 1, Out: 2, X: []float64{1}, Y: []float64{5.960464488641293e-08, 1}})
	for _, m := range []Method{MethodCentral, MethodComplex} {
		r, err := CheckModel(net, b, &CheckSettings{Method: m})
		if err != nil {
			t.Fatal(err)
		}
		if !r.OK() {
			t.Errorf("%v: a right gradient failed: %+v", m, r.Worst(1))
		}
	}
	scale, chain, err := net.TermScale(nil, b)
	if err != nil {
		t.Fatal(err)
	}
	// Layer 0's weight [1][0] (index 1) is 6e-4 made of terms of about
	// 2·4065.75·9.84·σ′ ≈ 2e4.
	if s := 2 * gammaN(chain, float64Eps) * scale[1]; !(s > 1.1e-12 && s < 1e-9) {
		t.Errorf("allowance 2γ_K·M = %.3g for component 1 (M = %.3g, K = %d); want above the 1.1e-12 error and far below the component", s, scale[1], chain)
	}
}

// A check's record replays to the same report, through JSON, on the same
// model: the aids come from the model's declarations again.
func TestReplayIsExact(t *testing.T) {
	net, b := extremeGain(t)
	r, err := CheckModel(net, b, &CheckSettings{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(r.Replay); err != nil {
		t.Fatal(err)
	}
	rec, err := ReadRecord(&buf)
	if err != nil {
		t.Fatal(err)
	}
	again, err := ReplayModel(rec, net, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	opts := cmp.Options{cmpopts.EquateNaNs(), cmp.AllowUnexported(Sweep{})}
	if diff := cmp.Diff(r, again, opts); diff != "" {
		t.Errorf("replay differs (-want +got):\n%s", diff)
	}
	plain, err := ReplayModel(rec, hidden{net}, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c := plain.Components[23]; strings.Contains(c.Note, "reference") || c.Status == Fail {
		t.Errorf("a replay on a model that declares nothing used a reference for component 23 (%v: %s)", c.Status, c.Note)
	}
}
