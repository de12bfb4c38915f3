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

// TestNamedLayoutLocates names entries of named blocks of one to three
// axes and a scalar: the offsets follow each other, the index runs
// row-major over the block's shape, and Rows×Cols is the block's matrix
// view.
func TestNamedLayoutLocates(t *testing.T) {
	t.Parallel()
	l := backprop.NamedLayout(backprop.NamedBlock("x", 3, 5), backprop.NamedBlock("gamma", 5),
		backprop.NamedBlock("kernel", 2, 3, 4), backprop.NamedBlock("s"))
	if err := l.Validate(15 + 5 + 24 + 1); err != nil {
		t.Fatal(err)
	}
	if !l.Named() || backprop.DenseLayout(2, 1).Named() {
		t.Error("Named: want true for named blocks, false for a dense layout")
	}
	for _, tc := range []struct {
		i          int
		want       string
		row, col   int
		shapeOfBlk string
	}{
		{0, "x[0][0]", 0, 0, "3×5"},
		{7, "x[1][2]", 1, 2, "3×5"},
		{14, "x[2][4]", 2, 4, "3×5"},
		{15, "gamma[0]", 0, 0, "5"},
		{19, "gamma[4]", 4, 0, "5"},
		{20, "kernel[0][0][0]", 0, 0, "2×3×4"},
		{20 + 13, "kernel[1][0][1]", 3, 1, "2×3×4"},
		{44, "s", 0, 0, "scalar"},
	} {
		loc, ok := l.Locate(tc.i)
		if !ok || loc.String() != tc.want || loc.Row != tc.row || loc.Col != tc.col {
			t.Errorf("Locate(%d) = %v (row %d col %d), %v; want %s (row %d col %d)", tc.i, loc, loc.Row, loc.Col, ok, tc.want, tc.row, tc.col)
		}
		k := 0
		for k < len(l.Blocks)-1 && tc.i >= l.Blocks[k+1].Offset {
			k++
		}
		if got := l.Blocks[k].ShapeString(); got != tc.shapeOfBlk {
			t.Errorf("block of %d: shape %q, want %q", tc.i, got, tc.shapeOfBlk)
		}
	}
}

// TestNamedBlockPanics checks the arguments: an empty name, too many axes,
// an axis that is not positive, a name used twice.
func TestNamedBlockPanics(t *testing.T) {
	t.Parallel()
	for name, f := range map[string]func(){
		"empty name":  func() { backprop.NamedBlock("", 2) },
		"five axes":   func() { backprop.NamedBlock("t", 1, 1, 1, 1, 1) },
		"zero axis":   func() { backprop.NamedBlock("t", 2, 0) },
		"twice":       func() { backprop.NamedLayout(backprop.NamedBlock("a", 1), backprop.NamedBlock("a", 2)) },
		"dense in it": func() { backprop.NamedLayout(backprop.Block{Rows: 1, Cols: 1}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
