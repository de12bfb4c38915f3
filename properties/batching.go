package properties

import (
	"fmt"
	"slices"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
)

// BatchSize is a shorthand for [BatchSizeRange](n, 1, 2n): every batch size
// up to twice the dataset.
func BatchSize(n int) *rapid.Generator[int] { return BatchSizeRange(n, 1, 2*n) }

// BatchSizeMax is a shorthand for [BatchSizeRange](n, 1, max).
func BatchSizeMax(n, max int) *rapid.Generator[int] { return BatchSizeRange(n, 1, max) }

// BatchSizeRange returns a generator of mini-batch sizes B ∈ [min, max] for
// a dataset of n samples. Half the draws are uniform; the others pick among
// the sizes where epochs change shape: B = 1 (online), B = n (full batch),
// B = n ± 1, a divisor of n, a size that does not divide n, and B > n.
// Values shrink towards min. It panics unless 1 ≤ min ≤ max and n ≥ 1.
func BatchSizeRange(n, min, max int) *rapid.Generator[int] {
	if n < 1 || min < 1 || min > max {
		panic(fmt.Sprintf("properties: invalid batch-size range [%d, %d] for %d samples", min, max, n))
	}
	var special []int
	add := func(b int) {
		if b >= min && b <= max {
			special = append(special, b)
		}
	}
	add(1)
	add(n)
	add(n - 1)
	add(n + 1)
	for b := 2; b < n; b++ {
		if n%b == 0 {
			add(b)
		}
	}
	for b := n - 2; b >= 2; b-- {
		if n%b != 0 {
			add(b)
			break
		}
	}
	add(2 * n)
	uniform := rapid.IntRange(min, max)
	kind := rapid.IntRange(0, 1)
	return rapid.Custom(func(t *rapid.T) int {
		if kind.Draw(t, "kind") == 1 && len(special) > 0 {
			return rapid.SampledFrom(special).Draw(t, "B")
		}
		return uniform.Draw(t, "B")
	})
}

// DefaultMaxEpochs bounds the epochs that [Training] draws.
const DefaultMaxEpochs = 3

// Training is a shorthand for [TrainingFrom](n, every mode: MiniBatch,
// Online and FullBatch).
func Training(n int) *rapid.Generator[backprop.TrainSettings] {
	return TrainingFrom(n, allModes)
}

// TrainingFrom returns a generator of trainer settings for a dataset of n
// samples: a mode from modes, a batch size from [BatchSize](n), 1 to
// [DefaultMaxEpochs] epochs, a learning rate from [RateRange](2^−20, 1)
// (the trainer takes only η > 0), shuffling on or off with a seed, and
// drop-last on or off. Values shrink towards the first mode listed. It
// panics unless n ≥ 1 and modes holds at least one mode backprop defines.
func TrainingFrom(n int, modes []backprop.Mode) *rapid.Generator[backprop.TrainSettings] {
	if n < 1 {
		panic(fmt.Sprintf("properties: %d samples; want at least 1", n))
	}
	if len(modes) == 0 {
		panic("properties: no mode to draw training settings from")
	}
	for _, m := range modes {
		if m < backprop.MiniBatch || m > backprop.FullBatch {
			panic(fmt.Sprintf("properties: %v is not a mode backprop defines", m))
		}
	}
	mode := rapid.SampledFrom(slices.Clone(modes))
	batch := BatchSize(n)
	epochs := rapid.IntRange(1, DefaultMaxEpochs)
	rate := RateRange(0x1p-20, 1)
	return rapid.Custom(func(t *rapid.T) backprop.TrainSettings {
		return backprop.TrainSettings{
			Mode:         mode.Draw(t, "mode"),
			BatchSize:    batch.Draw(t, "batch size"),
			Epochs:       epochs.Draw(t, "epochs"),
			LearningRate: rate.Draw(t, "η"),
			Shuffle:      rapid.Bool().Draw(t, "shuffle"),
			Seed:         rapid.Uint64().Draw(t, "seed"),
			DropLast:     rapid.Bool().Draw(t, "drop last"),
		}
	})
}
