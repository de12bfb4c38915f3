package properties_test

import (
	"math"
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/properties"
)

func TestRateRange(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		min, max float64
	}{
		{"default", 0, properties.DefaultMaxRate},
		{"positive", 0x1p-20, 1},
		{"no power of two", 0.3, 0.4},
		{"a point", 0.1, 0.1},
	} {
		t.Run(tc.name, rapid.MakeCheck(func(t *rapid.T) {
			eta := properties.RateRange(tc.min, tc.max).Draw(t, "η")
			if !(eta >= tc.min && eta <= tc.max) {
				t.Fatalf("RateRange(%v, %v) drew %v", tc.min, tc.max, eta)
			}
		}))
	}
}

// TestRateKinds requires η = 0, a power of two and a tiny rate among 200
// examples of Rate.
func TestRateKinds(t *testing.T) {
	t.Parallel()
	var zero, pow, tiny int
	for seed := range 200 {
		eta := properties.Rate().Example(seed)
		frac, _ := math.Frexp(eta)
		switch {
		case eta == 0:
			zero++
		case eta < 0x1p-40:
			tiny++
		case frac == 0.5:
			pow++
		}
	}
	if zero == 0 || pow == 0 || tiny == 0 {
		t.Errorf("of 200 rates: %d zero, %d powers of two, %d tiny; want some of each", zero, pow, tiny)
	}
}

func TestRateRangePanics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ min, max float64 }{{-1, 1}, {1, 0.5}, {0, math.Inf(1)}, {math.NaN(), 1}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("RateRange(%v, %v) did not panic", tc.min, tc.max)
				}
			}()
			properties.RateRange(tc.min, tc.max)
		}()
	}
}
