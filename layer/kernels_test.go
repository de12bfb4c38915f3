package layer_test

import (
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/layer"
	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
)

// The correct layers of the soundness suite: each a kernel with its
// forward pass written once over backprop.Scalar (recording the
// comparisons it branches on in a numgrad.Signs in the float64 pass) and
// its hand-written backward pass.
type kernel interface {
	real(s *numgrad.Signs, a [][]backprop.Real) [][]backprop.Real
	dual(a [][]backprop.Dual) [][]backprop.Dual
	complex(a [][]backprop.Complex) [][]backprop.Complex
	bounded(a [][]runerr.Value) [][]runerr.Value
	backward(a, dy [][]float64) [][]float64
}

// testLayer is a kernel as a layer.Layer with its three extensions (the
// complex step, dual numbers, and dual numbers over runerr.Value, which is
// the dual reference where it is declared); withPieces adds its Piece.
type testLayer struct {
	k     kernel
	signs numgrad.Signs
}

func (t *testLayer) Forward(a [][]float64) ([][]float64, error) {
	t.signs.Reset()
	return layer.Float64(a, func(r [][]backprop.Real) ([][]backprop.Real, error) { return t.k.real(&t.signs, r), nil })
}
func (t *testLayer) ForwardDual(a [][]backprop.Dual) ([][]backprop.Dual, error) {
	return t.k.dual(a), nil
}
func (t *testLayer) ForwardComplex(a [][]backprop.Complex) ([][]backprop.Complex, error) {
	return t.k.complex(a), nil
}
func (t *testLayer) ForwardBounded(a [][]runerr.Value) ([][]runerr.Value, error) {
	return t.k.bounded(a), nil
}
func (t *testLayer) Backward(a, dy [][]float64) ([][]float64, error) { return t.k.backward(a, dy), nil }

type withPieces struct{ *testLayer }

func (w withPieces) Piece(dst []byte) []byte { return w.signs.Piece(dst) }

// record adds a branch's comparison to s (nil in the extended passes).
func record(s *numgrad.Signs, b bool) {
	if s != nil {
		s.AddBit(b)
	}
}

// dense: y = f(W·x + b) for B samples x (B × in), W (out × in), b (out).
type dense struct {
	B, In, Out int
	Act        backprop.Activation
}

func denseF[T backprop.Scalar[T]](l *dense, s *numgrad.Signs, a [][]T) [][]T {
	x, w, b := a[0], a[1], a[2]
	y := make([]T, l.B*l.Out)
	for n := range l.B {
		for j := range l.Out {
			z := b[j]
			for i := range l.In {
				z = z.Add(w[j*l.In+i].Mul(x[n*l.In+i]))
			}
			if l.Act.HasKink() {
				record(s, z.Re() > 0)
			}
			y[n*l.Out+j] = backprop.Activate(l.Act, z)
		}
	}
	return [][]T{y}
}

func (l *dense) real(s *numgrad.Signs, a [][]backprop.Real) [][]backprop.Real { return denseF(l, s, a) }
func (l *dense) dual(a [][]backprop.Dual) [][]backprop.Dual                   { return denseF(l, nil, a) }
func (l *dense) complex(a [][]backprop.Complex) [][]backprop.Complex          { return denseF(l, nil, a) }
func (l *dense) bounded(a [][]runerr.Value) [][]runerr.Value                  { return denseF(l, nil, a) }
func (l *dense) backward(a, dy [][]float64) [][]float64 {
	x, w, b := a[0], a[1], a[2]
	dx, dw, db := make([]float64, len(x)), make([]float64, len(w)), make([]float64, len(b))
	for n := range l.B {
		for j := range l.Out {
			z := b[j]
			for i := range l.In {
				z += float64(w[j*l.In+i] * x[n*l.In+i]) // rounded as Real.Mul rounds
			}
			d := dy[0][n*l.Out+j] * l.Act.Deriv(z, l.Act.Apply(z))
			db[j] += d
			for i := range l.In {
				dw[j*l.In+i] += d * x[n*l.In+i]
				dx[n*l.In+i] += d * w[j*l.In+i]
			}
		}
	}
	return [][]float64{dx, dw, db}
}

// maxPool: y[c][t] = max_k x[c][t·S + k], k < K, over C channels of
// length L; a tie goes to the first maximum (backprop.Max), as PyTorch's
// max pooling sends its gradient.
type maxPool struct{ C, L, K, S int }

func (l *maxPool) outLen() int { return (l.L-l.K)/l.S + 1 }

func poolF[T backprop.Scalar[T]](l *maxPool, s *numgrad.Signs, a [][]T) [][]T {
	x := a[0]
	n := l.outLen()
	y := make([]T, l.C*n)
	for c := range l.C {
		for t := range n {
			m := x[c*l.L+t*l.S]
			for k := 1; k < l.K; k++ {
				v := x[c*l.L+t*l.S+k]
				record(s, m.Re() >= v.Re())
				m = backprop.Max(m, v)
			}
			y[c*n+t] = m
		}
	}
	return [][]T{y}
}

