package hvp

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/examples/internal/torchfix"
	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/numgrad/vector"
)

// setup returns a [4, 6, 3] tanh–identity network with the softmax
// cross-entropy and a batch of 5 samples with soft targets.
func setup() (*backprop.Network, backprop.Batch) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{4, 6, 3}, Activations: []backprop.Activation{backprop.Tanh, backprop.Identity},
		Loss: backprop.SoftmaxCrossEntropy, Seed: 7})
	rng := rand.New(rand.NewPCG(1, 6))
	d := &backprop.Dataset{N: 5, In: 4, Out: 3, X: make([]float64, 20), Y: make([]float64, 15)}
	for i := range d.X {
		d.X[i] = rng.NormFloat64()
	}
	for s := range 5 {
		d.Y[s*3+rng.IntN(3)] = 0.8
		d.Y[s*3+rng.IntN(3)] += 0.2
	}
	return net, backprop.All(d)
}

// check runs vector.CheckHVP of the MLP's product (with the given
// mistake) on the network's problem.
func check(t *testing.T, mistake string, s *vector.Settings) *vector.Report {
	t.Helper()
	net, b := setup()
	p, err := vector.NetworkHVP(net, b)
	if err != nil {
		t.Fatal(err)
	}
	m := &MLP{In: 4, Hidden: 6, Out: 3, mistake: mistake}
	r, err := vector.CheckHVP(p, func(dst, x, v []float64) error { m.HVP(dst, x, v, b); return nil }, s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestHVP: the hand-written product passes, by central differences of the
// gradient and by the exact forward-over-reverse reference, with its
// symmetry; and every entry of the full Hessian (Settings.Full) agrees.
func TestHVP(t *testing.T) {
	for _, m := range []numgrad.Method{numgrad.MethodCentral, numgrad.MethodDual, numgrad.MethodComplex} {
		r := check(t, "", &vector.Settings{CheckSettings: numgrad.CheckSettings{Method: m}})
		if !r.OK() || r.Undecided > 0 || r.Failed > 0 || len(r.Symmetry) != 1 || r.Symmetry[0].Status != numgrad.Pass {
			t.Errorf("%v: want RIGHT with its symmetry, got:\n%s", m, r)
		}
	}
	r := check(t, "", &vector.Settings{Full: true})
	if n := 4*6 + 6 + 6*3 + 3; !r.OK() || len(r.Entries) != n*n {
		t.Errorf("full Hessian: want RIGHT over %d entries, got %d:\n%s", n*n, len(r.Entries), r)
	}
}

// TestHVPWithoutSecondDerivative: leaving the f″ term out fails, naming
// layer 0 (its weights and biases), with layer 1 right — under central
// differences and the exact reference alike.
func TestHVPWithoutSecondDerivative(t *testing.T) {
	for _, m := range []numgrad.Method{numgrad.MethodCentral, numgrad.MethodDual} {
		r := check(t, "no-f2", &vector.Settings{CheckSettings: numgrad.CheckSettings{Method: m}})
		out := r.String()
		if r.OK() {
			t.Fatalf("%v: RIGHT:\n%s", m, out)
		}
		for _, s := range r.Summaries {
			if wrong := s.Failed > 0; wrong != (s.In.Layer == 0) {
				t.Errorf("%v: %s: %d of %d wrong", m, s.Name(), s.Failed, s.Checked)
			}
		}
		if !strings.Contains(out, "only the entries of layer 0 are wrong; those of layer 1 are right") {
			t.Errorf("%v: the report does not name layer 0:\n%s", m, out)
		}
		t.Logf("the planted mistake, as reported:\n%s", out)
	}
}

// TestHVPPyTorch checks PyTorch's float64 Hessian–vector products of the
// same network (double backward; examples/testdata/torch/hvp.json): at
// each fixture's parameters, data and direction, PyTorch's H·v is RIGHT as
// a claim by vector.CheckHVP with the exact reference; PyTorch's loss is
// the network's cost within 2⁻⁴⁰ relative (the same sums in two orders);
// and both the hand-written product and the network's exact
// forward-over-reverse one are within twice each entry's floor of
// PyTorch's.
func TestHVPPyTorch(t *testing.T) {
	f := torchfix.Load(t, "hvp")
	for k, c := range f.Cases {
		acts := make([]backprop.Activation, len(c.Activations))
		for i, a := range c.Activations {
			var err error
			if acts[i], err = backprop.ParseActivation(a); err != nil {
				t.Fatal(err)
			}
		}
		loss, err := backprop.ParseLoss(c.LossName)
		if err != nil {
			t.Fatal(err)
		}
		net := backprop.MustNew(backprop.Config{Sizes: c.Sizes, Activations: acts, Loss: loss})
		net.SetParams(c.Theta)
		in, out := c.Sizes[0], c.Sizes[len(c.Sizes)-1]
		b := backprop.All(&backprop.Dataset{N: len(c.X) / in, In: in, Out: out, X: c.X, Y: c.Y})
		if cost, err := net.Cost(b); err != nil || !(math.Abs(cost-c.Loss) <= 0x1p-40*math.Abs(c.Loss)) {
			t.Errorf("case %d: cost %.17g (%v), PyTorch %.17g", k, cost, err, c.Loss)
		}
		p, err := vector.NetworkHVP(net, b)
		if err != nil {
			t.Fatal(err)
		}
		r, err := vector.CheckHVP(p, func(dst, _, _ []float64) error { copy(dst, c.HV); return nil },
			&vector.Settings{Dirs: [][]float64{c.V}, CheckSettings: numgrad.CheckSettings{Method: numgrad.MethodDual}})
		if err != nil {
			t.Fatal(err)
		}
		if !r.OK() || r.Failed > 0 {
			t.Errorf("case %d: PyTorch's H·v is not RIGHT:\n%s", k, r)
			continue
		}
		exact, err := net.HessianVector(nil, c.V, b)
		if err != nil {
			t.Fatal(err)
		}
		mine := make([]float64, len(c.V))
		(&MLP{In: c.Sizes[0], Hidden: c.Sizes[1], Out: c.Sizes[2]}).HVP(mine, c.Theta, c.V, b)
		for _, e := range r.Entries {
			if !(math.Abs(exact[e.Index]-c.HV[e.Index]) <= 2*e.Floor) || !(math.Abs(mine[e.Index]-c.HV[e.Index]) <= 2*e.Floor) {
				t.Errorf("case %d: %s: PyTorch %.17g, exact %.17g, hand-written %.17g, floor %.3g", k, e.Name(r.Mode), c.HV[e.Index], exact[e.Index], mine[e.Index], e.Floor)
			}
		}
	}
}
