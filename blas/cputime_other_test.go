//go:build !unix

package blas

// processCPU returns 0: no CPU time is measured here.
func processCPU() int64 { return 0 }