func (l *maxPool) real(s *numgrad.Signs, a [][]backprop.Real) [][]backprop.Real {
	return poolF(l, s, a)
}
func (l *maxPool) dual(a [][]backprop.Dual) [][]backprop.Dual          { return poolF(l, nil, a) }
func (l *maxPool) complex(a [][]backprop.Complex) [][]backprop.Complex { return poolF(l, nil, a) }
func (l *maxPool) bounded(a [][]runerr.Value) [][]runerr.Value         { return poolF(l, nil, a) }
func (l *maxPool) backward(a, dy [][]float64) [][]float64 {
	x := a[0]
	n := l.outLen()
	dx := make([]float64, len(x))
	for c := range l.C {
		for t := range n {
			arg := c*l.L + t*l.S
			for k := 1; k < l.K; k++ {
				if x[c*l.L+t*l.S+k] > x[arg] {
					arg = c*l.L + t*l.S + k
				}
			}
			dx[arg] += dy[0][c*n+t]
		}
	}
	return [][]float64{dx}
}

// absSquare: y = |x| ⊙ w + x ⊙ x, with |0| on the right piece
// (backprop.Abs: derivative +1).
type absSquare struct{ N int }

func absF[T backprop.Scalar[T]](s *numgrad.Signs, a [][]T) [][]T {
	x, w := a[0], a[1]
	y := make([]T, len(x))
	for i, v := range x {
		record(s, v.Re() >= 0)
		y[i] = backprop.Abs(v).Mul(w[i]).Add(v.Mul(v))
	}
	return [][]T{y}
}

func (l *absSquare) real(s *numgrad.Signs, a [][]backprop.Real) [][]backprop.Real { return absF(s, a) }
func (l *absSquare) dual(a [][]backprop.Dual) [][]backprop.Dual                   { return absF(nil, a) }
func (l *absSquare) complex(a [][]backprop.Complex) [][]backprop.Complex          { return absF(nil, a) }
func (l *absSquare) bounded(a [][]runerr.Value) [][]runerr.Value                  { return absF(nil, a) }
func (l *absSquare) backward(a, dy [][]float64) [][]float64 {
	x, w := a[0], a[1]
	dx, dw := make([]float64, len(x)), make([]float64, len(w))
	for i, v := range x {
		sg := 1.0
		if v < 0 {
			sg = -1
		}
		dx[i] = dy[0][i] * (sg*w[i] + 2*v)
		dw[i] = dy[0][i] * math.Abs(v)
	}
	return [][]float64{dx, dw}
}

// layerNorm over the rows of x (rows × cols) with gamma and beta.
type layerNorm struct {
	Rows, Cols int
	Eps        float64
}

func lnF[T backprop.Scalar[T]](l *layerNorm, a [][]T) [][]T {
	x, g, b := a[0], a[1], a[2]
	var zero T
	n := l.Cols
	y := make([]T, len(x))
	for r := range l.Rows {
		row := x[r*n : (r+1)*n]
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
		rs := zero.Const(1).Div(v2.Div(zero.Const(float64(n))).Add(zero.Const(l.Eps)).Sqrt())
		for c, v := range row {
			y[r*n+c] = g[c].Mul(v.Sub(mu).Mul(rs)).Add(b[c])
		}
	}
	return [][]T{y}
}

func (l *layerNorm) real(_ *numgrad.Signs, a [][]backprop.Real) [][]backprop.Real { return lnF(l, a) }
func (l *layerNorm) dual(a [][]backprop.Dual) [][]backprop.Dual                   { return lnF(l, a) }
func (l *layerNorm) complex(a [][]backprop.Complex) [][]backprop.Complex          { return lnF(l, a) }
func (l *layerNorm) bounded(a [][]runerr.Value) [][]runerr.Value                  { return lnF(l, a) }
func (l *layerNorm) backward(a, dy [][]float64) [][]float64 {
	x, g := a[0], a[1]
	n := l.Cols
	dx, dg, db := make([]float64, len(x)), make([]float64, n), make([]float64, n)
	xh, gg := make([]float64, n), make([]float64, n)
	for r := range l.Rows {
		row, d := x[r*n:(r+1)*n], dy[0][r*n:(r+1)*n]
		var mu, v2 float64
		for _, v := range row {
			mu += v
		}
		mu /= float64(n)
		for _, v := range row {
			v2 += (v - mu) * (v - mu)
		}
		rs := 1 / math.Sqrt(v2/float64(n)+l.Eps)
		var mg, mgx float64
		for c, v := range row {
			xh[c] = (v - mu) * rs
			gg[c] = d[c] * g[c]
			db[c] += d[c]
			dg[c] += d[c] * xh[c]
			mg += gg[c]
			mgx += gg[c] * xh[c]
		}
		mg, mgx = mg/float64(n), mgx/float64(n)
		for c := range row {
			dx[r*n+c] = (gg[c] - mg - xh[c]*mgx) * rs
		}
	}
	return [][]float64{dx, dg, db}
}

