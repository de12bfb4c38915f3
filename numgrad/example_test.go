package numgrad_test

import (
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

func ExampleGradient() {
	// f(x, y) = x²·y + sin y, ∇f = (2xy, x² + cos y).
	f := func(x []float64) float64 { return x[0]*x[0]*x[1] + math.Sin(x[1]) }
	x := []float64{1.5, 0.5}
	g := numgrad.Gradient(nil, f, x, nil) // central differences
	fmt.Printf("central:  %.9f %.9f\n", g[0], g[1])
	g = numgrad.Gradient(nil, f, x, &numgrad.Settings{Formula: numgrad.Central5})
	fmt.Printf("central5: %.9f %.9f\n", g[0], g[1])
	fmt.Printf("exact:    %.9f %.9f\n", 2*x[0]*x[1], x[0]*x[0]+math.Cos(x[1]))
	// Output:
	// central:  1.500000000 3.127582562
	// central5: 1.500000000 3.127582562
	// exact:    1.500000000 3.127582562
}

func ExampleRichardson() {
	f := func(x []float64) float64 { return math.Exp(x[0]) * math.Sin(x[1]) }
	x := []float64{0.5, 1}
	g, errEst := numgrad.Richardson(nil, nil, f, x, nil)
	fmt.Printf("∂f/∂x₀ = %.12f (error estimate below 1e-12: %v)\n", g[0], errEst[0] < 1e-12)
	fmt.Printf("exact    %.12f\n", math.Exp(0.5)*math.Sin(1))
	// Output:
	// ∂f/∂x₀ = 1.387351111330 (error estimate below 1e-12: true)
	// exact    1.387351111330
}

func ExampleCheck() {
	// f(x) = Σ (x_i − i)², whose gradient is 2(x_i − i); the claimed
	// gradient forgets the factor 2 in component 1.
	f := func(x []float64) float64 {
		var s float64
		for i, v := range x {
			s += (v - float64(i)) * (v - float64(i))
		}
		return s
	}
	x := []float64{0.5, 3, -1}
	claimed := []float64{1, 2, -6}
	r, err := numgrad.Check(f, claimed, x, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("right:", r.OK())
	for _, c := range r.Worst(-1) {
		fmt.Printf("%s: %v analytic %g numerical %.6f ratio %.3g\n", c.Name(), c.Status, c.Claimed, c.Estimate, c.Ratio())
	}
	// Output:
	// right: false
	// component 1: FAIL analytic 2 numerical 4.000000 ratio 0.5
	// component 0: pass analytic 1 numerical 1.000000 ratio 1
	// component 2: pass analytic -6 numerical -6.000000 ratio 1
}

func ExampleCheckModel() {
	net := backprop.MustNew(backprop.Config{
		Sizes:       []int{2, 3, 1},
		Activations: []backprop.Activation{backprop.Tanh, backprop.Identity},
		Seed:        1,
	})
	d, _ := backprop.NewDataset([][]float64{{0, 1}, {1, 0}, {1, 1}}, [][]float64{{1}, {1}, {0}})
	r, err := numgrad.CheckModel(net, backprop.All(d), &numgrad.CheckSettings{Method: numgrad.MethodDual})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range r.Groups {
		fmt.Printf("%-15s %d checked, %d wrong\n", g.Name(), g.Checked, g.Failed)
	}
	fmt.Println("right:", r.OK())
	// Output:
	// layer 0 weights 6 checked, 0 wrong
	// layer 0 biases  3 checked, 0 wrong
	// layer 1 weights 3 checked, 0 wrong
	// layer 1 biases  1 checked, 0 wrong
	// right: true
}
