package fuzz_test

import (
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// TestNumgradFindingAffine (a regression test) is what FuzzUserModel found in 5 s with
// numgrad's default check: on its line ŷ = w·x + b with every value a
// short dyadic number, the residual 0.058 is the difference of terms near 4, the cost
// is computed exactly at x and on the noise estimate's dyadic offsets, the
// noise falls to its floor eps·|C| = 3.8e-19, and central differences
// (whose rounding is near eps·4·0.058/h) are called wrong at a relative
// error of 3.6e-9. Richardson extrapolation passes the same component.
func TestNumgradFindingAffine(t *testing.T) {
	m := &line{w: 1.5394287109375, b: 1.505859375}
	d := &backprop.Dataset{N: 1, In: 1, Out: 1, X: []float64{-2.6822509765625}, Y: []float64{-2.681640625}}
	r, err := numgrad.CheckModel(m, backprop.All(d), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() {
		var s strings.Builder
		r.WriteTable(&s, "  ")
		t.Errorf("numgrad calls a right gradient wrong:\n%s", s.String())
	}
}
