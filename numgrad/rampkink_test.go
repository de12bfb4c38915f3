package numgrad_test

import (
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// TestKinksBelowTheLadder holds the cases that properties-long's rapid
// seed 7 shrank to (the README's ReLU MLP with its pieces hidden): one
// unit, two samples whose pre-activations lie ±1e-9 … ±3e-11 from 0 on
// either side, whose slope changes undo each other, so that every step of
// the ladder sees the pieces beyond both kinks and the central differences
// level off away from x's own slope, the claim. Without pieces the checker
// must go below the ladder, where the claim is seen, or say it cannot
// tell; it must never fail the right claim. The last case, two kinks
// 2.3e-13 and 1.1e-13 from x, closer than the smallest step (2⁻⁴⁰ of the
// coordinate's scale), is one that make test's random rapid seeds met: the
// best pair of steps straddles the ramp, and the jump is seen against a
// larger step's estimate (see the sweep's steps). (Two such kinks whose
// ramp, the slope's jump times its width, is below the noise are beyond
// any step: see the package documentation's limits; rapid seed 7 draws
// one, a bias of 1.4e-155 and data of 2.8e-192.)
func TestKinksBelowTheLadder(t *testing.T) {
	for _, tc := range []struct {
		hidden int
		theta  []float64
		x1, x2 float64
	}{
		{4, []float64{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0}, 9.313225746154785e-10, -9.313225746154785e-10},
		{4, []float64{1, 0, 1, 1, 0, 1, 0, 0, 4, 0, 0, 0, 0}, 9.313225746154785e-10, -1.862645149230957e-09},
		{4, []float64{0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0}, 2.9103830456733704e-11, -2.2737367544323206e-13},
		{3, []float64{0, 0, 1, 1, 1, 0, 0, 0, 4, 0}, 2.2737367544323206e-13, -1.1368683772161603e-13},
	} {
		net := backprop.MustNew(backprop.Config{Sizes: []int{1, tc.hidden, 1}, Activations: []backprop.Activation{backprop.ReLU, backprop.Identity}, Loss: backprop.SquaredError})
		net.SetParams(tc.theta)
		d, err := backprop.NewDataset([][]float64{{1}, {1}, {1}, {1}, {1}, {1}, {tc.x1}, {1}, {tc.x2}}, [][]float64{{1}, {1}, {1}, {1}, {1}, {1}, {1}, {1}, {-1}})
		if err != nil {
			t.Fatal(err)
		}
		b := backprop.All(d)
		g := make([]float64, net.NumParams())
		if _, err := net.Gradient(g, b); err != nil {
			t.Fatal(err)
		}
		f := func(th []float64) (float64, error) {
			c := net.Clone()
			c.SetParams(th)
			return c.Cost(b)
		}
		for _, m := range []numgrad.Method{numgrad.MethodCentral, numgrad.MethodRichardson, numgrad.MethodFast} {
			r, err := numgrad.CheckProblem(&numgrad.Problem{Func: f, X: tc.theta, Claimed: g}, &numgrad.CheckSettings{Method: m})
			if err != nil {
				t.Fatal(err)
			}
			if !r.OK() {
				t.Errorf("kinks at %g and %g, %v: a right gradient is WRONG:\n%s", tc.x1, tc.x2, m, r)
			}
		}
	}
}
