package properties

import (
	"fmt"
	"math"

	"pgregory.net/rapid"
)

// DefaultMaxWeight bounds the weights that [Weight] draws. With at most
// [DefaultMaxDepth] layers of [DefaultMaxWidth] units and inputs in
// [−[DefaultMaxInput], [DefaultMaxInput]], no pre-activation exceeds
// (4·10⁴)³·4 ≈ 3·10¹⁴ in magnitude, far from overflow, while sigmoid and tanh
// units saturate completely.
const DefaultMaxWeight = 1e4

// ordinaryWeight bounds the "ordinary" kind of weight [WeightRange] draws.
const ordinaryWeight = 4

// Weight is a shorthand for [WeightRange](−[DefaultMaxWeight], [DefaultMaxWeight]).
func Weight() *rapid.Generator[float64] {
	return WeightRange(-DefaultMaxWeight, DefaultMaxWeight)
}

// WeightMax is a shorthand for [WeightRange](−max, max).
func WeightMax(max float64) *rapid.Generator[float64] {
	return WeightRange(-max, max)
}

// WeightRange returns a generator of weights in [min, max] that mixes four
// kinds, each drawn where the range allows it:
//
//   - exactly zero;
//   - ordinary, |w| ≤ 4;
//   - tiny, |w| = m·2^e with m ∈ [1, 2) and e ∈ [−1074, −60], subnormals
//     included;
//   - large, 4 < |w| ≤ max(|min|, |max|).
//
// Values shrink towards zero. It panics unless min and max are finite and
// min ≤ max.
func WeightRange(min, max float64) *rapid.Generator[float64] {
	if math.IsNaN(min) || math.IsNaN(max) || math.IsInf(min, 0) || math.IsInf(max, 0) || min > max {
		panic(fmt.Sprintf("properties: invalid weight range [%v, %v]", min, max))
	}
	kind := rapid.IntRange(0, 3)
	anyW := rapid.Float64Range(min, max)
	var ordinary, large *rapid.Generator[float64]
	if lo, hi := math.Max(min, -ordinaryWeight), math.Min(max, ordinaryWeight); lo <= hi {
		ordinary = rapid.Float64Range(lo, hi)
	}
	if big := math.Max(math.Abs(min), math.Abs(max)); big > ordinaryWeight {
		large = rapid.Float64Range(ordinaryWeight, big)
	}
	mant := rapid.Float64Range(1, 2)
	exp := rapid.IntRange(-1074, -60)
	sign := rapid.Bool()
	return rapid.Custom(func(t *rapid.T) float64 {
		var w float64
		switch kind.Draw(t, "kind") {
		case 0:
			w = 0
		case 1:
			if ordinary == nil {
				return anyW.Draw(t, "w")
			}
			return ordinary.Draw(t, "w")
		case 2:
			w = math.Ldexp(mant.Draw(t, "mantissa"), exp.Draw(t, "exponent"))
		case 3:
			if large == nil {
				return anyW.Draw(t, "w")
			}
			w = large.Draw(t, "magnitude")
		}
		if sign.Draw(t, "negative") {
			w = -w
		}
		if w < min || w > max {
			// The kind does not fit the range (a zero outside it, a tiny or
			// large value of the wrong sign): fall back to any value in it.
			return anyW.Draw(t, "w")
		}
		return w
	})
}

// Params returns a generator of parameter vectors of length n whose every
// entry is drawn by w.
func Params(n int, w *rapid.Generator[float64]) *rapid.Generator[[]float64] {
	if n < 0 {
		panic(fmt.Sprintf("properties: negative parameter count %d", n))
	}
	return rapid.SliceOfN(w, n, n)
}
