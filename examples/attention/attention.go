// Package attention is a worked example: one head of scaled dot-product
// self-attention with its own backward pass, checked by layer.Check.
//
// For T tokens X (T × d) and projections Wq, Wk, Wv (d × dk),
//
//	Q = X·Wq,  K = X·Wk,  V = X·Wv,  S = Q·Kᵀ/√dk,  A = softmax_rows(S),  Y = A·V,
//
// and the backward pass for an upstream gradient dY,
//
//	dV = Aᵀ·dY,  dA = dY·Vᵀ,  dS = A ⊙ (dA − rowsum(dA ⊙ A)),
//	dQ = dS·K/√dk,  dK = dSᵀ·Q/√dk,
//	dWq = Xᵀ·dQ,  dWk = Xᵀ·dK,  dWv = Xᵀ·dV,  dX = dQ·Wqᵀ + dK·Wkᵀ + dV·Wvᵀ.
package attention

import (
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/layer"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
)

// Head has arguments X (T × D), Wq, Wk, Wv (D × Dk); its output is Y
// (T × Dk).
type Head struct {
	T, D, Dk int
	// mistake "no-scale" leaves 1/√dk out of dQ and dK.
	mistake string
}

// matmul returns the n×p product of a (n×m) and b (m×p), row-major.
func matmul[T backprop.Scalar[T]](a, b []T, n, m, p int) []T {
	var zero T
	c := make([]T, n*p)
	for i := range n {
		for j := range p {
			s := zero.Const(0)
			for k := range m {
				s = s.Add(a[i*m+k].Mul(b[k*p+j]))
			}
			c[i*p+j] = s
		}
	}
	return c
}

// transpose returns the m×n transpose of a (n×m).
func transpose[T any](a []T, n, m int) []T {
	t := make([]T, len(a))
	for i := range n {
		for j := range m {
			t[j*n+i] = a[i*m+j]
		}
	}
	return t
}

// attend returns Q, K, V and A of the forward pass.
func attend[T backprop.Scalar[T]](h *Head, a [][]T) (q, k, v, att []T) {
	x := a[0]
	q, k, v = matmul(x, a[1], h.T, h.D, h.Dk), matmul(x, a[2], h.T, h.D, h.Dk), matmul(x, a[3], h.T, h.D, h.Dk)
	var zero T
	scale := zero.Const(1 / math.Sqrt(float64(h.Dk)))
	s := matmul(q, transpose(k, h.T, h.Dk), h.T, h.Dk, h.T)
	att = make([]T, h.T*h.T)
	for i := range h.T {
		row := s[i*h.T : (i+1)*h.T]
		m := row[0].Re() * (1 / math.Sqrt(float64(h.Dk)))
		for _, z := range row {
			m = math.Max(m, z.Re()*(1/math.Sqrt(float64(h.Dk))))
		}
		sum := zero.Const(0)
		for j, z := range row {
			att[i*h.T+j] = z.Mul(scale).Sub(zero.Const(m)).Exp()
			sum = sum.Add(att[i*h.T+j])
		}
		for j := range h.T {
			att[i*h.T+j] = att[i*h.T+j].Div(sum)
		}
	}
	return q, k, v, att
}

func forward[T backprop.Scalar[T]](h *Head, a [][]T) ([][]T, error) {
	_, _, v, att := attend(h, a)
	return [][]T{matmul(att, v, h.T, h.T, h.Dk)}, nil
}

// Forward returns Y.
func (h *Head) Forward(a [][]float64) ([][]float64, error) {
	return layer.Float64(a, func(a [][]backprop.Real) ([][]backprop.Real, error) { return forward(h, a) })
}

// ForwardDual is the same pass over dual numbers: an exact reference;
// ForwardBounded too, with a bound on its own rounding.
func (h *Head) ForwardDual(a [][]backprop.Dual) ([][]backprop.Dual, error)  { return forward(h, a) }
func (h *Head) ForwardBounded(a [][]runerr.Value) ([][]runerr.Value, error) { return forward(h, a) }

// Backward returns dX, dWq, dWk and dWv.
func (h *Head) Backward(a, dy [][]float64) ([][]float64, error) {
	r := make([][]backprop.Real, len(a))
	for i, v := range a {
		r[i] = make([]backprop.Real, len(v))
		for j, x := range v {
			r[i][j] = backprop.Real(x)
		}
	}
	qr, kr, vr, ar := attend(h, r)
	f := func(v []backprop.Real) []float64 {
		o := make([]float64, len(v))
		for i, x := range v {
			o[i] = float64(x)
		}
		return o
	}
	q, k, v, att := f(qr), f(kr), f(vr), f(ar)
	T, D, Dk := h.T, h.D, h.Dk
	dY := dy[0]
	dV := mm(transpose(att, T, T), dY, T, T, Dk)
	dA := mm(dY, transpose(v, T, Dk), T, Dk, T)
	dS := make([]float64, T*T)
	for i := range T {
		dot := 0.0
		for j := range T {
			dot += dA[i*T+j] * att[i*T+j]
		}
		for j := range T {
			dS[i*T+j] = att[i*T+j] * (dA[i*T+j] - dot)
		}
	}
	scale := 1 / math.Sqrt(float64(Dk))
	if h.mistake == "no-scale" {
		scale = 1
	}
	dQ := mm(dS, k, T, T, Dk)
	dK := mm(transpose(dS, T, T), q, T, T, Dk)
	for i := range dQ {
		dQ[i] *= scale
		dK[i] *= scale
	}
	xt := transpose(a[0], T, D)
	dWq, dWk, dWv := mm(xt, dQ, D, T, Dk), mm(xt, dK, D, T, Dk), mm(xt, dV, D, T, Dk)
	dX := mm(dQ, transpose(a[1], D, Dk), T, Dk, D)
	for i, v := range mm(dK, transpose(a[2], D, Dk), T, Dk, D) {
		dX[i] += v
	}
	for i, v := range mm(dV, transpose(a[3], D, Dk), T, Dk, D) {
		dX[i] += v
	}
	return [][]float64{dX, dWq, dWk, dWv}, nil
}

// mm is matmul in float64.
func mm(a, b []float64, n, m, p int) []float64 {
	c := make([]float64, n*p)
	for i := range n {
		for j := range p {
			s := 0.0
			for k := range m {
				s += a[i*m+k] * b[k*p+j]
			}
			c[i*p+j] = s
		}
	}
	return c
}
