package claimed_test

import (
	"fmt"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/claimed"
	"github.com/gradcheck/gradcheck/datasets"
	"github.com/gradcheck/gradcheck/netio"
)

func ExampleCheckFile() {
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 3, 3, 1}, Loss: backprop.SquaredError, Seed: 5,
		Activations: []backprop.Activation{backprop.Sigmoid, backprop.Tanh, backprop.Identity}})
	b := backprop.All(datasets.Textbook())

	// The claim, per layer as another implementation hands it in (here
	// backprop's own gradient, written as `gradcheck grad` writes it), with
	// one mistake planted: the signs of layer 1's bias gradient.
	g := make([]float64, net.NumParams())
	loss, err := net.Gradient(g, b)
	if err != nil {
		fmt.Println(err)
		return
	}
	f := netio.NewGradientFile(net, loss, g)
	for j := range f.Layers[1].Biases {
		f.Layers[1].Biases[j] = -f.Layers[1].Biases[j]
	}

	r, err := claimed.CheckFile(net, b, f, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("right:", r.OK())
	fmt.Println("loss:", r.Loss.Status)
	where, _ := r.Gradient.Located()
	fmt.Println("wrong from:", where.Name())
	fmt.Println("likely cause:", where.Cause)
	// Output:
	// right: false
	// loss: pass
	// wrong from: layer 1 biases
	// likely cause: claimed = -1 × estimate throughout: a sign flip (gradient ascent, or y − a for a − y)
}

func ExampleCheck() {
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 3, 1}, Loss: backprop.SquaredError, Seed: 1,
		Activations: []backprop.Activation{backprop.Tanh, backprop.Identity}})
	b := backprop.All(datasets.Textbook())

	// A flat claim in backprop's order whose loss has the ½ that
	// gradcheck's squared error does not have.
	g := make([]float64, net.NumParams())
	loss, err := net.Gradient(g, b)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := claimed.Check(net, b, g, loss/2, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("right:", r.OK())
	fmt.Println("gradient right:", r.Gradient.OK())
	fmt.Println("loss:", r.Loss.Status)
	fmt.Println(r.Loss.Note)
	// Output:
	// right: false
	// gradient right: true
	// loss: FAIL
	// claimed = ½ × ours: a ½ in the claimed loss; gradcheck's squared error has no ½, e = Σ_k (ŷ_k − y_k)²
}
