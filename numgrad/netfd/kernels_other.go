//go:build !amd64 || noasm

package netfd

// useVector and useExpVector are false: only the Go loops exist here (see
// kernels_amd64.go).
const (
	useVector    = false
	useExpVector = false
)

func shiftedSigmoidVector(dst, z, t, c []float64, d float64) int { return 0 }
func sigmoidVector(dst, z []float64) int                         { return 0 }
