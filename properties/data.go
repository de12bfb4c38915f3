package properties

import (
	"fmt"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
)

// DefaultMaxSamples bounds the datasets that [Data] draws.
const DefaultMaxSamples = 16

// DefaultMaxInput bounds the inputs that [Inputs] draws.
const DefaultMaxInput = 4

// Vector returns a generator of vectors of length n whose every entry is
// drawn by elem. It panics if n < 1.
func Vector(n int, elem *rapid.Generator[float64]) *rapid.Generator[[]float64] {
	if n < 1 {
		panic(fmt.Sprintf("properties: vector length %d must be positive", n))
	}
	return rapid.SliceOfN(elem, n, n)
}

// Inputs returns a generator of one sample's n inputs, each in
// [−[DefaultMaxInput], [DefaultMaxInput]] (zero included).
func Inputs(n int) *rapid.Generator[[]float64] {
	return Vector(n, rapid.Float64Range(-DefaultMaxInput, DefaultMaxInput))
}

// Targets returns a generator of one sample's n targets, each in [−1, 1]:
// the targets of a squared error.
func Targets(n int) *rapid.Generator[[]float64] {
	return Vector(n, rapid.Float64Range(-1, 1))
}

// NonNegative returns a generator of one sample's n targets, each in
// [0, 1]: the non-negative weights a softmax cross-entropy takes (one-hot
// vectors among them).
func NonNegative(n int) *rapid.Generator[[]float64] {
	return Vector(n, rapid.Float64Range(0, 1))
}

// OneHot returns a generator of one-hot vectors of length n.
func OneHot(n int) *rapid.Generator[[]float64] {
	if n < 1 {
		panic(fmt.Sprintf("properties: vector length %d must be positive", n))
	}
	hot := rapid.IntRange(0, n-1)
	return rapid.Custom(func(t *rapid.T) []float64 {
		y := make([]float64, n)
		y[hot.Draw(t, "class")] = 1
		return y
	})
}

// Data is a shorthand for [DataRange](x, y, 1, [DefaultMaxSamples]).
func Data(x, y *rapid.Generator[[]float64]) *rapid.Generator[*backprop.Dataset] {
	return DataRange(x, y, 1, DefaultMaxSamples)
}

// DataMin is a shorthand for [DataRange](x, y, minN, max(minN, [DefaultMaxSamples])).
func DataMin(x, y *rapid.Generator[[]float64], minN int) *rapid.Generator[*backprop.Dataset] {
	return DataRange(x, y, minN, max(minN, DefaultMaxSamples))
}

// DataRange returns a generator of datasets of minN to maxN samples whose
// inputs x and targets y draw. Each sample after the first is, now and
// then, a copy of an earlier one, so that datasets with duplicate samples
// occur; one-sample datasets occur when minN is 1.
//
// x and y must draw vectors of one fixed length each (as [Vector] does);
// the dataset panics otherwise. Values shrink towards fewer samples without
// duplicates. It panics unless 1 ≤ minN ≤ maxN.
func DataRange(x, y *rapid.Generator[[]float64], minN, maxN int) *rapid.Generator[*backprop.Dataset] {
	if minN < 1 || minN > maxN {
		panic(fmt.Sprintf("properties: invalid sample-count range [%d, %d]", minN, maxN))
	}
	count := rapid.IntRange(minN, maxN)
	// One sample in four repeats an earlier one; 0, the value rapid shrinks
	// to, draws a fresh sample.
	repeat := rapid.IntRange(0, 3)
	return rapid.Custom(func(t *rapid.T) *backprop.Dataset {
		n := count.Draw(t, "samples")
		d := &backprop.Dataset{N: n}
		for i := range n {
			if i > 0 && repeat.Draw(t, "repeat") == 3 {
				j := rapid.IntRange(0, i-1).Draw(t, "copy of")
				xj, yj := d.Sample(j)
				d.X, d.Y = append(d.X, xj...), append(d.Y, yj...)
				continue
			}
			xi, yi := x.Draw(t, "x"), y.Draw(t, "y")
			if i == 0 {
				d.In, d.Out = len(xi), len(yi)
			}
			if len(xi) != d.In || len(yi) != d.Out {
				panic(fmt.Sprintf("properties: sample %d has %d inputs and %d targets, sample 0 has %d and %d", i, len(xi), len(yi), d.In, d.Out))
			}
			d.X, d.Y = append(d.X, xi...), append(d.Y, yi...)
		}
		return d
	})
}
