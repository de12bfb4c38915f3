package backprop

import (
	"fmt"
	"math"
	"strings"
)

// Activation is an elementwise activation function f with its derivative.
type Activation int

// The activations. ReLU and LeakyReLU have a kink at z = 0, where the
// derivative used is that of the left piece (0 and LeakySlope), as in
// PyTorch.
const (
	Identity  Activation = iota // f(z) = z
	Sigmoid                     // f(z) = 1/(1+e^{−z})
	Tanh                        // f(z) = tanh z
	ReLU                        // f(z) = max(0, z)
	LeakyReLU                   // f(z) = z for z > 0, LeakySlope·z otherwise
	Softplus                    // f(z) = log(1+e^z)
	numActivations
)

// LeakySlope is the slope of LeakyReLU for z ≤ 0.
const LeakySlope = 0.01

var activationNames = [numActivations]string{"identity", "sigmoid", "tanh", "relu", "leaky-relu", "softplus"}

// Activations lists every activation, in order.
func Activations() []Activation {
	a := make([]Activation, numActivations)
	for i := range a {
		a[i] = Activation(i)
	}
	return a
}

// String returns the activation's name as written in model files.
func (a Activation) String() string {
	if a < 0 || a >= numActivations {
		return fmt.Sprintf("Activation(%d)", int(a))
	}
	return activationNames[a]
}

// ParseActivation returns the activation named s (case-insensitive; "leaky_relu"
// and "linear" are accepted aliases).
func ParseActivation(s string) (Activation, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	switch name {
	case "leaky_relu", "leakyrelu":
		name = "leaky-relu"
	case "linear", "none":
		name = "identity"
	}
	for i, n := range activationNames {
		if n == name {
			return Activation(i), nil
		}
	}
	return 0, fmt.Errorf("unknown activation %s (want one of %s)", quoteName(s), strings.Join(activationNames[:], ", "))
}

// HasKink reports whether f is not differentiable at z = 0.
func (a Activation) HasKink() bool { return a == ReLU || a == LeakyReLU }

// Activate returns f(z). It is the definition of each activation, for every
// element type: the complex step and the dual numbers call it, and the
// float64 kernel [Activation.Apply] is its transcription, checked bit for bit
// against it (the generic call costs about twice as much per element).
// Branches are decided on the real part of z; the sigmoid and softplus use
// the forms that never overflow.
func Activate[T Scalar[T]](a Activation, z T) T {
	switch a {
	case Identity:
		return z
	case Sigmoid:
		one := z.Const(1)
		if z.Re() >= 0 {
			return one.Div(one.Add(z.Neg().Exp()))
		}
		e := z.Exp()
		return e.Div(one.Add(e))
	case Tanh:
		return z.Tanh()
	case ReLU:
		if z.Re() > 0 {
			return z
		}
		return z.Const(0)
	case LeakyReLU:
		if z.Re() > 0 {
			return z
		}
		return z.Mul(z.Const(LeakySlope))
	case Softplus:
		// log(1+e^z) = z + log(1+e^{−z}) for z > 0.
		if z.Re() > 0 {
			return z.Add(z.Neg().Exp().Log1p())
		}
		return z.Exp().Log1p()
	}
	panic(fmt.Sprintf("backprop: unknown activation %d", int(a)))
}

// DerivAt returns f′(z) in the element type T, the derivative of [Activate]
// written over [Scalar] so that a gradient computed in T (see
// [GradientAt]) can itself be differentiated: over dual numbers its dual
// part is f″(z)·ż. The formulas are those of [Activation.Deriv], in forms
// that keep their accuracy where f saturates: tanh′ = sech² z =
// 4e/(1 + e)² with e = e^{−2|z|}, σ′ = σ(z)·σ(−z), softplus′ = σ; ReLU
// and leaky ReLU take the left piece at z = 0, as Deriv does. Branches are
// decided on the real part.
func DerivAt[T Scalar[T]](a Activation, z T) T {
	switch a {
	case Identity:
		return z.Const(1)
	case Sigmoid:
		return Activate(Sigmoid, z).Mul(Activate(Sigmoid, z.Neg()))
	case Tanh:
		w := z
		if z.Re() < 0 {
			w = z.Neg()
		}
		e := w.Mul(z.Const(-2)).Exp()
		d := z.Const(1).Add(e)
		return e.Mul(z.Const(4)).Div(d.Mul(d))
	case ReLU:
		if z.Re() > 0 {
			return z.Const(1)
		}
		return z.Const(0)
	case LeakyReLU:
		if z.Re() > 0 {
			return z.Const(1)
		}
		return z.Const(LeakySlope)
	case Softplus:
		return Activate(Sigmoid, z)
	}
	panic(fmt.Sprintf("backprop: unknown activation %d", int(a)))
}

// Deriv returns f′(z) given z and fz = f(z), accurate to a few ulps also
// where f saturates. Each formula is checked against dual numbers through
// [Activate] in the tests.
func (a Activation) Deriv(z, fz float64) float64 {
	switch a {
	case Identity:
		return 1
	case Sigmoid:
		// σ(z)·σ(−z) rather than fz(1 − fz), which cancels for large z.
		return fz * Sigmoid.Apply(-z)
	case Tanh:
		// sech² z rather than 1 − fz², which cancels for large |z|.
		c := math.Cosh(z)
		return 1 / (c * c)
	case ReLU:
		if z > 0 {
			return 1
		}
		return 0
	case LeakyReLU:
		if z > 0 {
			return 1
		}
		return LeakySlope
	case Softplus:
		return Sigmoid.Apply(z)
	}
	panic(fmt.Sprintf("backprop: unknown activation %d", int(a)))
}

// Apply returns f(z) in float64: [Activate] over [Real], operation for
// operation, without the cost of the generic call. TestApplyIsActivate
// holds the two to the same bits.
func (a Activation) Apply(z float64) float64 {
	switch a {
	case Identity:
		return z
	case Sigmoid:
		if z >= 0 {
			return 1 / (1 + math.Exp(-z))
		}
		e := math.Exp(z)
		return e / (1 + e)
	case Tanh:
		return math.Tanh(z)
	case ReLU:
		if z > 0 {
			return z
		}
		return 0
	case LeakyReLU:
		if z > 0 {
			return z
		}
		return z * LeakySlope
	case Softplus:
		if z > 0 {
			return z + math.Log1p(math.Exp(-z))
		}
		return math.Log1p(math.Exp(z))
	}
	panic(fmt.Sprintf("backprop: unknown activation %d", int(a)))
}

// activate sets dst[i] = f(z[i]).
func (a Activation) activate(dst, z []float64) {
	if a == Identity {
		copy(dst, z)
		return
	}
	for i, v := range z {
		dst[i] = a.Apply(v)
	}
}

// deriv2 returns f″(z) given z and fz = f(z), for the error bounds of
// [Network.TermScale]: 0 on every piece of the piecewise linear ones.
func (a Activation) deriv2(z, fz float64) float64 {
	switch a {
	case Sigmoid:
		// σ″ = σ′·(1 − 2σ) = σ(z)σ(−z)(σ(−z) − σ(z)).
		s, t := fz, Sigmoid.Apply(-z)
		return s * t * (t - s)
	case Tanh:
		// tanh″ = −2 tanh z · sech² z.
		c := math.Cosh(z)
		return -2 * fz / (c * c)
	case Softplus:
		return Sigmoid.Apply(z) * Sigmoid.Apply(-z)
	}
	return 0
}
