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

// fortranTranspose returns the Fortran BLAS character for t, which must be
// valid. ConjTrans is Trans for real matrices.
func fortranTranspose(t blas.Transpose) byte {
	if t == blas.NoTrans {
		return 'N'
	}
	return 'T'
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
