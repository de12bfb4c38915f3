package naive

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// TestFiniteDifferences compares per-weight finite differences with
// backprop's gradient on random networks of the smooth activations (a kink
// within h of a pre-activation has no derivative to compare with), and the
// counter with the closed form.
//
// The tolerances: on these networks |C| ≲ 10, and C is a sum of ≲ 30
// rounded terms, so its rounding error is ε_C ≲ 30·u·10 ≈ 3.3e-14. Central
// differences (h ≈ 6e-6) err by at most h²|C‴|/6 + ε_C/h ≈ 6e-12·|C‴| +
// 5.5e-9, forward differences (h ≈ 2e-8) by h|C″|/2 + 2ε_C/h ≈
// 1e-8·|C″| + 3.3e-6. With |C″|, |C‴| ≲ 10² on networks of width ≤ 5 and
// weights of order one, 1e-7·max(1, |g|) and 1e-5·max(1, |g|) hold with
// margin; a wrong step or stencil misses them by orders of magnitude.
func TestFiniteDifferences(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	smooth := []backprop.Activation{backprop.Identity, backprop.Sigmoid, backprop.Tanh, backprop.Softplus}
	for _, tc := range []struct {
		name string
		f    numgrad.Formula
		tol  float64
	}{
		{"central", numgrad.Central, 1e-7},
		{"forward", numgrad.Forward, 1e-5},
	} {
		for _, loss := range backprop.Losses() {
			for trial := range 10 {
				net, b := randomNet(rng, smooth, loss)
				t.Run(fmt.Sprintf("%s/%v/%d/%v", tc.name, loss, trial, net.Config().Sizes), func(t *testing.T) {
					before := net.ParamsTo(nil)
					var c Count
					got, err := FiniteDifferences(nil, net, b, &c, &Settings{Formula: tc.f})
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(before, net.ParamsTo(nil)); diff != "" {
						t.Errorf("parameters changed (-before +after):\n%s", diff)
					}
					if w := FiniteDifferencesWork(net.Config(), b.Len(), tc.f); c != w {
						t.Errorf("counted %+v, closed form %+v", c, w)
					}
					want := reference(t, net, b)
					for i := range want {
						if tol := tc.tol * math.Max(1, math.Abs(want[i])); !(math.Abs(got[i]-want[i]) <= tol) {
							loc, _ := net.Layout().Locate(i)
							t.Errorf("%v: finite differences %v, backprop %v, |diff| > %.3g", loc, got[i], want[i], tol)
						}
					}
				})
			}
		}
	}
}

// TestPassMatchesCost checks that the counted forward pass that finite
// differences run is backprop's: the cost agrees bit for bit.
func TestPassMatchesCost(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	for _, loss := range backprop.Losses() {
		for trial := range 20 {
			net, b := randomNet(rng, backprop.Activations(), loss)
			p := newPass(shapeOf(net), b)
			p.forward(net.ParamsTo(nil), nil)
			got := p.cost(b)
			want, err := net.Cost(b)
			if err != nil {
				t.Fatal(err)
			}
			if math.Float64bits(got) != math.Float64bits(want) {
				t.Errorf("%v/%d: counted pass %v, Network.Cost %v", loss, trial, got, want)
			}
		}
	}
}

func TestFiniteDifferencesBadSettings(t *testing.T) {
	t.Parallel()
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 1}, Activations: []backprop.Activation{backprop.Identity}})
	b := randomBatch(rand.New(rand.NewPCG(1, 1)), net, 2)
	for _, s := range []*Settings{
		{Step: -1},
		{Step: math.NaN()},
		{Step: math.Inf(1)},
		{Formula: numgrad.Formula{Stencil: []numgrad.Point{{Loc: 0, Coeff: 1}}, Step: 1e-6}},
	} {
		if _, err := FiniteDifferences(nil, net, b, nil, s); err == nil {
			t.Errorf("settings %+v: no error", s)
		}
	}
	if _, err := FiniteDifferences(nil, net, backprop.Batch{}, nil, nil); err == nil {
		t.Error("empty batch: no error")
	}
}
