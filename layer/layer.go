package layer

import (
	"fmt"
	"unsafe"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
)

// Layer is a layer with its own forward and backward pass, the unit users
// of gradcheck write: a LayerNorm, a softmax, a convolution, an attention
// head. Its arguments are its inputs and its parameters alike (x, gamma,
// beta), each a flat row-major slice in the order the check lists them.
type Layer interface {
	// Forward returns the outputs for the arguments, one slice per
	// output. It must not modify or keep args.
	Forward(args [][]float64) ([][]float64, error)
	// Backward returns, for the upstream gradients dy (one per output, as
	// Forward returns them), the gradient of ⟨dy, Forward(args)⟩ with
	// respect to each argument, one slice per argument: the input
	// gradient dx and the parameter gradients dγ, dβ. It must not modify
	// or keep args or dy.
	Backward(args, dy [][]float64) ([][]float64, error)
}

// Declarations a layer may make, on purpose, to [Check]: each is read
// through its interface.
type (
	// ComplexForward and DualForward layers evaluate their forward pass
	// over complex and dual numbers: a forward pass written once over
	// backprop.Scalar gives both (see [Float64]), and the checker an exact
	// reference (the complex step, dual numbers) where finite differences
	// cannot decide, and for numgrad.MethodComplex and MethodDual.
	ComplexForward interface {
		ForwardComplex(args [][]backprop.Complex) ([][]backprop.Complex, error)
	}
	DualForward interface {
		ForwardDual(args [][]backprop.Dual) ([][]backprop.Dual, error)
	}
	// BoundedForward layers evaluate their forward pass over
	// runerr.Value, dual numbers that bound their own rounding: the same
	// generic pass gives it in one line. It is the dual reference where a
	// layer declares it (numgrad.Problem.Bounded; ForwardDual is then not
	// needed), with its rounding known instead of assumed, so that a
	// pass that cancels in its own order (a confident softmax's
	// (1 − p)/s) still decides where finite differences cannot.
	BoundedForward interface {
		ForwardBounded(args [][]runerr.Value) ([][]runerr.Value, error)
	}
	// Piecewise layers tell which smooth piece their last Forward call lay
	// on, for layers with kinks (a ReLU, an Abs, a max pooling): Piece
	// appends the signature that a numgrad.Signs recorder keeps of every
	// comparison the forward pass branched on. It is numgrad.Piecewise.
	Piecewise interface {
		Piece(dst []byte) []byte
	}
)

// Kind says whether an [Arg] is an input, a parameter or an output.
type Kind int

const (
	Input Kind = iota
	Parameter
	Output
)

// Arg is a named argument (an input or a parameter, with its value) or a
// named output (its shape) of a layer; [In], [Param] and [Out] make them.
type Arg struct {
	Kind  Kind
	Name  string
	Shape []int
	Value []float64
}

// In returns the input argument name with the given value and shape
// (none: a vector of len(value)). It panics if the shape does not hold
// len(value) entries: a caller's programming error.
func In(name string, value []float64, shape ...int) Arg {
	return arg(Input, name, value, shape)
}

// Param returns the parameter name: as [In], named in reports the same
// way; a layer's parameters are arguments like its inputs.
func Param(name string, value []float64, shape ...int) Arg {
	return arg(Parameter, name, value, shape)
}

// Out names an output and gives its shape, in the order Forward returns
// the outputs. Without any, a layer's one output is "y" (several: "y0",
// "y1", …), a vector.
func Out(name string, shape ...int) Arg {
	if len(shape) == 0 {
		panic(fmt.Sprintf("layer: Out(%q): no shape", name))
	}
	backprop.NamedBlock(name, shape...) // checks the shape
	return Arg{Kind: Output, Name: name, Shape: append([]int(nil), shape...)}
}

func arg(k Kind, name string, value []float64, shape []int) Arg {
	if len(shape) == 0 {
		shape = []int{len(value)}
	}
	b := backprop.NamedBlock(name, shape...)
	if b.Len() != len(value) {
		panic(fmt.Sprintf("layer: %s has %d values, its shape %v holds %d", name, len(value), shape, b.Len()))
	}
	return Arg{Kind: k, Name: name, Shape: append([]int(nil), shape...), Value: value}
}

// Float64 runs a forward pass written over backprop.Scalar in float64:
// the body of Forward for a layer whose forward pass is generic (its
// ForwardComplex, ForwardDual and ForwardBounded call the same function),
// with no copy of the arguments or the outputs (backprop.Real is a
// float64).
//
//	func layerNorm[T backprop.Scalar[T]](eps float64, a [][]T) ([][]T, error) { … }
//
//	func (l *LayerNorm) Forward(a [][]float64) ([][]float64, error) {
//		return layer.Float64(a, func(a [][]backprop.Real) ([][]backprop.Real, error) { return layerNorm(l.Eps, a) })
//	}
//	func (l *LayerNorm) ForwardDual(a [][]backprop.Dual) ([][]backprop.Dual, error) { return layerNorm(l.Eps, a) }
//	func (l *LayerNorm) ForwardBounded(a [][]runerr.Value) ([][]runerr.Value, error) { return layerNorm(l.Eps, a) }
func Float64(args [][]float64, f func([][]backprop.Real) ([][]backprop.Real, error)) ([][]float64, error) {
	in := make([][]backprop.Real, len(args))
	for k, a := range args {
		in[k] = unsafe.Slice((*backprop.Real)(unsafe.SliceData(a)), len(a))
	}
	out, err := f(in)
	res := make([][]float64, len(out))
	for k, o := range out {
		res[k] = unsafe.Slice((*float64)(unsafe.SliceData(o)), len(o))
	}
	return res, err
}
