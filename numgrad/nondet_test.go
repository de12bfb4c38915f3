package numgrad_test

import (
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// jittery is a network whose gradient differs between calls at the same
// parameters by jitter in component 0 (a reduction summed in an order that
// changes from call to call, or worse).
type jittery struct {
	*backprop.Network
	jitter float64
	calls  *int
}

func (j jittery) Gradient(dst []float64, b backprop.Batch) (float64, error) {
	c, err := j.Network.Gradient(dst, b)
	*j.calls++
	if *j.calls%2 == 0 {
		dst[0] += j.jitter
	}
	return c, err
}

// A gradient that changes between two calls at the same point by more
// than the claim's rounding is Nondeterministic, a failure, and its
// variation widens nothing; CheckSettings.NondetTol (PyTorch's nondet_tol)
// admits a variation below it without touching the comparison with f.
func TestNondeterministicClaim(t *testing.T) {
	t.Parallel()
	net := backprop.MustNew(backprop.Config{Sizes: []int{3, 4, 2}, Activations: []backprop.Activation{backprop.Tanh, backprop.Identity}, Seed: 3})
	d := &backprop.Dataset{N: 2, In: 3, Out: 2, X: []float64{0.1, -0.4, 0.7, 1.2, 0.3, -0.8}, Y: []float64{0.5, -0.5, 0, 1}}
	b := backprop.All(d)
	for _, tc := range []struct {
		name   string
		jitter float64
		tol    float64
		want   numgrad.Status
	}{
		{"deterministic", 0, 0, numgrad.Pass},
		{"jitter of 1e-9, no tolerance", 1e-9, 0, numgrad.Nondeterministic},
		{"jitter of 1e-9 within nondet_tol 1e-8", 1e-9, 1e-8, numgrad.Pass},
		{"jitter of 1e-3 above nondet_tol 1e-8", 1e-3, 1e-8, numgrad.Nondeterministic},
	} {
		calls := 0
		r, err := numgrad.CheckModel(jittery{net, tc.jitter, &calls}, b, &numgrad.CheckSettings{NondetTol: tc.tol})
		if err != nil {
			t.Fatal(err)
		}
		if c := r.Components[0]; c.Status != tc.want {
			t.Errorf("%s: component 0 is %v, want %v (%s)", tc.name, c.Status, tc.want, c.Note)
		}
		if tc.want == numgrad.Nondeterministic && (r.OK() || !strings.Contains(r.String(), "nondeterministic")) {
			t.Errorf("%s: OK %v:\n%s", tc.name, r.OK(), r)
		}
	}
}
