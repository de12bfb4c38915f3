// Package softmax is a worked example: a softmax layer over the rows of
// its input with its own backward pass, checked by layer.Check.
//
//	y_rc = e^{x_rc} / Σ_k e^{x_rk},   dx_rc = y_rc·(dy_rc − Σ_k dy_rk·y_rk).
//
// The forward pass subtracts each row's largest real part, a constant, so
// that it neither overflows nor changes its derivative in any element
// type.
package softmax

import (
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/layer"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
)

// Softmax normalises each row of x, of Cols entries; its argument is x,
// its output y (as x).
type Softmax struct {
	Cols int
	// mistake "no-dot" leaves the term −Σ_k dy_k·y_k out of dx: the
	// backward pass of an elementwise exp, not of the normalisation.
	mistake string
}

func forward[T backprop.Scalar[T]](cols int, a [][]T) ([][]T, error) {
	x := a[0]
	var zero T
	y := make([]T, len(x))
	for r := 0; r < len(x); r += cols {
		m := x[r].Re()
		for _, v := range x[r : r+cols] {
			m = math.Max(m, v.Re())
		}
		s := zero.Const(0)
		for c, v := range x[r : r+cols] {
			y[r+c] = v.Sub(zero.Const(m)).Exp()
			s = s.Add(y[r+c])
		}
		for c := range cols {
			y[r+c] = y[r+c].Div(s)
		}
	}
	return [][]T{y}, nil
}

// Forward returns y.
func (l *Softmax) Forward(a [][]float64) ([][]float64, error) {
	return layer.Float64(a, func(a [][]backprop.Real) ([][]backprop.Real, error) { return forward(l.Cols, a) })
}

// ForwardDual is the same pass over dual numbers: an exact reference;
// ForwardBounded too, with a bound on its own rounding, which a confident
// row's derivatives need: this order computes p₀p₁ as (1 − p₁)/s.
func (l *Softmax) ForwardDual(a [][]backprop.Dual) ([][]backprop.Dual, error) {
	return forward(l.Cols, a)
}
func (l *Softmax) ForwardBounded(a [][]runerr.Value) ([][]runerr.Value, error) {
	return forward(l.Cols, a)
}

// Backward returns dx.
func (l *Softmax) Backward(a, dy [][]float64) ([][]float64, error) {
	y, _ := l.Forward(a)
	p, d := y[0], dy[0]
	dx := make([]float64, len(p))
	for r := 0; r < len(p); r += l.Cols {
		dot := 0.0
		for c := range l.Cols {
			dot += d[r+c] * p[r+c]
		}
		if l.mistake == "no-dot" {
			dot = 0
		}
		for c := range l.Cols {
			dx[r+c] = p[r+c] * (d[r+c] - dot)
		}
	}
	return [][]float64{dx}, nil
}
