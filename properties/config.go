package properties

import (
	"fmt"
	"slices"

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

// ConfigRange is a shorthand for [ConfigFrom](minDepth, maxDepth, minWidth,
// maxWidth, [backprop.Activations](), [backprop.Losses]()).
func ConfigRange(minDepth, maxDepth, minWidth, maxWidth int) *rapid.Generator[backprop.Config] {
	return ConfigFrom(minDepth, maxDepth, minWidth, maxWidth, backprop.Activations(), backprop.Losses())
}

// ConfigFrom returns a generator of network configurations of minDepth to
// maxDepth layers (weight matrices) whose every width, the input's
// included, lies in [minWidth, maxWidth], with each layer's activation
// drawn from acts and the loss from losses. Init and Seed are left zero:
// the properties draw the weights themselves (see [Params]).
//
// Values shrink towards one layer of the smallest width and the first
// activation and loss listed. A configuration with the softmax
// cross-entropy has at least 2 outputs (backprop refuses 1), and where
// maxWidth is 1 that loss is never drawn. It panics unless 1 ≤ minDepth ≤ maxDepth and
// 1 ≤ minWidth ≤ maxWidth, and if acts or losses is empty or holds a value
// backprop does not define.
func ConfigFrom(minDepth, maxDepth, minWidth, maxWidth int, acts []backprop.Activation, losses []backprop.Loss) *rapid.Generator[backprop.Config] {
	if minDepth < 1 || minDepth > maxDepth {
		panic(fmt.Sprintf("properties: invalid depth range [%d, %d]", minDepth, maxDepth))
	}
	if minWidth < 1 || minWidth > maxWidth {
		panic(fmt.Sprintf("properties: invalid width range [%d, %d]", minWidth, maxWidth))
	}
	if len(acts) == 0 || len(losses) == 0 {
		panic(fmt.Sprintf("properties: %d activations and %d losses to draw from; want at least one of each", len(acts), len(losses)))
	}
	// Two outputs: the softmax cross-entropy needs them (over one it is 0).
	probe := backprop.Config{Sizes: []int{1, 2}, Activations: []backprop.Activation{acts[0]}}
	for _, a := range acts {
		probe.Activations[0] = a
		if err := probe.Validate(); err != nil {
			panic("properties: " + err.Error())
		}
	}
	for _, l := range losses {
		probe.Loss = l
		if err := probe.Validate(); err != nil {
			panic("properties: " + err.Error())
		}
	}
	acts, losses = slices.Clone(acts), slices.Clone(losses)
	if maxWidth < 2 {
		// No output layer of these widths can take the cross-entropy.
		losses = slices.DeleteFunc(losses, func(l backprop.Loss) bool { return l == backprop.SoftmaxCrossEntropy })
		if len(losses) == 0 {
			panic(fmt.Sprintf("properties: the softmax cross-entropy needs 2 outputs; widths [%d, %d] have 1", minWidth, maxWidth))
		}
	}
	depth := rapid.IntRange(minDepth, maxDepth)
	width := rapid.IntRange(minWidth, maxWidth)
	act := rapid.SampledFrom(acts)
	loss := rapid.SampledFrom(losses)
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
		if c.Loss == backprop.SoftmaxCrossEntropy && c.Sizes[L] < 2 {
			c.Sizes[L] = 2 // within the range: maxWidth ≥ 2 where the loss is drawn
		}
		return c
	})
}
