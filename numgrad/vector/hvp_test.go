package vector_test

import (
	"math"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/numgrad/vector"
)

// quartic is f(x) = ½xᵀAx + ¼Σx⁴ with A symmetric: ∇f = Ax + x³, H = A +
// 3·diag(x²).
var qa = [][]float64{{2, 0.5, -0.3}, {0.5, 1, 0.2}, {-0.3, 0.2, 3}}

func quartic(x []float64) float64 {
	s := 0.0
	for i := range x {
		for j := range x {
			s += 0.5 * x[i] * qa[i][j] * x[j]
		}
		s += 0.25 * x[i] * x[i] * x[i] * x[i]
	}
	return s
}

func quarticGrad(dst, x []float64) {
	for i := range x {
		dst[i] = x[i] * x[i] * x[i]
		for j := range x {
			dst[i] += qa[i][j] * x[j]
		}
	}
}

// hessian returns H·v with the extra term skew·(Kv), K antisymmetric.
func hessian(skew float64) vector.HVPFunc {
	k := [][]float64{{0, 1, -2}, {-1, 0, 1}, {2, -1, 0}}
	return func(dst, x, v []float64) error {
		for i := range x {
			dst[i] = 3 * x[i] * x[i] * v[i]
			for j := range x {
				dst[i] += (qa[i][j] + skew*k[i][j]) * v[j]
			}
		}
		return nil
	}
}

// TestHVPFunction: the right product passes with its symmetry, by random
// directions and as the full Hessian (n² entries, n(n−1)/2 pairs); one
// with an antisymmetric error fails its entries and its symmetry.
func TestHVPFunction(t *testing.T) {
	t.Parallel()
	x := []float64{0.3, -1.1, 0.8}
	p := vector.FuncHVP(quartic, quarticGrad, x)
	r, err := vector.CheckHVP(p, hessian(0), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || r.Passed != 6 || len(r.Symmetry) != 1 || r.Symmetry[0].Status != numgrad.Pass || r.Gradient == nil || !r.Gradient.OK() {
		t.Errorf("right product: want RIGHT with its gradient and symmetry:\n%s", r)
	}
	r, err = vector.CheckHVP(p, hessian(0), &vector.Settings{Full: true})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || len(r.Entries) != 9 || len(r.Symmetry) != 3 {
		t.Errorf("full Hessian: want RIGHT over 9 entries, 3 pairs:\n%s", r)
	}
	r, err = vector.CheckHVP(p, hessian(1e-3), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || r.Failed == 0 || len(r.Symmetry) != 1 || r.Symmetry[0].Status != numgrad.Fail {
		t.Errorf("antisymmetric error: want WRONG, symmetry failed:\n%s", r)
	}
}

// TestHVPWrongGradient: a gradient that fails its own check is no
// reference: the report is WRONG, says so, and checks no H·v.
func TestHVPWrongGradient(t *testing.T) {
	t.Parallel()
	x := []float64{0.3, -1.1, 0.8}
	p := vector.FuncHVP(quartic, func(dst, x []float64) { quarticGrad(dst, x); dst[1] *= 1.1 }, x)
	r, err := vector.CheckHVP(p, hessian(0), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || len(r.Entries) != 0 || r.Gradient.OK() || !strings.Contains(r.Verdict(), "the gradient fails its own check") {
		t.Errorf("want WRONG for the gradient, no entries:\n%s", r)
	}
}

// TestNetworkHVPExact: a network's product by Network.HessianVector passes
// under every method, the exact ones through backprop.GradientAt over dual
// and complex numbers; 1 % off in one component fails at that component.
func TestNetworkHVPExact(t *testing.T) {
	t.Parallel()
	net, b := tanhNet()
	p, err := vector.NetworkHVP(net, b)
	if err != nil {
		t.Fatal(err)
	}
	theta := net.ParamsTo(nil)
	hvp := func(edit bool) vector.HVPFunc {
		return func(dst, x, v []float64) error {
			probe := net.Clone()
			probe.SetParams(x)
			_, err := probe.HessianVector(dst, v, b)
			if edit {
				dst[5] *= 1.01
			}
			return err
		}
	}
	for _, m := range []numgrad.Method{numgrad.MethodCentral, numgrad.MethodRichardson, numgrad.MethodComplex, numgrad.MethodDual} {
		s := &vector.Settings{CheckSettings: numgrad.CheckSettings{Method: m}}
		r, err := vector.CheckHVP(p, hvp(false), s)
		if err != nil {
			t.Fatal(err)
		}
		if !r.OK() || r.Undecided > 0 {
			t.Errorf("%v: want RIGHT:\n%s", m, r)
		}
		r, _ = vector.CheckHVP(p, hvp(true), s)
		for _, e := range r.Entries {
			if e.Status.Failed() != (e.Index == 5 && math.Abs(e.Estimate) > 1e-6) {
				t.Errorf("%v: %s is %v", m, e.Name(r.Mode), e.Status)
			}
		}
	}
	for i, v := range net.ParamsTo(nil) {
		if v != theta[i] {
			t.Fatal("the check changed the network's parameters")
		}
	}
}
