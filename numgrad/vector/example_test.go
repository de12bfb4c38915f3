package vector_test

import (
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad/vector"
)

// ExampleCheckVJP checks a claimed vector–Jacobian product of a function
// of two named inputs: F(x, s) = s·tanh(x) elementwise, whose backward pass
// is dx = dy ⊙ s·(1 − tanh² x), ds = Σ dy ⊙ tanh x; the claim here flips
// the sign of ds, and the report names it.
func ExampleCheckVJP() {
	fn := &vector.Function{
		In:  backprop.NamedLayout(backprop.NamedBlock("x", 3), backprop.NamedBlock("s")),
		Out: backprop.NamedLayout(backprop.NamedBlock("y", 3)),
		F: func(dst, v []float64) error {
			for i := range 3 {
				dst[i] = v[3] * math.Tanh(v[i])
			}
			return nil
		},
	}
	vjp := func(dst, v, dy []float64) error {
		dst[3] = 0
		for i := range 3 {
			t := math.Tanh(v[i])
			dst[i] = dy[i] * v[3] * (1 - t*t)
			dst[3] -= dy[i] * t // the sign flipped
		}
		return nil
	}
	r, err := vector.CheckVJP(fn, []float64{0.3, -1.2, 0.8, 1.5}, vjp, nil)
	if err != nil {
		panic(err)
	}
	for _, s := range r.Summaries {
		fmt.Printf("%s: %d of %d wrong\n", s.Name(), s.Failed, s.Checked)
		if s.Cause != "" {
			fmt.Println("  likely cause:", s.Cause)
		}
	}
	// Output:
	// x: 0 of 6 wrong
	// s: 2 of 2 wrong
	//   likely cause: claimed = -1 × estimate throughout: a sign flip
}

// ExampleCheckHVP checks the network's own Hessian–vector product,
// forward over reverse, against the differences of its gradient along two
// random directions, with the symmetry of the two products.
func ExampleCheckHVP() {
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 3, 2}, Activations: []backprop.Activation{backprop.Tanh, backprop.Identity},
		Loss: backprop.SoftmaxCrossEntropy, Seed: 1})
	b := backprop.All(&backprop.Dataset{N: 2, In: 2, Out: 2, X: []float64{0.5, -1, 1.5, 0.25}, Y: []float64{1, 0, 0, 1}})
	p, err := vector.NetworkHVP(net, b)
	if err != nil {
		panic(err)
	}
	hvp := func(dst, x, v []float64) error {
		probe := net.Clone()
		probe.SetParams(x)
		_, err := probe.HessianVector(dst, v, b)
		return err
	}
	r, err := vector.CheckHVP(p, hvp, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.OK(), len(r.Entries), r.Symmetry[0].Status)
	// Output:
	// true 34 pass
}
