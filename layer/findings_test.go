package layer_test

import (
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// TestFindingExactUndecidedFloor holds a numgrad finding that the
// confident softmax of the layer suite exposed, fixed on main by the
// owner of the engine (e4f3439, "an undecided component outside a kink's
// bracket has no finite floor"): under an exact method, a component whose
// reference disagrees and whose step sweep agrees within its own wide
// bound was Undecided and kept the exact reference's floor, so the report
// stated that every error above about 3√u·|f′| fails while an error a
// thousand times larger was Undecided. f(x) = 1 + 10⁻¹⁴·x, whose
// derivative central differences cannot resolve at f's rounding, and the
// claim 10⁻¹⁴·(1 + 10⁻³): the error must fail, or be Undecided under a
// floor above it.
func TestFindingExactUndecidedFloor(t *testing.T) {
	const a = 1e-14
	p := &numgrad.Problem{Func: func(v []float64) (float64, error) { return 1 + a*v[0], nil }, X: []float64{0.5}, Claimed: []float64{a * (1 + 1e-3)},
		Dual: func(v []backprop.Dual) (backprop.Dual, error) { return v[0].Mul(v[0].Const(a)).Add(v[0].Const(1)), nil }}
	r, err := numgrad.CheckProblem(p, &numgrad.CheckSettings{Method: numgrad.MethodDual})
	if err != nil {
		t.Fatal(err)
	}
	c := r.Components[0]
	if !c.Status.Failed() && a*1e-3 > c.Floor {
		t.Errorf("an error of %.2g is %v under a stated floor of %.2g:\n%s", a*1e-3, c.Status, c.Floor, r)
	}
}
