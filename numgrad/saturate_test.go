package numgrad_test

import (
	"math"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// TestSaturationBelowTheSteps holds FuzzGradient's
// regress-saturation-below-the-steps: ŷ = tanh(4.6e15·a₀ + 1e-8·a₁) at
// ŷ = 1.5e-8, so that ∂C/∂b₀ = 1.4e8 is right while tanh saturates within
// 1e-16 of θ: every step sees f(θ ± h) = 1 and a central difference of 0.
// Two false WRONGs met there: the complex step at h = 1e-20 put 4.6e-5
// into the imaginary part of the output's pre-activation and erred by
// 2.8e-9 relative, beyond its bound (ComplexStepH is now 2⁻²⁰⁰), and the
// step sweep, the pieces saying nothing of the saturation, levelled off at
// 0 (it is Undecided now: see the sweep's saturates). Every method, with
// and without the exact extensions, must pass it or leave it undecided.
func TestSaturationBelowTheSteps(t *testing.T) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{3, 2, 1}, Activations: []backprop.Activation{backprop.Identity, backprop.Tanh}, Loss: backprop.SquaredError})
	net.SetParams([]float64{1.505859375, 1.505859375, -math.MaxFloat64, 1.505859375, 1.505859375, 2.2250738585072014e-308, 0, 1.505859375, 4.556583152398384e+15, 1e-08, 0})
	d, err := backprop.NewDataset([][]float64{{0, 0, 0}}, [][]float64{{0}})
	if err != nil {
		t.Fatal(err)
	}
	for _, exact := range []bool{true, false} {
		for _, m := range []numgrad.Method{numgrad.MethodCentral, numgrad.MethodRichardson, numgrad.MethodFast, numgrad.MethodComplex, numgrad.MethodDual} {
			if (m == numgrad.MethodComplex || m == numgrad.MethodDual) && !exact {
				continue
			}
			p, err := numgrad.ModelProblem(net, backprop.All(d), nil)
			if err != nil {
				t.Fatal(err)
			}
			if !exact {
				p.Complex, p.Dual, p.Bounded = nil, nil, nil
			}
			r, err := numgrad.CheckProblem(p, &numgrad.CheckSettings{Method: m})
			if err != nil {
				t.Fatal(err)
			}
			// θ₂ = −MaxFloat64 leaves float64 at any step: its stencils are
			// flagged NonFinite, rightly; no other component may fail.
			for _, c := range r.Components {
				if c.Status.Failed() && c.Status != numgrad.NonFinite {
					t.Errorf("%v, extensions %v: component %d is %v: %s", m, exact, c.Index, c.Status, c.Note)
				}
			}
		}
	}
}
