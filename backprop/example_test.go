package backprop_test

import (
	"fmt"

	"github.com/gradcheck/gradcheck/backprop"
)

// line is a user's own model, written without this package's network: one
// output ŷ = w·x + b for a scalar x, with the squared error (ŷ − y)². It
// implements backprop.Model in a dozen lines, and so can be trained by
// backprop.Train and checked by every gradcheck tool.
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
	g := make([]float64, 2)
	return m.Gradient(g, b)
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

// Example_userModel trains a hand-written model with the package's trainer.
func Example_userModel() {
	// y = 3x − 1 on four points.
	d, _ := backprop.NewDataset([][]float64{{0}, {1}, {2}, {3}}, [][]float64{{-1}, {2}, {5}, {8}})
	m := &line{}
	h, err := backprop.Train(m, d, &backprop.TrainSettings{Mode: backprop.FullBatch, Epochs: 2000, LearningRate: 0.05})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("w = %.4f, b = %.4f, cost below 1e-20: %v, %d updates\n", m.w, m.b, h.Cost[len(h.Cost)-1] < 1e-20, h.Updates)
	// Output:
	// w = 3.0000, b = -1.0000, cost below 1e-20: true, 2000 updates
}

// ExampleNetwork_Gradient computes a network's gradient by backpropagation
// and reads the stored delta of its last layer.
func ExampleNetwork_Gradient() {
	net := backprop.MustNew(backprop.Config{
		Sizes:       []int{2, 3, 1},
		Activations: []backprop.Activation{backprop.Sigmoid, backprop.Identity},
		Loss:        backprop.SquaredError,
		Seed:        1,
	})
	d, _ := backprop.NewDataset([][]float64{{0, 1}, {1, 0}}, [][]float64{{1}, {0}})
	g := make([]float64, net.NumParams())
	c, _ := net.Gradient(g, backprop.All(d))
	fmt.Printf("%d parameters, cost %.4f\n", net.NumParams(), c)
	loc, _ := net.Layout().Locate(6)
	fmt.Printf("parameter 6 is %v, ∂C/∂θ₆ = %.4f\n", loc, g[6])
	delta := net.Delta(1)
	r, cols := delta.Dims()
	fmt.Printf("δ of the output layer: %d×%d, δ[0][0] = %.4f\n", r, cols, delta.At(0, 0))
	// Output:
	// 13 parameters, cost 0.3711
	// parameter 6 is layer 0 bias 0, ∂C/∂θ₆ = 0.1514
	// δ of the output layer: 2×1, δ[0][0] = 0.3458
}
