package blas_test

import (
	"fmt"

	"github.com/gradcheck/gradcheck/blas"
	"gonum.org/v1/gonum/mat"
)

func ExampleUse() {
	info := blas.Use() // Native where available; the product below is the same either way.
	_ = info           // For version output: fmt.Println("BLAS:", info).

	a := mat.NewDense(2, 3, []float64{1, 2, 3, 4, 5, 6})
	b := mat.NewDense(3, 2, []float64{7, 8, 9, 10, 11, 12})
	var c mat.Dense
	c.Mul(a, b)
	fmt.Printf("%v\n", mat.Formatted(&c))
	// Output:
	// ⎡ 58   64⎤
	// ⎣139  154⎦
}

// ExampleLoad prints what is in use; it has no Output line because that
// depends on the machine, e.g.
//
//	BLAS: OpenBLAS 0.3.21 (/lib/x86_64-linux-gnu/libopenblas.so.0, 2 threads)
//	BLAS: gonum pure Go (GRADCHECK_BLAS=go)
func ExampleLoad() {
	info, err := blas.Load()
	fmt.Println("BLAS:", info)
	if err != nil {
		// err wraps blas.ErrUnavailable and has the details, such as every
		// library name tried.
		fmt.Println(err)
	}
}
