// Package conv1d is a worked example: a 1-D convolution (cross-
// correlation, as deep-learning frameworks define it) with its own
// backward pass, checked by layer.Check.
//
// For x of Cin channels of length L, a kernel w of Cout × Cin × K and a
// bias b of Cout, the output has Cout channels of length L − K + 1:
//
//	y[o][t] = b[o] + Σ_c Σ_k w[o][c][k]·x[c][t+k],
//
// and the backward pass for an upstream gradient dy is
//
//	dx[c][t+k] += w[o][c][k]·dy[o][t],  dw[o][c][k] = Σ_t x[c][t+k]·dy[o][t],  db[o] = Σ_t dy[o][t].
package conv1d

import (
	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
)

// Conv1D has arguments x (Cin × L), w (Cout × Cin × K) and b (Cout).
type Conv1D struct {
	Cin, Cout, K int
	// mistake "flipped" uses the flipped kernel w[o][c][K−1−k] in dx: the
	// convolution of textbooks mixed up with the framework's correlation.
	mistake string
}

func (l *Conv1D) length(x int) int { return x/l.Cin - l.K + 1 }

func forward[T backprop.Scalar[T]](l *Conv1D, a [][]T) ([][]T, error) {
	x, w, b := a[0], a[1], a[2]
	L := len(x) / l.Cin
	n := l.length(len(x))
	y := make([]T, l.Cout*n)
	for o := range l.Cout {
		for t := range n {
			s := b[o]
			for c := range l.Cin {
				for k := range l.K {
					s = s.Add(w[(o*l.Cin+c)*l.K+k].Mul(x[c*L+t+k]))
				}
			}
			y[o*n+t] = s
		}
	}
	return [][]T{y}, nil
}

// Forward returns y.
func (l *Conv1D) Forward(a [][]float64) ([][]float64, error) {
	in := make([][]backprop.Real, len(a))
	for k, v := range a {
		in[k] = make([]backprop.Real, len(v))
		for i, x := range v {
			in[k][i] = backprop.Real(x)
		}
	}
	y, err := forward(l, in)
	out := make([]float64, len(y[0]))
	for i, v := range y[0] {
		out[i] = float64(v)
	}
	return [][]float64{out}, err
}

// ForwardComplex is the same pass over complex numbers: the complex step;
// ForwardBounded over dual numbers that bound their own rounding.
func (l *Conv1D) ForwardComplex(a [][]backprop.Complex) ([][]backprop.Complex, error) {
	return forward(l, a)
}
func (l *Conv1D) ForwardBounded(a [][]runerr.Value) ([][]runerr.Value, error) { return forward(l, a) }

// Backward returns dx, dw and db.
func (l *Conv1D) Backward(a, dy [][]float64) ([][]float64, error) {
	x, w := a[0], a[1]
	L := len(x) / l.Cin
	n := l.length(len(x))
	dx, dw, db := make([]float64, len(x)), make([]float64, len(w)), make([]float64, l.Cout)
	for o := range l.Cout {
		for t := range n {
			g := dy[0][o*n+t]
			db[o] += g
			for c := range l.Cin {
				for k := range l.K {
					kk := k
					if l.mistake == "flipped" {
						kk = l.K - 1 - k
					}
					dx[c*L+t+k] += w[(o*l.Cin+c)*l.K+kk] * g
					dw[(o*l.Cin+c)*l.K+k] += x[c*L+t+k] * g
				}
			}
		}
	}
	return [][]float64{dx, dw, db}, nil
}
