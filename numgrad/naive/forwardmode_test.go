package naive

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gradcheck/gradcheck/backprop"
)

// TestForwardMode compares the dual-number gradient with backprop's on
// random networks of every activation and both losses, within the rounding
// bound of exactTolerance (both are exact up to rounding, summed in other
// orders), and its counter with the closed form.
func TestForwardMode(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	for _, loss := range backprop.Losses() {
		for trial := range 20 {
			net, b := randomNet(rng, backprop.Activations(), loss)
			t.Run(fmt.Sprintf("%v/%d/%v", loss, trial, net.Config().Sizes), func(t *testing.T) {
				before := net.ParamsTo(nil)
				var c Count
				got, err := ForwardMode(nil, net, b, &c)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(before, net.ParamsTo(nil)); diff != "" {
					t.Errorf("parameters changed (-before +after):\n%s", diff)
				}
				if w := ForwardModeWork(net.Config(), b.Len()); c != w {
					t.Errorf("counted %+v, closed form %+v", c, w)
				}
				want := reference(t, net, b)
				S := absScale(net, b)
				for i := range want {
					if tol := exactTolerance(net, b, S[i]); math.Abs(got[i]-want[i]) > tol {
						loc, _ := net.Layout().Locate(i)
						t.Errorf("%v: forward mode %v, backprop %v, |diff| > %.3g", loc, got[i], want[i], tol)
					}
				}
			})
		}
	}
}

func TestForwardModeBadBatch(t *testing.T) {
	t.Parallel()
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 1}, Activations: []backprop.Activation{backprop.Identity}})
	wrong := backprop.All(&backprop.Dataset{N: 1, In: 3, Out: 1, X: make([]float64, 3), Y: make([]float64, 1)})
	for _, b := range []backprop.Batch{{}, wrong} {
		var c Count
		if _, err := ForwardMode(nil, net, b, &c); err == nil {
			t.Errorf("batch %+v: no error", b)
		}
		if c != (Count{}) {
			t.Errorf("work counted on a refused batch: %+v", c)
		}
	}
}
