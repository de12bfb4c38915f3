//go:build !race

package backprop

const raceEnabled = false
