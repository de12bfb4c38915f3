//go:build amd64 && !noasm

package backprop

import "golang.org/x/sys/cpu"

// useVector says whether the AVX2 kernels of kernels_amd64.s run. They need
// AVX2 and FMA; where both are present math.Exp takes its FMA path, the one
// the sigmoid kernel reproduces bit for bit (TestKernelsMatchGo,
// TestSigmoidExp). Build with the tag noasm to run the Go loops only.
var useVector = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// Each kernel does its Go loop's work on the leading elements of its
// slices and returns how many it did; the Go loop does the rest.

// sigmoidExpVector does sigmoidExp's work on z's leading blocks of four: it
// stops at the last block when fewer than four remain, and at the first
// block with an argument −|z| outside [−708, 0] (or NaN), which the Go loop
// must do.
//
//go:noescape
func sigmoidExpVector(dst, e, z []float64) int

// sigmoidDerivVector does sigmoidDeriv's work on the first len(d) &^ 3
// elements.
//
//go:noescape
func sigmoidDerivVector(d, z, fz, e []float64) int

// updateVector does Update's work on the first len(theta) &^ 7 elements.
//
//go:noescape
func updateVector(theta []float64, eta float64, g []float64) int

// addToVector does addTo's work on the first len(dst) &^ 3 elements.
//
//go:noescape
func addToVector(dst, src []float64) int

// scaledDiffVector does scaledDiff's work on the first len(dst) &^ 3
// elements.
//
//go:noescape
func scaledDiffVector(dst, a, y []float64, s float64) int