// softmax over the rows of x (rows × cols).
type softmax struct{ Rows, Cols int }

func smF[T backprop.Scalar[T]](l *softmax, a [][]T) [][]T {
	x := a[0]
	var zero T
	y := make([]T, len(x))
	for r := range l.Rows {
		row := x[r*l.Cols : (r+1)*l.Cols]
		m := row[0].Re()
		for _, v := range row {
			m = math.Max(m, v.Re())
		}
		s := zero.Const(0)
		for c, v := range row {
			y[r*l.Cols+c] = v.Sub(zero.Const(m)).Exp()
			s = s.Add(y[r*l.Cols+c])
		}
		for c := range row {
			y[r*l.Cols+c] = y[r*l.Cols+c].Div(s)
		}
	}
	return [][]T{y}
}

func (l *softmax) real(_ *numgrad.Signs, a [][]backprop.Real) [][]backprop.Real { return smF(l, a) }
func (l *softmax) dual(a [][]backprop.Dual) [][]backprop.Dual                   { return smF(l, a) }
func (l *softmax) complex(a [][]backprop.Complex) [][]backprop.Complex          { return smF(l, a) }
func (l *softmax) bounded(a [][]runerr.Value) [][]runerr.Value                  { return smF(l, a) }
func (l *softmax) backward(a, dy [][]float64) [][]float64 {
	y := smF(l, [][]backprop.Real{reals(a[0])})[0]
	dx := make([]float64, len(y))
	for r := range l.Rows {
		dot := 0.0
		for c := range l.Cols {
			dot += dy[0][r*l.Cols+c] * float64(y[r*l.Cols+c])
		}
		for c := range l.Cols {
			dx[r*l.Cols+c] = float64(y[r*l.Cols+c]) * (dy[0][r*l.Cols+c] - dot)
		}
	}
	return [][]float64{dx}
}

// convReLU: y = relu(conv1d(x, w) + b), x (Cin × L), w (Cout × Cin × K).
type convReLU struct{ Cin, Cout, L, K int }

func convF[T backprop.Scalar[T]](l *convReLU, s *numgrad.Signs, a [][]T) [][]T {
	x, w, b := a[0], a[1], a[2]
	n := l.L - l.K + 1
	y := make([]T, l.Cout*n)
	for o := range l.Cout {
		for t := range n {
			z := b[o]
			for c := range l.Cin {
				for k := range l.K {
					z = z.Add(w[(o*l.Cin+c)*l.K+k].Mul(x[c*l.L+t+k]))
				}
			}
			record(s, z.Re() > 0)
			y[o*n+t] = backprop.Activate(backprop.ReLU, z)
		}
	}
	return [][]T{y}
}

func (l *convReLU) real(s *numgrad.Signs, a [][]backprop.Real) [][]backprop.Real {
	return convF(l, s, a)
}
func (l *convReLU) dual(a [][]backprop.Dual) [][]backprop.Dual          { return convF(l, nil, a) }
func (l *convReLU) complex(a [][]backprop.Complex) [][]backprop.Complex { return convF(l, nil, a) }
func (l *convReLU) bounded(a [][]runerr.Value) [][]runerr.Value         { return convF(l, nil, a) }
func (l *convReLU) backward(a, dy [][]float64) [][]float64 {
	x, w, b := a[0], a[1], a[2]
	n := l.L - l.K + 1
	dx, dw, db := make([]float64, len(x)), make([]float64, len(w)), make([]float64, len(b))
	for o := range l.Cout {
		for t := range n {
			z := b[o]
			for c := range l.Cin {
				for k := range l.K {
					z += float64(w[(o*l.Cin+c)*l.K+k] * x[c*l.L+t+k])
				}
			}
			if !(z > 0) {
				continue
			}
			g := dy[0][o*n+t]
			db[o] += g
			for c := range l.Cin {
				for k := range l.K {
					dx[c*l.L+t+k] += w[(o*l.Cin+c)*l.K+k] * g
					dw[(o*l.Cin+c)*l.K+k] += x[c*l.L+t+k] * g
				}
			}
		}
	}
	return [][]float64{dx, dw, db}
}

func reals(x []float64) []backprop.Real {
	r := make([]backprop.Real, len(x))
	for i, v := range x {
		r[i] = backprop.Real(v)
	}
	return r
}
