package naive_test

import (
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad/naive"
)

// Example computes one gradient four ways on a [2 3 1] network and prints
// what each cost.
func Example() {
	net := backprop.MustNew(backprop.Config{
		Sizes:       []int{2, 3, 1},
		Activations: []backprop.Activation{backprop.Tanh, backprop.Identity},
		Seed:        1,
	})
	d, _ := backprop.NewDataset([][]float64{{0.5, -1}, {1, 0.25}}, [][]float64{{1}, {0}})
	b := backprop.All(d)

	var cr, fd, fm, pe naive.Count
	want, _ := naive.ChainRule(nil, net, b, &cr)
	gotFD, _ := naive.FiniteDifferences(nil, net, b, &fd, nil)
	gotFM, _ := naive.ForwardMode(nil, net, b, &fm)
	gotPE, _ := naive.PathEnumeration(nil, net, b, &pe, nil)

	gap := func(got []float64) float64 {
		var m float64
		for i := range got {
			m = math.Max(m, math.Abs(got[i]-want[i]))
		}
		return m
	}
	fmt.Printf("chain rule          %4d multiply-adds, %3d passes\n", cr.MulAdds, cr.Passes)
	fmt.Printf("finite differences  %4d multiply-adds, %3d passes, gap < 1e-9: %v\n", fd.MulAdds, fd.Passes, gap(gotFD) < 1e-9)
	fmt.Printf("forward mode        %4d multiply-adds, %3d passes, gap < 1e-15: %v\n", fm.MulAdds, fm.Passes, gap(gotFM) < 1e-15)
	fmt.Printf("path enumeration    %4d multiply-adds, %3d passes, %d paths, gap < 1e-15: %v\n", pe.MulAdds, pe.Passes, pe.Paths, gap(gotPE) < 1e-15)
	// Output:
	// chain rule            48 multiply-adds,   1 passes
	// finite differences   468 multiply-adds,  26 passes, gap < 1e-9: true
	// forward mode         546 multiply-adds,  13 passes, gap < 1e-15: true
	// path enumeration      72 multiply-adds,   1 passes, 26 paths, gap < 1e-15: true
}
