package layer_test

import (
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/layer"
)

// scaleTanh is y = tanh(w ⊙ x) over a batch of rows x (B × n) and a
// vector w (n), with its hand-written backward pass: dx = dy ⊙ (1 − y²)
// ⊙ w, dw = Σ_rows dy ⊙ (1 − y²) ⊙ x. forgetW plants a mistake: dx
// without its factor w.
type scaleTanh struct{ forgetW bool }

func (l scaleTanh) Forward(a [][]float64) ([][]float64, error) {
	x, w := a[0], a[1]
	y := make([]float64, len(x))
	for i := range x {
		y[i] = math.Tanh(w[i%len(w)] * x[i])
	}
	return [][]float64{y}, nil
}

func (l scaleTanh) Backward(a, dy [][]float64) ([][]float64, error) {
	x, w := a[0], a[1]
	y, _ := l.Forward(a)
	dx, dw := make([]float64, len(x)), make([]float64, len(w))
	for i := range x {
		g := dy[0][i] * (1 - y[0][i]*y[0][i])
		dx[i] = g * w[i%len(w)]
		if l.forgetW {
			dx[i] = g
		}
		dw[i%len(w)] += g * x[i]
	}
	return [][]float64{dx, dw}, nil
}

// ExampleCheck checks a layer's backward pass in one call, with its
// arguments named: the right one passes; the one that forgets the factor
// w in dx fails, naming x, and w is right.
func ExampleCheck() {
	args := []layer.Arg{
		layer.In("x", []float64{0.5, -1, 2, 0.25, 1.5, -0.5}, 2, 3),
		layer.Param("w", []float64{0.8, -1.2, 0.3}),
		layer.Out("y", 2, 3),
	}
	r, err := layer.Check(scaleTanh{}, args, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.OK())
	r, _ = layer.Check(scaleTanh{forgetW: true}, args, nil)
	for _, s := range r.Summaries {
		fmt.Printf("%s: %d of %d wrong\n", s.Name(), s.Failed, s.Checked)
	}
	fmt.Println(r.OK())
	// Output:
	// true
	// x: 12 of 12 wrong
	// w: 0 of 6 wrong
	// false
}
