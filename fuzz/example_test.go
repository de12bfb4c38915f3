package fuzz_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/fuzz"
	"github.com/gradcheck/gradcheck/layer"
	"github.com/gradcheck/gradcheck/numgrad/zoo"
)

// line is a user's own model: ŷ = w·x + b for a scalar x, with the squared
// error (ŷ − y)² (the model of backprop's package example).
type line struct{ w, b float64 }

func (m *line) NumParams() int { return 2 }
func (m *line) ParamsTo(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, 2)
	}
	dst[0], dst[1] = m.w, m.b
	return dst
}
func (m *line) SetParams(src []float64) { m.w, m.b = src[0], src[1] }
func (m *line) Cost(b backprop.Batch) (float64, error) {
	return m.Gradient(make([]float64, 2), b)
}
func (m *line) Gradient(dst []float64, b backprop.Batch) (float64, error) {
	var c float64
	dst[0], dst[1] = 0, 0
	n := float64(b.Len())
	for i := range b.Len() {
		x, y := b.Sample(i)
		r := m.w*x[0] + m.b - y[0]
		c += r * r / n
		dst[0] += 2 * r * x[0] / n
		dst[1] += 2 * r / n
	}
	return c, nil
}

// FuzzUserModel is the README's fuzz target for a user's own model: the
// fuzzer's bytes choose the parameters and a batch, and numgrad's checker
// must agree with the model's gradient.
func FuzzUserModel(f *testing.F) {
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		src := fuzz.NewSource(data)
		m := &line{}                                // your backprop.Model
		m.SetParams(src.Params(m.NumParams(), nil)) // parameters in [−4, 4)
		d := src.Dataset(1, 1, nil)                 // 1 to 8 samples: 1 input, 1 target
		b := src.SubBatch(d)                        // 1 to N of them, in any order
		fuzz.CheckGradient(t, m, b, nil)            // fails t if a component is wrong
	})
}

// rowScale is a user's own layer: y = tanh(x ⊙ w) row by row, x of
// rows × n and w of n, with its hand-written backward pass.
type rowScale struct{ n int }

func (l rowScale) Forward(a [][]float64) ([][]float64, error) {
	x, w := a[0], a[1]
	y := make([]float64, len(x))
	for i := range x {
		y[i] = math.Tanh(x[i] * w[i%l.n])
	}
	return [][]float64{y}, nil
}

func (l rowScale) Backward(a, dy [][]float64) ([][]float64, error) {
	x, w := a[0], a[1]
	dx, dw := make([]float64, len(x)), make([]float64, len(w))
	for i := range x {
		t := math.Tanh(x[i] * w[i%l.n])
		g := dy[0][i] * (1 - t*t)
		dx[i] = g * w[i%l.n]
		dw[i%l.n] += g * x[i]
	}
	return [][]float64{dx, dw}, nil
}

// FuzzUserLayer is the README's fuzz target for a user's own layer: the
// fuzzer's bytes choose the shapes and the arguments, and the layer check
// must agree with the layer's backward pass.
func FuzzUserLayer(f *testing.F) {
	f.Add([]byte{1, 2, 3})
	f.Add([]byte("a layer with its own backward pass"))
	f.Fuzz(func(t *testing.T, data []byte) {
		src := fuzz.NewSource(data)
		rows, n := src.IntRange(1, 3), src.IntRange(1, 4)
		args := []layer.Arg{
			layer.In("x", src.Params(rows*n, nil), rows, n), // values in [−4, 4)
			layer.Param("w", src.Params(n, nil)),
		}
		fuzz.CheckLayer(t, rowScale{n: n}, args, nil) // fails t if an entry is wrong
	})
}

// ExampleCompare holds a mutant of the bug zoo, whose layer-1 gradient has
// the wrong sign, against the exact gradient of its network's cost.
func ExampleCompare() {
	m, _ := zoo.Lookup("sign-flip-layer-1")
	net := backprop.MustNew(m.Config)
	c, err := fuzz.Compare(m.New(net), net, backprop.All(m.Data(1)))
	if err != nil {
		fmt.Println(err)
		return
	}
	loc, _ := net.Layout().Locate(c.Mismatch[0])
	fmt.Printf("%v: %d of %d components wrong, the first at %v\n", c.Verdict, len(c.Mismatch), net.NumParams(), loc)
	c, _ = fuzz.Compare(net, net, backprop.All(m.Data(1)))
	fmt.Println("the network itself:", c.Verdict)
	// Output:
	// FAIL: 20 of 46 components wrong, the first at layer 1 weight [0][0]
	// the network itself: pass
}

// ExampleSource builds a case from a fuzzer's bytes: every input decodes,
// the empty one to the smallest case.
func ExampleSource() {
	for _, data := range [][]byte{nil, []byte("gradcheck fuzzes backprop")} {
		src := fuzz.NewSource(data)
		net := src.Network(nil)
		c := net.Config()
		d := src.Dataset(c.Sizes[0], c.Sizes[len(c.Sizes)-1], nil)
		fmt.Printf("sizes %v, activations %v, loss %v, %d samples\n", c.Sizes, c.Activations, c.Loss, d.N)
	}
	// Output:
	// sizes [1 1], activations [identity], loss squared-error, 1 samples
	// sizes [6 6 2], activations [softplus identity], loss squared-error, 1 samples
}
