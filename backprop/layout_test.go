package backprop_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gradcheck/gradcheck/backprop"
)

// TestDenseLayoutIsNetworkLayout holds DenseLayout to the layout of a network
// of the same sizes, and checks that it covers the network's parameters.
func TestDenseLayoutIsNetworkLayout(t *testing.T) {
	t.Parallel()
	for _, sizes := range [][]int{{1, 1}, {2, 3, 1}, {4, 8, 3}, {3, 1, 4, 2}} {
		acts := make([]backprop.Activation, len(sizes)-1)
		net := backprop.MustNew(backprop.Config{Sizes: sizes, Activations: acts})
		got := backprop.DenseLayout(sizes...)
		if diff := cmp.Diff(net.Layout(), got); diff != "" {
			t.Errorf("DenseLayout(%v) mismatch (-network +got):\n%s", sizes, diff)
		}
		if err := got.Validate(net.NumParams()); err != nil {
			t.Errorf("DenseLayout(%v): %v", sizes, err)
		}
	}
}

// TestDenseLayoutLocates names a weight and a bias of a [2, 3, 1] stack.
func TestDenseLayoutLocates(t *testing.T) {
	t.Parallel()
	l := backprop.DenseLayout(2, 3, 1)
	for _, tc := range []struct {
		i    int
		want string
	}{
		{0, "layer 0 weight [0][0]"},
		{5, "layer 0 weight [2][1]"},
		{6, "layer 0 bias 0"},
		{9, "layer 1 weight [0][0]"},
		{12, "layer 1 bias 0"},
	} {
		loc, ok := l.Locate(tc.i)
		if !ok || loc.String() != tc.want {
			t.Errorf("Locate(%d) = %v, %v; want %s", tc.i, loc, ok, tc.want)
		}
	}
	if _, ok := l.Locate(13); ok {
		t.Error("Locate(13) is inside a layout of 13 parameters")
	}
}

// TestDenseLayoutPanics checks the arguments: fewer than two sizes, or a
// width that is not positive, is a programming error.
func TestDenseLayoutPanics(t *testing.T) {
	t.Parallel()
	for _, sizes := range [][]int{nil, {3}, {2, 0}, {-1, 2}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("DenseLayout(%v) did not panic", sizes)
				}
			}()
			backprop.DenseLayout(sizes...)
		}()
	}
}
