package layer

import (
	"fmt"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad/vector"
)

// Check checks l's backward pass at the arguments args (its inputs and
// parameters, with values, in the order Forward takes them; outputs, if
// named, by [Out]): the claim that Backward(args, dy) is the gradient of
// ⟨dy, Forward(args)⟩ with respect to every argument, for s.Directions
// random upstream gradients dy (default 2), or every basis dy with s.Full
// (the full Jacobian, every entry located by its output and its input).
// It is [vector.CheckVJP] of [Problem]: the report names the arguments
// and their entries ("x[1][2]", "gamma[3]"), summarises each, and states
// what the random dy can miss. The layer's declarations (ForwardComplex,
// ForwardDual, ForwardBounded, Piece) are used. Errors of the layer and wrong shapes of
// what it returns are errors; args whose values and shapes disagree
// panic (see [In]).
func Check(l Layer, args []Arg, s *vector.Settings) (*vector.Report, error) {
	fn, x, vjp, err := Problem(l, args)
	if err != nil {
		return nil, err
	}
	return vector.CheckVJP(fn, x, vjp, s)
}

// Problem returns what [Check] checks: l as a vector.Function of its
// packed arguments (named blocks, in order), the packed point, and its
// Backward as the claimed VJP. Forward is called once at the point, to
// learn the outputs' sizes where no [Out] names them.
func Problem(l Layer, args []Arg) (*vector.Function, []float64, vector.VJPFunc, error) {
	if l == nil {
		panic("layer: nil layer")
	}
	var inBlocks, outBlocks []backprop.Block
	var x []float64
	for _, a := range args {
		b := backprop.NamedBlock(a.Name, a.Shape...)
		if a.Kind == Output {
			outBlocks = append(outBlocks, b)
			continue
		}
		if b.Len() != len(a.Value) {
			panic(fmt.Sprintf("layer: %s has %d values, its shape %v holds %d", a.Name, len(a.Value), a.Shape, b.Len()))
		}
		inBlocks = append(inBlocks, b)
		x = append(x, a.Value...)
	}
	if len(inBlocks) == 0 {
		panic("layer: no input or parameter")
	}
	in := backprop.NamedLayout(inBlocks...)
	split := func(v []float64) [][]float64 {
		out := make([][]float64, len(in.Blocks))
		for k, b := range in.Blocks {
			out[k] = v[b.Offset : b.Offset+b.Len() : b.Offset+b.Len()]
		}
		return out
	}
	y0, err := l.Forward(split(x))
	if err != nil {
		return nil, nil, nil, err
	}
	if outBlocks == nil {
		for k, y := range y0 {
			name := "y"
			if len(y0) > 1 {
				name = fmt.Sprintf("y%d", k)
			}
			if len(y) == 0 {
				return nil, nil, nil, fmt.Errorf("layer: output %d of Forward is empty", k)
			}
			outBlocks = append(outBlocks, backprop.NamedBlock(name, len(y)))
		}
	}
	out := backprop.NamedLayout(outBlocks...)
	shapeErr := func(what string, got [][]float64, want backprop.Layout) error {
		if len(got) != len(want.Blocks) {
			return fmt.Errorf("layer: %s returns %d slices, want %d", what, len(got), len(want.Blocks))
		}
		for k, b := range want.Blocks {
			if len(got[k]) != b.Len() {
				return fmt.Errorf("layer: %s returns %d values for %s, want %d (%s)", what, len(got[k]), b.Name, b.Len(), b.ShapeString())
			}
		}
		return nil
	}
	if err := shapeErr("Forward", y0, out); err != nil {
		return nil, nil, nil, err
	}
	fn := &vector.Function{In: in, Out: out}
	fn.F = func(dst, v []float64) error {
		y, err := l.Forward(split(v))
		if err != nil {
			return err
		}
		if err := shapeErr("Forward", y, out); err != nil {
			return err
		}
		for k, b := range out.Blocks {
			copy(dst[b.Offset:], y[k])
		}
		return nil
	}
	if p, ok := l.(Piecewise); ok {
		fn.Piece = p.Piece
	}
	if c, ok := l.(ComplexForward); ok {
		fn.Complex = extension(c.ForwardComplex, in, out)
	}
	if d, ok := l.(DualForward); ok {
		fn.Dual = extension(d.ForwardDual, in, out)
	}
	if b, ok := l.(BoundedForward); ok {
		fn.Bounded = extension(b.ForwardBounded, in, out)
	}
	splitOut := func(v []float64) [][]float64 {
		o := make([][]float64, len(out.Blocks))
		for k, b := range out.Blocks {
			o[k] = v[b.Offset : b.Offset+b.Len() : b.Offset+b.Len()]
		}
		return o
	}
	vjp := func(dst, v, dy []float64) error {
		g, err := l.Backward(split(v), splitOut(dy))
		if err != nil {
			return err
		}
		if err := shapeErr("Backward", g, in); err != nil {
			return err
		}
		for k, b := range in.Blocks {
			copy(dst[b.Offset:], g[k])
		}
		return nil
	}
	return fn, x, vjp, nil
}

// extension packs a forward pass over T as a function of the packed
// arguments.
func extension[T any](f func([][]T) ([][]T, error), in, out backprop.Layout) func(dst, x []T) error {
	return func(dst, x []T) error {
		args := make([][]T, len(in.Blocks))
		for k, b := range in.Blocks {
			args[k] = x[b.Offset : b.Offset+b.Len() : b.Offset+b.Len()]
		}
		y, err := f(args)
		if err != nil {
			return err
		}
		if len(y) != len(out.Blocks) {
			return fmt.Errorf("layer: the extended forward pass returns %d outputs, want %d", len(y), len(out.Blocks))
		}
		for k, b := range out.Blocks {
			if len(y[k]) != b.Len() {
				return fmt.Errorf("layer: the extended forward pass returns %d values for %s, want %d", len(y[k]), b.Name, b.Len())
			}
			copy(dst[b.Offset:], y[k])
		}
		return nil
	}
}
