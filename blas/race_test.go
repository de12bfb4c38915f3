//go:build race

package blas

// raceEnabled is true under the race detector, where sync.Pool drops items
// at random, so that pooled calls allocate.
const raceEnabled = true
