package zoo_test

import (
	"fmt"
	"math"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad/zoo"
)

// Example runs every mutant on its own network and data, and prints the
// blocks where its gradient departs from backprop's by more than 1e-9
// relative: they are the mutant's Expect.
func Example() {
	for _, m := range zoo.Mutants() {
		net := backprop.MustNew(m.Config)
		b := backprop.All(m.Data(1))
		want := make([]float64, net.NumParams())
		if _, err := net.Gradient(want, b); err != nil {
			fmt.Println(err)
			return
		}
		got := make([]float64, net.NumParams())
		if _, err := m.New(net).Gradient(got, b); err != nil {
			fmt.Println(err)
			return
		}
		var wrong []string
		for _, blk := range net.Layout().Blocks {
			for i := blk.Offset; i < blk.Offset+blk.Len(); i++ {
				if math.Abs(got[i]-want[i]) > 1e-9*math.Max(1, math.Abs(want[i])) {
					wrong = append(wrong, zoo.Where{Layer: blk.Layer, Group: blk.Group}.String())
					break
				}
			}
		}
		fmt.Printf("%-33s %s\n", m.Name, strings.Join(wrong, ", "))
	}
	// Output:
	// no-activation-derivative          layer 0 weights, layer 0 biases, layer 1 weights, layer 1 biases, layer 2 weights, layer 2 biases
	// no-activation-derivative-layer-1  layer 0 weights, layer 0 biases, layer 1 weights, layer 1 biases
	// derivative-at-activation          layer 0 weights, layer 0 biases, layer 1 weights, layer 1 biases
	// squared-error-without-2           layer 0 weights, layer 0 biases, layer 1 weights, layer 1 biases
	// sum-over-batch                    layer 0 weights, layer 0 biases, layer 1 weights, layer 1 biases
	// transposed-weights                layer 0 weights, layer 0 biases, layer 1 weights, layer 1 biases
	// no-bias-gradient                  layer 0 biases, layer 1 biases
	// delta-from-wrong-layer            layer 0 weights, layer 0 biases
	// sign-flip-layer-1                 layer 1 weights, layer 1 biases
	// softmax-wrong-class               layer 0 weights, layer 0 biases, layer 1 weights, layer 1 biases
	// softmax-left-out                  layer 0 weights, layer 0 biases, layer 1 weights, layer 1 biases
	// pre-activation-as-input           layer 1 weights, layer 2 weights
}

// ExampleLookup shows the pattern a checker can name as a likely cause:
// summing over the batch makes every component B = 8 times the true one.
func ExampleLookup() {
	m, _ := zoo.Lookup("sum-over-batch")
	net := backprop.MustNew(m.Config)
	b := backprop.All(m.Data(1))
	want := make([]float64, net.NumParams())
	net.Gradient(want, b)
	got := make([]float64, net.NumParams())
	m.New(net).Gradient(got, b)
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range got {
		lo, hi = math.Min(lo, got[i]/want[i]), math.Max(hi, got[i]/want[i])
	}
	fmt.Printf("%s on %d samples: mutant/true between %.9f and %.9f\n", m.Name, b.Len(), lo, hi)
	// Output:
	// sum-over-batch on 8 samples: mutant/true between 8.000000000 and 8.000000000
}

// ExampleCorrect compares the reference backward pass, without a bug, with
// backprop's: the same gradient up to the order of the sums.
func ExampleCorrect() {
	net := backprop.MustNew(backprop.Config{
		Sizes:       []int{3, 4, 2},
		Activations: []backprop.Activation{backprop.Tanh, backprop.Identity},
	})
	b := backprop.All(zoo.Data(net.Config(), 1))
	want := make([]float64, net.NumParams())
	net.Gradient(want, b)
	got := make([]float64, net.NumParams())
	zoo.Correct(net).Gradient(got, b)
	var worst float64
	for i := range got {
		worst = math.Max(worst, math.Abs(got[i]-want[i])/math.Max(1, math.Abs(want[i])))
	}
	fmt.Printf("largest relative difference below 1e-15: %v\n", worst < 1e-15)
	// Output:
	// largest relative difference below 1e-15: true
}
