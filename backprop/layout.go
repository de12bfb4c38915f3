package backprop

import (
	"fmt"
	"sort"
)

// Group is the kind of a block of parameters.
type Group int

const (
	Weights Group = iota
	Biases
)

func (g Group) String() string {
	switch g {
	case Weights:
		return "weights"
	case Biases:
		return "biases"
	}
	return fmt.Sprintf("Group(%d)", int(g))
}

// Block is a Rows×Cols row-major block of the flat parameter vector starting
// at Offset: one layer's weights or biases (biases have Cols = 1).
type Block struct {
	Layer      int
	Group      Group
	Rows, Cols int
	Offset     int
}

// Len returns Rows·Cols.
func (b Block) Len() int { return b.Rows * b.Cols }

// Layout says what each entry of a flat parameter vector is. Blocks are in
// order of Offset and cover the vector without gaps. A user's model can
// describe its own parameters with one, or have none (a nil Blocks), in
// which case reports are flat.
type Layout struct {
	Blocks []Block
}

// Location names one parameter.
type Location struct {
	Layer    int
	Group    Group
	Row, Col int
}

func (l Location) String() string {
	if l.Group == Biases {
		return fmt.Sprintf("layer %d bias %d", l.Layer, l.Row)
	}
	return fmt.Sprintf("layer %d weight [%d][%d]", l.Layer, l.Row, l.Col)
}

// Len returns the number of parameters the layout covers.
func (l Layout) Len() int {
	if len(l.Blocks) == 0 {
		return 0
	}
	last := l.Blocks[len(l.Blocks)-1]
	return last.Offset + last.Len()
}

// Locate returns the location of flat index i; ok is false outside the layout.
func (l Layout) Locate(i int) (loc Location, ok bool) {
	k := sort.Search(len(l.Blocks), func(k int) bool { return l.Blocks[k].Offset+l.Blocks[k].Len() > i })
	if i < 0 || k == len(l.Blocks) || i < l.Blocks[k].Offset {
		return Location{}, false
	}
	b := l.Blocks[k]
	r := i - b.Offset
	return Location{Layer: b.Layer, Group: b.Group, Row: r / b.Cols, Col: r % b.Cols}, true
}

// Validate checks that the blocks are contiguous, in order, non-empty, and
// cover n parameters.
func (l Layout) Validate(n int) error {
	off := 0
	for k, b := range l.Blocks {
		if b.Rows <= 0 || b.Cols <= 0 {
			return fmt.Errorf("layout: block %d is %d×%d", k, b.Rows, b.Cols)
		}
		if b.Offset != off {
			return fmt.Errorf("layout: block %d starts at %d, want %d", k, b.Offset, off)
		}
		off += b.Len()
	}
	if off != n {
		return fmt.Errorf("layout: blocks cover %d parameters, the model has %d", off, n)
	}
	return nil
}

// DenseLayout returns the layout of a stack of dense layers of the given
// widths, input first: for each layer l, the weights Wˡ (sizes[l+1] rows of
// sizes[l] columns, row-major) and then the biases bˡ, the order in which a
// [Network] lays out its parameters. A user's model that keeps its
// parameters in that order answers [Layouter] with it:
//
//	func (m *mlp) Layout() backprop.Layout { return backprop.DenseLayout(m.in, m.hidden, m.out) }
//
// It panics unless there are at least two sizes and every one is positive.
func DenseLayout(sizes ...int) Layout {
	if len(sizes) < 2 {
		panic(fmt.Sprintf("backprop: DenseLayout: %d sizes; want an input and at least one layer", len(sizes)))
	}
	for i, n := range sizes {
		if n <= 0 {
			panic(fmt.Sprintf("backprop: DenseLayout: size %d is %d; want a positive width", i, n))
		}
	}
	return denseLayout(sizes)
}

// denseLayout is the layout of a network with the given sizes: per layer,
// the weights (out×in) then the biases.
func denseLayout(sizes []int) Layout {
	var l Layout
	off := 0
	for i := 1; i < len(sizes); i++ {
		in, out := sizes[i-1], sizes[i]
		l.Blocks = append(l.Blocks,
			Block{Layer: i - 1, Group: Weights, Rows: out, Cols: in, Offset: off},
			Block{Layer: i - 1, Group: Biases, Rows: out, Cols: 1, Offset: off + out*in})
		off += out * (in + 1)
	}
	return l
}
