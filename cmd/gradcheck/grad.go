package main

import (
	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/netio"
)

func init() {
	register(&command{name: "grad", summary: "print the analytic gradient of the mean cost over a dataset, as JSON", run: runGrad})
}

func runGrad(e *env, args []string) error {
	fs := newFlags(e, "grad", "--model M --data D")
	var in inputs
	in.register(fs)
	if err := parse(e, fs, args); err != nil {
		return err
	}
	net, d, err := in.load()
	if err != nil {
		return err
	}
	g := make([]float64, net.NumParams())
	c, err := net.Gradient(g, backprop.All(d))
	if err != nil {
		return err
	}
	return netio.WriteGradient(e.stdout, netio.NewGradientFile(net, c, g))
}
