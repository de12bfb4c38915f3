// Package layernorm is a worked example: a hand-written layer
// normalisation with its own backward pass, as a user of gradcheck writes
// one, checked in its test by layer.Check through fuzz.CheckLayer.
//
// For each row r of x (rows × cols), with γ and β of length cols,
//
//	μ = (1/n) Σ_c x_rc,   σ² = (1/n) Σ_c (x_rc − μ)²,   x̂ = (x − μ)/√(σ² + ε),
//	y = γ ⊙ x̂ + β,
//
// and the backward pass for an upstream gradient dy,
//
//	dβ = Σ_r dy_r,   dγ = Σ_r dy_r ⊙ x̂_r,   g = dy ⊙ γ,
//	dx = (g − mean(g) − x̂·mean(g ⊙ x̂)) / √(σ² + ε).
//
// The forward pass is written once over backprop.Scalar, so that the
// checker has exact references (the complex step, dual numbers).
package layernorm

import (
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/layer"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
)

// LayerNorm normalises each row of x over its columns; its arguments are
// x (rows × cols), gamma and beta (cols each), its output y (as x).
type LayerNorm struct {
	Eps float64
	// mistake plants a bug in Backward, for the tests: "mean" drops the
	// mean term of dx, "gamma-sign" flips the sign of dγ.
	mistake string
}

// forward is the layer's forward pass in any element type.
func forward[T backprop.Scalar[T]](eps float64, a [][]T) ([][]T, error) {
	x, gamma, beta := a[0], a[1], a[2]
	n := len(gamma)
	var zero T
	y := make([]T, len(x))
	for r := 0; r < len(x); r += n {
		row := x[r : r+n]
		mu := zero.Const(0)
		for _, v := range row {
			mu = mu.Add(v)
		}
		mu = mu.Div(zero.Const(float64(n)))
		v2 := zero.Const(0)
		for _, v := range row {
			d := v.Sub(mu)
			v2 = v2.Add(d.Mul(d))
		}
		rstd := zero.Const(1).Div(v2.Div(zero.Const(float64(n))).Add(zero.Const(eps)).Sqrt())
		for c, v := range row {
			y[r+c] = gamma[c].Mul(v.Sub(mu).Mul(rstd)).Add(beta[c])
		}
	}
	return [][]T{y}, nil
}

// Forward returns y.
func (l *LayerNorm) Forward(a [][]float64) ([][]float64, error) {
	return layer.Float64(a, func(a [][]backprop.Real) ([][]backprop.Real, error) { return forward(l.Eps, a) })
}

// ForwardComplex, ForwardDual and ForwardBounded are the same pass over
// complex and dual numbers: the exact references of the check, the last
// with a bound on its own rounding.
func (l *LayerNorm) ForwardComplex(a [][]backprop.Complex) ([][]backprop.Complex, error) {
	return forward(l.Eps, a)
}
func (l *LayerNorm) ForwardDual(a [][]backprop.Dual) ([][]backprop.Dual, error) {
	return forward(l.Eps, a)
}
func (l *LayerNorm) ForwardBounded(a [][]runerr.Value) ([][]runerr.Value, error) {
	return forward(l.Eps, a)
}

// Backward returns dx, dγ and dβ for the upstream gradient dy.
func (l *LayerNorm) Backward(a, dy [][]float64) ([][]float64, error) {
	x, gamma := a[0], a[1]
	n := len(gamma)
	dx, dg, db := make([]float64, len(x)), make([]float64, n), make([]float64, n)
	xhat, g := make([]float64, n), make([]float64, n)
	for r := 0; r < len(x); r += n {
		row, d := x[r:r+n], dy[0][r:r+n]
		var mu, v2 float64
		for _, v := range row {
			mu += v
		}
		mu /= float64(n)
		for _, v := range row {
			v2 += (v - mu) * (v - mu)
		}
		rstd := 1 / math.Sqrt(v2/float64(n)+l.Eps)
		var mg, mgx float64
		for c, v := range row {
			xhat[c] = (v - mu) * rstd
			g[c] = d[c] * gamma[c]
			db[c] += d[c]
			dg[c] += d[c] * xhat[c]
			mg += g[c]
			mgx += g[c] * xhat[c]
		}
		mg /= float64(n)
		mgx /= float64(n)
		if l.mistake == "mean" {
			mg = 0
		}
		for c := range row {
			dx[r+c] = (g[c] - mg - xhat[c]*mgx) * rstd
		}
	}
	if l.mistake == "gamma-sign" {
		for c := range dg {
			dg[c] = -dg[c]
		}
	}
	return [][]float64{dx, dg, db}, nil
}
