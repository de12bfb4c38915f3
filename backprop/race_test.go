//go:build race

package backprop

// raceEnabled is true under the race detector, where sync.Pool (which
// package blas keeps its call arguments in) drops items at random, so that
// the native calls allocate.
const raceEnabled = true
