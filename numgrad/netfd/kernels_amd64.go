//go:build amd64 && !noasm

package netfd

import "golang.org/x/sys/cpu"

// useVector says whether shiftedSigmoid's AVX2 kernel runs, useExpVector
// whether sigmoidTo's does: the exponential it transcribes is math.Exp's
// FMA path, the one math.Exp takes where the CPU has AVX and FMA. Build
// with the tag noasm to run the Go loops only.
var (
	useVector    = cpu.X86.HasAVX2
	useExpVector = cpu.X86.HasAVX2 && cpu.X86.HasFMA
)

// Each kernel does its Go loop's work on the leading elements of its
// slices and returns how many it did; the Go loop does the rest.

// shiftedSigmoidVector does shiftedSigmoidGo's work on dst's leading
// blocks of four: it stops at the last block when fewer than four remain,
// and at the first block with a lane where the change ε = c·d is larger
// than 2⁻¹⁶ or z·(z + ε) is not > 0, which the Go loop must do (it takes
// Sigmoid.Apply there). z, t and c must be at least as long as dst.
//
//go:noescape
func shiftedSigmoidVector(dst, z, t, c []float64, d float64) int

// sigmoidVector does Sigmoid.ApplyTo's work on z's leading blocks of four:
// it stops at the last block when fewer than four remain, and at the first
// block with an argument −|z| outside [−708, 0] (or NaN). dst must be at
// least as long as z.
//
//go:noescape
func sigmoidVector(dst, z []float64) int
