package main

import (
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/netio"
)

func init() {
	register(&command{name: "grad", summary: "print a model's loss and gradient on a dataset, as JSON",
		usage: "--model M --data D",
		about: `Prints the cost C of the model file M on the dataset D (the mean over D's
samples) and its gradient by backpropagation, as JSON, in the layout that
'check --claimed' reads:

  {"loss": C, "layers": [{"weights": [[…], …], "biases": […]}, …]}
`,
		seeAlso: []string{"model", "dataset", "claimed"},
		run:     runGrad})
}

func runGrad(e *env, args []string) error {
	fs := newFlags(e, "grad")
	var in inputs
	in.register(fs)
	if err := parse(e, fs, args); err != nil {
		return err
	}
	ld, err := in.load(e, job{command: "grad"})
	if err != nil {
		return err
	}
	net, d, data := ld.net, ld.data, displayName(in.data)
	g := make([]float64, net.NumParams())
	c, err := net.Gradient(g, backprop.All(d))
	if err != nil {
		return err
	}
	// JSON has no NaN or Inf: say where the gradient overflows instead.
	if math.IsNaN(c) || math.IsInf(c, 0) {
		return fmt.Errorf("the cost on %s is %v: the model's weights or the data overflow, and the gradient cannot be written", data, c)
	}
	for i, v := range g {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			loc, _ := net.Layout().Locate(i)
			return fmt.Errorf("the gradient on %s is not finite: ∂C/∂(%v) is %v (cost %v)", data, loc, v, c)
		}
	}
	return netio.WriteFlatGradient(e.stdout, net.Config().Sizes, c, g)
}
