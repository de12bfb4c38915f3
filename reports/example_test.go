package reports_test

import (
	"fmt"

	"github.com/gradcheck/gradcheck/reports"
)

// Example times four methods on one small network, sizes [3 3 3], and
// prints the counted work of each (the times vary from run to run; the
// counts do not). With B = 2, F = 18 weights, W = 24 parameters and N′ = 3
// ReLU units: backprop 2·(3·18 − 9 + 3) = 96; central differences 2W = 48
// passes of 2·18; forward mode W = 24 dual passes of 2·(2·18 + 3); path
// enumeration 2·(3·4·3 + 3·4) = 96 paths.
func Example() {
	r, err := reports.Run(&reports.Settings{
		Quick: true,
		Sweeps: []reports.Sweep{{
			Name:    "width",
			Shapes:  []reports.Shape{{Width: 3, Depth: 2, Batch: 2}},
			Methods: []string{reports.Backprop, reports.FDCentral, reports.Dual, reports.Paths},
		}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, res := range r.Results {
		fmt.Printf("%-12s %-8s %6d multiply-adds, %3d passes, %3d paths\n", res.Method, res.Status, res.MulAdds, res.Passes, res.Paths)
	}
	// Output:
	// backprop     measured     96 multiply-adds,   1 passes,   0 paths
	// fd-central   measured   1728 multiply-adds,  48 passes,   0 paths
	// forward-mode measured   1872 multiply-adds,  24 passes,   0 paths
	// paths        measured    252 multiply-adds,   1 passes,  96 paths
}
