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
//
// A named block (Name not empty; see [NamedBlock]) is instead one argument
// of a function of several named inputs, such as the input x or the scale
// gamma of a layer, or one of its outputs: Shape holds its shape (Dims axes,
// row-major, the unused axes 0); Rows×Cols is its matrix view: Cols the
// last axis and Rows the product of the others, and a vector is a column
// (Cols 1), as a bias vector is, a scalar (Dims 0) 1×1. Layer and Group mean nothing there. Blocks stay comparable
// values, so the shape is an array of at most [MaxDims] axes.
type Block struct {
	Layer      int
	Group      Group
	Rows, Cols int
	Offset     int
	Name       string
	Dims       int
	Shape      [MaxDims]int
}

// MaxDims is the most axes a named block's shape may have.
const MaxDims = 4

// NamedBlock returns the block named name of the given shape (no axes: a
// scalar), at offset 0; [NamedLayout] places blocks one after another. It
// panics if name is empty, there are more than MaxDims axes, or an axis is
// not positive: a caller's programming error.
func NamedBlock(name string, shape ...int) Block {
	if name == "" {
		panic("backprop: NamedBlock: empty name")
	}
	if len(shape) > MaxDims {
		panic(fmt.Sprintf("backprop: NamedBlock: %s has %d axes; at most %d", name, len(shape), MaxDims))
	}
	b := Block{Name: name, Dims: len(shape), Rows: 1, Cols: 1}
	for k, d := range shape {
		if d <= 0 {
			panic(fmt.Sprintf("backprop: NamedBlock: axis %d of %s is %d; want a positive size", k, name, d))
		}
		b.Shape[k] = d
	}
	switch len(shape) {
	case 0:
	case 1:
		b.Rows = shape[0]
	default:
		b.Cols = shape[len(shape)-1]
		for _, d := range shape[:len(shape)-1] {
			b.Rows *= d
		}
	}
	return b
}

// Named reports whether b is a named block.
func (b Block) Named() bool { return b.Name != "" }

// ShapeString writes b's shape as "3×5" ("5" for a vector, "scalar" for
// none); a dense block's is Rows×Cols, a bias vector's Rows.
func (b Block) ShapeString() string {
	if !b.Named() {
		if b.Group == Biases {
			return fmt.Sprint(b.Rows)
		}
		return fmt.Sprintf("%d×%d", b.Rows, b.Cols)
	}
	if b.Dims == 0 {
		return "scalar"
	}
	s := fmt.Sprint(b.Shape[0])
	for _, d := range b.Shape[1:b.Dims] {
		s += fmt.Sprintf("×%d", d)
	}
	return s
}

// NamedLayout returns the layout of the named blocks in order, each
// starting where the one before ends (their Offsets are set). It panics
// on a block without a name or a name used twice.
func NamedLayout(blocks ...Block) Layout {
	l := Layout{Blocks: make([]Block, len(blocks))}
	seen := make(map[string]bool, len(blocks))
	off := 0
	for k, b := range blocks {
		if !b.Named() {
			panic(fmt.Sprintf("backprop: NamedLayout: block %d has no name", k))
		}
		if seen[b.Name] {
			panic(fmt.Sprintf("backprop: NamedLayout: %s named twice", b.Name))
		}
		seen[b.Name] = true
		b.Offset = off
		off += b.Len()
		l.Blocks[k] = b
	}
	return l
}

// Len returns Rows·Cols.
func (b Block) Len() int { return b.Rows * b.Cols }

// Layout says what each entry of a flat parameter vector is. Blocks are in
// order of Offset and cover the vector without gaps. A user's model can
// describe its own parameters with one, or have none (a nil Blocks), in
// which case reports are flat. A layout of named blocks ([NamedLayout])
// describes the packed arguments or outputs of any function of several
// named inputs (a layer's x, gamma and beta).
type Layout struct {
	Blocks []Block
}

// Location names one parameter: its layer, group, row and column, or, in a
// named block, the block's Name and the entry's Index along each of its
// Dims axes (Row and Col are then the entry's row and column of the block's
// Rows×Cols view).
type Location struct {
	Layer    int
	Group    Group
	Row, Col int
	Name     string
	Dims     int
	Index    [MaxDims]int
}

// String writes "layer 0 weight [2][1]", "layer 1 bias 3", or, in a named
// block, the name with the entry's index: "x[1][3]", "gamma[2]", "s" for a
// scalar.
func (l Location) String() string {
	if l.Name != "" {
		s := l.Name
		for _, v := range l.Index[:l.Dims] {
			s += fmt.Sprintf("[%d]", v)
		}
		return s
	}
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
	loc = Location{Layer: b.Layer, Group: b.Group, Row: r / b.Cols, Col: r % b.Cols}
	if b.Named() {
		loc.Name, loc.Dims = b.Name, b.Dims
		for a := b.Dims - 1; a >= 0; a-- {
			loc.Index[a] = r % b.Shape[a]
			r /= b.Shape[a]
		}
	}
	return loc, true
}

// Named reports whether l has a named block: a layout of a function's
// named arguments rather than of a dense network's layers.
func (l Layout) Named() bool {
	for _, b := range l.Blocks {
		if b.Named() {
			return true
		}
	}
	return false
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
