package layer_test

import (
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/layer"
	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/numgrad/vector"
)

// twoOut is a layer of two outputs, y0 = x ⊙ w and y1 = Σ x, with a
// backward pass that can be edited.
type twoOut struct{ wrongLen bool }

func (twoOut) Forward(a [][]float64) ([][]float64, error) {
	x, w := a[0], a[1]
	y0 := make([]float64, len(x))
	s := 0.0
	for i := range x {
		y0[i] = x[i] * w[i]
		s += x[i]
	}
	return [][]float64{y0, {s}}, nil
}

func (l twoOut) Backward(a, dy [][]float64) ([][]float64, error) {
	x, w := a[0], a[1]
	dx, dw := make([]float64, len(x)), make([]float64, len(w))
	for i := range x {
		dx[i] = dy[0][i]*w[i] + dy[1][0]
		dw[i] = dy[0][i] * x[i]
	}
	if l.wrongLen {
		dw = dw[1:]
	}
	return [][]float64{dx, dw}, nil
}

// TestProblemNames: without Out the outputs are y0, y1 (one: y), vectors;
// arguments are packed in order as named blocks; the check passes.
func TestProblemNames(t *testing.T) {
	t.Parallel()
	args := []layer.Arg{layer.In("x", []float64{1, 2, 3}), layer.Param("w", []float64{0.5, -1, 2})}
	fn, x, _, err := layer.Problem(twoOut{}, args)
	if err != nil {
		t.Fatal(err)
	}
	if len(x) != 6 || fn.In.Blocks[1].Name != "w" || fn.In.Blocks[1].Offset != 3 || len(fn.Out.Blocks) != 2 || fn.Out.Blocks[0].Name != "y0" || fn.Out.Blocks[1].Name != "y1" {
		t.Errorf("blocks: in %+v, out %+v", fn.In.Blocks, fn.Out.Blocks)
	}
	r, err := layer.Check(twoOut{}, args, nil)
	if err != nil || !r.OK() {
		t.Errorf("want RIGHT (%v):\n%s", err, r)
	}
}

// TestProblemErrors: what the layer returns in the wrong shape is an
// error naming the argument; values that contradict their shape panic.
func TestProblemErrors(t *testing.T) {
	t.Parallel()
	args := []layer.Arg{layer.In("x", []float64{1, 2, 3}), layer.Param("w", []float64{0.5, -1, 2})}
	if _, err := layer.Check(twoOut{wrongLen: true}, args, nil); err == nil || !strings.Contains(err.Error(), "for w") {
		t.Errorf("a gradient of the wrong length: error %v", err)
	}
	if _, err := layer.Check(twoOut{}, append(args, layer.Out("y", 3), layer.Out("s", 2)), nil); err == nil || !strings.Contains(err.Error(), "for s") {
		t.Errorf("an output of another shape than declared: error %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("layer.In with 3 values of shape 2×2 did not panic")
		}
	}()
	layer.In("x", []float64{1, 2, 3}, 2, 2)
}

// TestKinkWithPieces: |x| at exactly 0 with its piece recorded is a Kink
// that agrees with the right piece's derivative (the Abs convention); the
// same claim with the left piece's derivative fails.
func TestKinkWithPieces(t *testing.T) {
	t.Parallel()
	args := []layer.Arg{layer.In("x", []float64{0, 1.5, -0.75}), layer.Param("w", []float64{1, 2, 3})}
	r, err := layer.Check(withPieces{&testLayer{k: &absSquare{N: 3}}}, args, &vector.Settings{Directions: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() || r.Kinks == 0 {
		t.Errorf("want RIGHT with a kink at x[0]:\n%s", r)
	}
	for _, m := range []numgrad.Method{numgrad.MethodCentral, numgrad.MethodDual} {
		r, err = layer.Check(withPieces{&testLayer{k: leftAbs{&absSquare{N: 3}}}}, args, &vector.Settings{Directions: 1, CheckSettings: numgrad.CheckSettings{Method: m}})
		if err != nil {
			t.Fatal(err)
		}
		if r.OK() || len(r.Find("x[0]")) == 0 || !r.Find("x[0]")[0].Status.Failed() {
			t.Errorf("%v: the left piece's derivative at x = 0 (recorded on the right): want x[0] failed:\n%s", m, r)
		}
	}
}

// leftAbs is absSquare whose backward pass takes the left piece at 0.
type leftAbs struct{ *absSquare }

func (l leftAbs) backward(a, dy [][]float64) [][]float64 {
	g := l.absSquare.backward(a, dy)
	for i, v := range a[0] {
		if v == 0 {
			g[0][i] = dy[0][i] * -a[1][i]
		}
	}
	return g
}
