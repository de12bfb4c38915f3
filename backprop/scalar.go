package backprop

import (
	"math"
	"math/cmplx"
)

// Scalar is the arithmetic the generic forward pass needs. It lets one
// definition of each activation and loss serve float64 ([Real]), the
// complex step ([Complex]) and forward-mode dual numbers ([Dual]).
//
// Methods return new values; the receiver is never modified. Re is the real
// part, used where a function branches (ReLU's sign, the stable forms of the
// sigmoid and softplus): a branch decided on the real part keeps the
// derivative of the branch that the real computation takes.
type Scalar[T any] interface {
	Add(T) T
	Sub(T) T
	Mul(T) T
	Div(T) T
	Neg() T
	Exp() T
	Log() T
	Log1p() T
	Tanh() T
	// Sqrt returns √x; its derivative 1/(2√x) is infinite at 0, so a
	// layer that takes the root of a variance adds its ε first.
	Sqrt() T
	// Re returns the real part (the value, for a dual number).
	Re() float64
	// Const returns c as a T with zero imaginary (dual) part; the receiver
	// is only used for its type.
	Const(c float64) T
}

// Real is a float64 as a [Scalar].
type Real float64

func (x Real) Add(y Real) Real    { return x + y }
func (x Real) Sub(y Real) Real    { return x - y }
func (x Real) Mul(y Real) Real    { return x * y }
func (x Real) Div(y Real) Real    { return x / y }
func (x Real) Neg() Real          { return -x }
func (x Real) Exp() Real          { return Real(math.Exp(float64(x))) }
func (x Real) Log() Real          { return Real(math.Log(float64(x))) }
func (x Real) Log1p() Real        { return Real(math.Log1p(float64(x))) }
func (x Real) Tanh() Real         { return Real(math.Tanh(float64(x))) }
func (x Real) Sqrt() Real         { return Real(math.Sqrt(float64(x))) }
func (x Real) Re() float64        { return float64(x) }
func (Real) Const(c float64) Real { return Real(c) }

// Complex is a complex128 as a [Scalar], for the complex-step derivative
// Im f(x + ih)/h.
type Complex complex128

func (x Complex) Add(y Complex) Complex { return x + y }
func (x Complex) Sub(y Complex) Complex { return x - y }
func (x Complex) Mul(y Complex) Complex { return x * y }
func (x Complex) Div(y Complex) Complex { return x / y }
func (x Complex) Neg() Complex          { return -x }
func (x Complex) Exp() Complex          { return Complex(cmplx.Exp(complex128(x))) }
func (x Complex) Log() Complex          { return Complex(cmplx.Log(complex128(x))) }
func (x Complex) Tanh() Complex {
	re, im := real(x), imag(x)
	if !(math.Abs(re) > 20) || math.IsInf(re, 0) {
		return Complex(cmplx.Tanh(complex128(x)))
	}
	// cmplx.Tanh divides sinh 2re by cosh 2re + cos 2im, both infinite for
	// |re| > 355, which gives NaN. With t = e^{−2|re|} the same quotient is
	// sign(re)·(1 − t²)/(1 + t² + 2t·cos 2im), and the imaginary part,
	// sin 2im/(cosh 2re + cos 2im), is 2t·sin 2im/(1 + t² + 2t·cos 2im):
	// t underflows to 0 instead of the cosh overflowing. Beyond 20 the real
	// part rounds to ±1, as math.Tanh does.
	t := math.Exp(-2 * math.Abs(re))
	d := 1 + t*t + 2*t*math.Cos(2*im)
	return Complex(complex(math.Copysign((1-t*t)/d, re), 2*t*math.Sin(2*im)/d))
}
func (x Complex) Re() float64 { return real(x) }

// Sqrt returns the principal square root, the analytic continuation of √x
// for x > 0 (at a negative real part the real √ is NaN and the complex one
// is not: such an input is outside the function).
func (x Complex) Sqrt() Complex         { return Complex(cmplx.Sqrt(complex128(x))) }
func (Complex) Const(c float64) Complex { return Complex(complex(c, 0)) }

// Log1p returns log(1+x). The real part is computed with math.Log1p so that
// it keeps full precision for small x; the imaginary part is that of the
// analytic continuation, arg(1+x).
func (x Complex) Log1p() Complex {
	re, im := real(x), imag(x)
	if im == 0 {
		return Complex(complex(math.Log1p(re), 0))
	}
	// |1+x|² = (1+re)² + im²; log|1+x| = ½·log1p(2re + re² + im²).
	return Complex(complex(0.5*math.Log1p(2*re+re*re+im*im), math.Atan2(im, 1+re)))
}

// Dual is a forward-mode dual number V + D·ε with ε² = 0: carrying D = 1 in
// one input yields the exact derivative of the output with respect to it.
type Dual struct {
	V float64 // value
	D float64 // derivative
}

func (x Dual) Add(y Dual) Dual { return Dual{x.V + y.V, x.D + y.D} }
func (x Dual) Sub(y Dual) Dual { return Dual{x.V - y.V, x.D - y.D} }
func (x Dual) Mul(y Dual) Dual { return Dual{x.V * y.V, x.D*y.V + x.V*y.D} }
func (x Dual) Div(y Dual) Dual {
	q := x.V / y.V
	return Dual{q, (x.D - q*y.D) / y.V}
}
func (x Dual) Neg() Dual { return Dual{-x.V, -x.D} }
func (x Dual) Exp() Dual {
	e := math.Exp(x.V)
	return Dual{e, x.D * e}
}
func (x Dual) Log() Dual   { return Dual{math.Log(x.V), x.D / x.V} }
func (x Dual) Log1p() Dual { return Dual{math.Log1p(x.V), x.D / (1 + x.V)} }
func (x Dual) Tanh() Dual {
	// tanh′ = sech², not 1 − tanh², which cancels for large |V|.
	c := math.Cosh(x.V)
	return Dual{math.Tanh(x.V), x.D / (c * c)}
}
func (x Dual) Sqrt() Dual {
	r := math.Sqrt(x.V)
	return Dual{r, x.D / (2 * r)}
}
func (x Dual) Re() float64        { return x.V }
func (Dual) Const(c float64) Dual { return Dual{V: c} }

// Kinked functions, written once for every element type. Each decides its
// branch on the real part (see [Scalar]), so that the complex step and the
// dual numbers differentiate the branch the real computation takes: they
// stay exact on either side of the kink, and at the kink itself they give
// the one-sided derivative of the branch taken. A layer that uses them has
// kinks: it should record which branch it took with a piece recorder
// (package numgrad's Signs, AddBit with the same comparison), so that a
// checker knows which finite-difference stencils cross one.

// Abs returns |x|: x where Re x ≥ 0 (so the derivative at 0 is +1, the
// right piece's; record AddBit(x.Re() >= 0)), −x elsewhere.
func Abs[T Scalar[T]](x T) T {
	if x.Re() >= 0 {
		return x
	}
	return x.Neg()
}

// Max returns a where Re a ≥ Re b, b elsewhere: a tie goes to a, the
// first argument, as PyTorch's max pooling sends the gradient of a tie to
// the first maximum (record AddBit(a.Re() >= b.Re())).
func Max[T Scalar[T]](a, b T) T {
	if a.Re() >= b.Re() {
		return a
	}
	return b
}

// Min returns a where Re a ≤ Re b, b elsewhere: a tie goes to a (record
// AddBit(a.Re() <= b.Re())).
func Min[T Scalar[T]](a, b T) T {
	if a.Re() <= b.Re() {
		return a
	}
	return b
}
