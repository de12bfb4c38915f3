package naive

import (
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
)

// TestForwardMode compares the dual-number gradient with backprop's on
// random networks of every activation and both losses, within the rounding
// bound of exactTolerance (both are exact up to rounding, summed in other
// orders), and its counter with the closed form.
func TestForwardMode(t *testing.T) {
	t.Parallel()
	checkExactMethod(t, "forward mode", func(net *backprop.Network, b backprop.Batch, c *Count) ([]float64, error) {
		return ForwardMode(nil, net, b, c)
	}, ForwardModeWork)
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
