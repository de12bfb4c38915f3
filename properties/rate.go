package properties

import (
	"fmt"
	"math"

	"pgregory.net/rapid"
)

// DefaultMaxRate bounds the learning rates that [Rate] draws.
const DefaultMaxRate = 1

// Rate is a shorthand for [RateRange](0, [DefaultMaxRate]).
func Rate() *rapid.Generator[float64] { return RateRange(0, DefaultMaxRate) }

// RateMax is a shorthand for [RateRange](0, max).
func RateMax(max float64) *rapid.Generator[float64] { return RateRange(0, max) }

// RateRange returns a generator of learning rates η ∈ [min, max] that mixes
// the bound min itself (η = 0 when min is 0), powers of two (for which η·g
// is exact), tiny rates below 2^−40 (for which η·g may round to zero or to
// a subnormal) and any value of the range. Values shrink towards min.
//
// It panics unless 0 ≤ min ≤ max < +Inf. The trainer takes only η > 0 (its
// zero means the default rate): draw its rates from RateRange with min > 0,
// as [Training] does.
func RateRange(min, max float64) *rapid.Generator[float64] {
	if !(min >= 0) || !(min <= max) || math.IsInf(max, 0) {
		panic(fmt.Sprintf("properties: invalid learning-rate range [%v, %v]", min, max))
	}
	kind := rapid.IntRange(0, 3)
	anyRate := rapid.Float64Range(min, max)
	var pows []float64
	for e := -30; e <= 10; e++ {
		if p := math.Ldexp(1, e); p >= min && p <= max {
			pows = append(pows, p)
		}
	}
	tinyHi := math.Min(max, 0x1p-40)
	return rapid.Custom(func(t *rapid.T) float64 {
		switch kind.Draw(t, "kind") {
		case 0:
			return min
		case 1:
			if len(pows) > 0 {
				return rapid.SampledFrom(pows).Draw(t, "η")
			}
		case 2:
			if min <= tinyHi {
				return rapid.Float64Range(min, tinyHi).Draw(t, "η")
			}
		}
		return anyRate.Draw(t, "η")
	})
}
