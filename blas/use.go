package blas

import (
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// Use loads the native library and, if it loads, installs [Implementation]
// with blas64.Use and blas32.Use, so that gonum's mat and lapack packages
// compute their products with it. Where no library loads it installs
// nothing. The returned Info says which is in use, and why not the native
// library where it is not.
func Use() Info {
	info, err := Load()
	if err != nil {
		return info
	}
	blas64.Use(Implementation{})
	blas32.Use(Implementation{})
	return info
}
