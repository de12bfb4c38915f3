package blas

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// Implementation is gonum's BLAS implementation with the matrix products
// sent to the native library where one is loaded and the product is large
// enough. The zero value is ready to use; it loads the library on first use.
// It implements blas.Float64 and blas.Float32, for blas64.Use and blas32.Use.
type Implementation struct {
	gonum.Implementation
}

var (
	_ blas.Float64 = Implementation{}
	_ blas.Float32 = Implementation{}
)

// cblasTranspose returns the CBLAS value of t, which must be valid.
// ConjTrans is Trans for real matrices.
func cblasTranspose(t blas.Transpose) int32 {
	if t == blas.NoTrans {
		return cblasNoTrans
	}
	return cblasTrans
}

// validTranspose reports whether t is a transpose gonum accepts.
func validTranspose(t blas.Transpose) bool {
	return t == blas.NoTrans || t == blas.Trans || t == blas.ConjTrans
}

// fitsInt32 reports whether every v fits a C int.
func fitsInt32(v ...int) bool {
	for _, x := range v {
		if x > math.MaxInt32 || x < math.MinInt32 {
			return false
		}
	}
	return true
}

// ptr returns the address of s's first element, nil for an empty s.
func ptr[T float32 | float64](s []T) *T {
	if len(s) == 0 {
		return nil
	}
	return &s[0]
}
