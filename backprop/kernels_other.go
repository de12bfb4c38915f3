//go:build !amd64 || noasm

package backprop

// useVector is false: only the Go loops exist here (see kernels_amd64.go).
const useVector = false

func sigmoidExpVector(dst, e, z []float64) int                   { return 0 }
func sigmoidDerivVector(d, z, fz, e []float64) int               { return 0 }
func updateVector(theta []float64, eta float64, g []float64) int { return 0 }
func addToVector(dst, src []float64) int                         { return 0 }
func scaledDiffVector(dst, a, y []float64, s float64) int        { return 0 }
