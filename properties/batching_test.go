package properties_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/properties"
)

func TestBatchSizeRange(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(t, "n")
		lo := rapid.IntRange(1, 50).Draw(t, "min")
		hi := rapid.IntRange(lo, 60).Draw(t, "max")
		if b := properties.BatchSizeRange(n, lo, hi).Draw(t, "B"); b < lo || b > hi {
			t.Fatalf("BatchSizeRange(%d, %d, %d) drew %d", n, lo, hi, b)
		}
	})
}

// TestBatchSizeKinds requires, for N = 12, the batch sizes where epochs
// change shape among 200 examples: 1, N, a size above N, a divisor and a
// size that does not divide N.
func TestBatchSizeKinds(t *testing.T) {
	t.Parallel()
	const n = 12
	var one, full, above, divisor, nonDivisor int
	for seed := range 200 {
		switch b := properties.BatchSize(n).Example(seed); {
		case b == 1:
			one++
		case b == n:
			full++
		case b > n:
			above++
		case n%b == 0:
			divisor++
		default:
			nonDivisor++
		}
	}
	if one == 0 || full == 0 || above == 0 || divisor == 0 || nonDivisor == 0 {
		t.Errorf("of 200 sizes for N = %d: %d ones, %d N, %d above N, %d divisors, %d non-divisors; want some of each", n, one, full, above, divisor, nonDivisor)
	}
}

func TestTrainingValid(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 20).Draw(t, "n")
		s := properties.Training(n).Draw(t, "settings")
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
		if s.LearningRate <= 0 || s.BatchSize < 1 || s.Epochs < 1 || s.Epochs > properties.DefaultMaxEpochs {
			t.Fatalf("settings %+v: want η > 0, B ≥ 1 and 1 to %d epochs", s, properties.DefaultMaxEpochs)
		}
		if s.Mode != backprop.MiniBatch && s.Mode != backprop.Online && s.Mode != backprop.FullBatch {
			t.Fatalf("mode %v", s.Mode)
		}
	})
}

func TestBatchingPanics(t *testing.T) {
	t.Parallel()
	for _, f := range []func(){
		func() { properties.BatchSizeRange(0, 1, 2) },
		func() { properties.BatchSizeRange(5, 0, 2) },
		func() { properties.BatchSizeRange(5, 3, 2) },
		func() { properties.Training(0) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("did not panic")
				}
			}()
			f()
		}()
	}
}
