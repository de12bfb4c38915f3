package naive

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
)

// TestPathEnumeration compares the sum over paths with backprop's gradient
// on random networks of every activation and both losses, within the
// rounding bound of exactTolerance, and its counter with the closed form.
func TestPathEnumeration(t *testing.T) {
	t.Parallel()
	checkExactMethod(t, "paths", func(net *backprop.Network, b backprop.Batch, c *Count) ([]float64, error) {
		return PathEnumeration(nil, net, b, c, nil)
	}, PathEnumerationWork)
}

// TestPathEnumerationLimit checks that a network with too many paths is
// refused at once, with the count and the limit in a *PathLimitError.
func TestPathEnumerationLimit(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	sizes := []int{10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10}
	acts := make([]backprop.Activation, len(sizes)-1)
	for i := range acts {
		acts[i] = backprop.Tanh
	}
	net := backprop.MustNew(backprop.Config{Sizes: sizes, Activations: acts})
	b := randomBatch(rng, net, 3)
	for _, tc := range []struct {
		name  string
		s     *Settings
		limit int64
	}{
		{"default", nil, DefaultMaxPaths},
		{"explicit", &Settings{MaxPaths: 1000}, 1000},
	} {
		var c Count
		_, err := PathEnumeration(nil, net, b, &c, tc.s)
		var pe *PathLimitError
		if !errors.As(err, &pe) {
			t.Fatalf("%s: got error %v, want a *PathLimitError", tc.name, err)
		}
		// Per sample Σ_m 10·11·10^{12−m} = 110·(10¹¹ + … + 1).
		want := 3 * 110 * (math.Pow(10, 12) - 1) / 9
		if math.Abs(pe.Paths-want) > 1e-9*want || pe.Limit != tc.limit || pe.Samples != 3 {
			t.Errorf("%s: got %+v, want %.6g paths, limit %d, 3 samples", tc.name, *pe, want, tc.limit)
		}
		if c != (Count{}) {
			t.Errorf("%s: work counted on a refused network: %+v", tc.name, c)
		}
	}
	// The limit is inclusive: exactly as many paths as allowed is accepted.
	small := backprop.MustNew(backprop.Config{Sizes: []int{2, 3, 1}, Activations: []backprop.Activation{backprop.Tanh, backprop.Identity}})
	sb := randomBatch(rng, small, 2)
	if _, err := PathEnumeration(nil, small, sb, nil, &Settings{MaxPaths: 26}); err != nil {
		t.Errorf("26 paths with limit 26: %v", err)
	}
	if _, err := PathEnumeration(nil, small, sb, nil, &Settings{MaxPaths: 25}); err == nil {
		t.Error("26 paths with limit 25: no error")
	}
	if _, err := PathEnumeration(nil, small, sb, nil, &Settings{MaxPaths: -1}); err == nil {
		t.Error("negative limit: no error")
	}
}
