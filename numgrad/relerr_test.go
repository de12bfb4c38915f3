package numgrad_test

import (
	"math"
	"testing"

	"github.com/gradcheck/gradcheck/numgrad"
	"gonum.org/v1/gonum/floats/scalar"
	"pgregory.net/rapid"
)

var (
	nan    = math.NaN()
	inf    = math.Inf(1)
	negz   = math.Copysign(0, -1)
	tiny   = math.SmallestNonzeroFloat64 // subnormal
	normal = 0x1p-1022                   // smallest normal
)

func TestRelErr(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		a, b float64
		want float64 // NaN: want NaN
	}{
		{"equal", 3, 3, 0},
		{"zeros", 0, 0, 0},
		{"signed zeros", 0, negz, 0},
		{"one zero", 0, 1e-300, 1},
		{"opposite signs", 1, -1, 2},
		{"ordinary", 1, 1.5, 0.5 / 1.5},
		{"scale free", 1e-200, 1.5e-200, 0.5 / 1.5},
		{"subnormals", tiny, 2 * tiny, 0.5},
		{"subnormal vs zero", tiny, 0, 1},
		{"subnormal vs normal", tiny, normal, (normal - tiny) / normal},
		{"equal infinities", inf, inf, 0},
		{"opposite infinities", inf, -inf, inf},
		{"one infinite", inf, 1, inf},
		{"NaN left", nan, 1, nan},
		{"NaN right", 1, nan, nan},
		{"NaN both", nan, nan, nan},
		{"NaN and Inf", nan, inf, nan},
		{"huge", math.MaxFloat64, -math.MaxFloat64, inf}, // |a − b| overflows: the honest answer
	} {
		got := numgrad.RelErr(tc.a, tc.b)
		if math.IsNaN(tc.want) != math.IsNaN(got) || !math.IsNaN(got) && got != tc.want {
			t.Errorf("%s: RelErr(%v, %v) = %v, want %v", tc.name, tc.a, tc.b, got, tc.want)
		}
		if sym := numgrad.RelErr(tc.b, tc.a); !(sym == got || math.IsNaN(sym) && math.IsNaN(got)) {
			t.Errorf("%s: RelErr not symmetric: %v and %v", tc.name, got, sym)
		}
	}
}

func TestWithinEdgeCases(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		a, b, abs, rl float64
		want          bool
	}{
		{"absolute", 1e-12, 2e-12, 1e-11, 0, true},
		{"relative", 1e6, 1e6 + 1, 0, 1e-5, true},
		{"neither", 1, 1.1, 0.01, 0.01, false},
		{"zero tolerance, equal", 0.1, 0.1, 0, 0, true},
		{"zero tolerance, one ulp", 0.1, math.Nextafter(0.1, 1), 0, 0, false},
		{"signed zeros", 0, negz, 0, 0, true},
		{"subnormals within abs", tiny, 3 * tiny, normal, 0, true},
		{"equal infinities never pass", inf, inf, 1, 1, false},
		{"NaN never passes", nan, nan, inf, inf, false},
		{"NaN against a number", nan, 0, inf, inf, false},
		{"Inf against a number", inf, 0, math.MaxFloat64, 1, false},
	} {
		if got := numgrad.Within(tc.a, tc.b, tc.abs, tc.rl); got != tc.want {
			t.Errorf("%s: Within(%v, %v, %v, %v) = %v, want %v", tc.name, tc.a, tc.b, tc.abs, tc.rl, got, tc.want)
		}
	}
}

// TestWithinIsGonumRule checks that for finite values whose difference is
// normal, Within is gonum's scalar.EqualWithinAbsOrRel, and that
// Score ≤ 1 ⟺ Within.
func TestWithinIsGonumRule(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.Float64Range(-1e6, 1e6).Draw(t, "a")
		b := a * (1 + rapid.Float64Range(-1e-3, 1e-3).Draw(t, "rel"))
		b += rapid.Float64Range(-1e-6, 1e-6).Draw(t, "abs")
		abs := rapid.Float64Range(0, 1e-6).Draw(t, "absTol")
		rl := rapid.Float64Range(0, 1e-3).Draw(t, "relTol")
		got := numgrad.Within(a, b, abs, rl)
		if d := math.Abs(a - b); d != 0 && d < normal {
			return // gonum's subnormal rule differs, on purpose (see Within)
		}
		if want := scalar.EqualWithinAbsOrRel(a, b, abs, rl); got != want {
			t.Fatalf("Within(%v, %v, %v, %v) = %v, gonum says %v", a, b, abs, rl, got, want)
		}
		if s := numgrad.Score(a, b, abs, rl); (s <= 1) != got {
			t.Fatalf("Score(%v, %v, %v, %v) = %v but Within = %v", a, b, abs, rl, s, got)
		}
	})
}

func TestScoreEdgeCases(t *testing.T) {
	t.Parallel()
	if s := numgrad.Score(nan, 1, 1, 0); !math.IsNaN(s) {
		t.Errorf("Score(NaN, …) = %v, want NaN", s)
	}
	if s := numgrad.Score(inf, inf, 1, 0); !math.IsInf(s, 1) {
		t.Errorf("Score(Inf, Inf, …) = %v, want +Inf", s)
	}
	if s := numgrad.Score(2, 2, 0, 0); s != 0 {
		t.Errorf("Score of equal values with zero tolerance = %v, want 0", s)
	}
	if s := numgrad.Score(2, 3, 0, 0); !math.IsInf(s, 1) {
		t.Errorf("Score of unequal values with zero tolerance = %v, want +Inf", s)
	}
	if s := numgrad.Score(1, 1.5, 0.25, 0); s != 2 {
		t.Errorf("Score(1, 1.5, 0.25, 0) = %v, want 2", s)
	}
}
