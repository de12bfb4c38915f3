package properties_test

import (
	"math"
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/properties"
)

func TestWeightRangeBounds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		min, max float64
	}{
		{"default", -properties.DefaultMaxWeight, properties.DefaultMaxWeight},
		{"ordinary only", -1, 1},
		{"positive", 0.5, 100},
		{"negative, no zero", -100, -5},
		{"a point", 3, 3},
	} {
		t.Run(tc.name, rapid.MakeCheck(func(t *rapid.T) {
			w := properties.WeightRange(tc.min, tc.max).Draw(t, "w")
			if !(w >= tc.min && w <= tc.max) {
				t.Fatalf("WeightRange(%v, %v) drew %v", tc.min, tc.max, w)
			}
		}))
	}
}

// TestWeightKinds requires each kind of weight among 1000 examples: the
// properties rely on them to reach zero, subnormal and saturating weights.
func TestWeightKinds(t *testing.T) {
	t.Parallel()
	g := properties.Weight()
	var zero, negZero, tiny, subnormal, ordinary, large int
	for seed := range 1000 {
		w := g.Example(seed)
		a := math.Abs(w)
		switch {
		case w == 0 && math.Signbit(w):
			negZero++
		case w == 0:
			zero++
		case a < 0x1p-1022:
			subnormal++
			tiny++
		case a <= 0x1p-60:
			tiny++
		case a <= 4:
			ordinary++
		default:
			large++
		}
	}
	t.Logf("of 1000: %d +0, %d −0, %d tiny (%d subnormal), %d ordinary, %d large", zero, negZero, tiny, subnormal, ordinary, large)
	for name, n := range map[string]int{"+0": zero, "−0": negZero, "tiny": tiny, "subnormal": subnormal, "ordinary": ordinary, "large": large} {
		if n == 0 {
			t.Errorf("no %s weight in 1000 examples", name)
		}
	}
}

func TestWeightRangePanics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		min, max float64
	}{
		{"reversed", 1, -1},
		{"NaN", math.NaN(), 1},
		{"infinite", -1, math.Inf(1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("WeightRange(%v, %v) did not panic", tc.min, tc.max)
				}
			}()
			properties.WeightRange(tc.min, tc.max)
		})
	}
}

func TestParamsLength(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 20).Draw(t, "n")
		if got := len(properties.Params(n, properties.Weight()).Draw(t, "θ")); got != n {
			t.Fatalf("Params(%d) drew %d values", n, got)
		}
	})
}
