package properties

import (
	"fmt"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
)

// Default bounds of the network shapes that [Config] draws: small enough that
// a property runs in microseconds, deep enough for a hidden layer between two
// others.
const (
	DefaultMaxDepth = 3
	DefaultMaxWidth = 4
)

// Config is a shorthand for [ConfigRange](1, [DefaultMaxDepth], 1, [DefaultMaxWidth]).
func Config() *rapid.Generator[backprop.Config] {
	return ConfigRange(1, DefaultMaxDepth, 1, DefaultMaxWidth)
}

// ConfigMax is a shorthand for [ConfigRange](1, maxDepth, 1, maxWidth).
func ConfigMax(maxDepth, maxWidth int) *rapid.Generator[backprop.Config] {
	return ConfigRange(1, maxDepth, 1, maxWidth)
}

// ConfigRange returns a generator of network configurations of minDepth to
// maxDepth layers (weight matrices) whose every width, the input's
// included, lies in [minWidth, maxWidth]; each layer's activation and the
// loss are drawn from every one backprop defines. Init and Seed are left
// zero: the properties draw the weights themselves (see [Params]).
//
// Values shrink towards one layer of the smallest width, the identity
// activation and the squared error. It panics unless
// 1 ≤ minDepth ≤ maxDepth and 1 ≤ minWidth ≤ maxWidth.
func ConfigRange(minDepth, maxDepth, minWidth, maxWidth int) *rapid.Generator[backprop.Config] {
	if minDepth < 1 || minDepth > maxDepth {
		panic(fmt.Sprintf("properties: invalid depth range [%d, %d]", minDepth, maxDepth))
	}
	if minWidth < 1 || minWidth > maxWidth {
		panic(fmt.Sprintf("properties: invalid width range [%d, %d]", minWidth, maxWidth))
	}
	depth := rapid.IntRange(minDepth, maxDepth)
	width := rapid.IntRange(minWidth, maxWidth)
	act := rapid.SampledFrom(backprop.Activations())
	loss := rapid.SampledFrom(backprop.Losses())
	return rapid.Custom(func(t *rapid.T) backprop.Config {
		L := depth.Draw(t, "depth")
		c := backprop.Config{Sizes: make([]int, L+1), Activations: make([]backprop.Activation, L)}
		for i := range c.Sizes {
			c.Sizes[i] = width.Draw(t, "width")
		}
		for i := range c.Activations {
			c.Activations[i] = act.Draw(t, "activation")
		}
		c.Loss = loss.Draw(t, "loss")
		return c
	})
}
