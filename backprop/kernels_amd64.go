//go:build amd64 && !noasm

package backprop

import "golang.org/x/sys/cpu"

// useVector says whether the AVX2 kernels of kernels_amd64.s run. They need
// AVX2 and FMA; where both are present math.Exp takes its FMA path, the one
// the sigmoid kernel reproduces bit for bit (TestKernelsMatchGo,
// TestSigmoidExp). Build with the tag noasm to run the Go loops only.
var useVector = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// sigmoidExpVector does sigmoidExp's work on z's leading blocks of four and
// returns how many elements it did: it stops at the last block when fewer
// than four remain, and at the first block with an argument −|z| outside
// [−708, 0] (or NaN), which the Go loop must do.
//
//go:noescape
func sigmoidExpAVX2(dst, e, z []float64) int

// sigmoidDerivAVX2 does sigmoidDeriv's work on the first len(d) &^ 3
// elements.
//
//go:noescape
func sigmoidDerivAVX2(d, z, fz, e []float64)

// updateAVX2 does Update's work on the first len(theta) &^ 7 elements.
//
//go:noescape
func updateAVX2(theta []float64, eta float64, g []float64)

// addToAVX2 does addTo's work on the first len(dst) &^ 3 elements.
//
//go:noescape
func addToAVX2(dst, src []float64)

func addToVector(dst, src []float64) int {
	addToAVX2(dst, src)
	return len(dst) &^ 3
}

// scaledDiffAVX2 does scaledDiff's work on the first len(dst) &^ 3 elements.
//
//go:noescape
func scaledDiffAVX2(dst, a, y []float64, s float64)

func scaledDiffVector(dst, a, y []float64, s float64) int {
	scaledDiffAVX2(dst, a, y, s)
	return len(dst) &^ 3
}

func sigmoidExpVector(dst, e, z []float64) int { return sigmoidExpAVX2(dst, e, z) }

func sigmoidDerivVector(d, z, fz, e []float64) int {
	sigmoidDerivAVX2(d, z, fz, e)
	return len(d) &^ 3
}

func updateVector(theta []float64, eta float64, g []float64) int {
	updateAVX2(theta, eta, g)
	return len(theta) &^ 7
}
