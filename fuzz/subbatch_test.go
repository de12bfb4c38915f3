package fuzz_test

import (
	"slices"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/fuzz"
)

// TestSubBatchRows checks what SubBatch draws from a dataset of N samples:
// 1 to N distinct rows of it, the first sample alone from zero bytes, and
// every size and every row reached over a range of inputs.
func TestSubBatchRows(t *testing.T) {
	t.Parallel()
	const n = 5
	d := &backprop.Dataset{N: n, In: 1, Out: 1, X: make([]float64, n), Y: make([]float64, n)}
	if b := fuzz.NewSource(nil).SubBatch(d); !slices.Equal(b.Rows, []int{0}) || b.Data != d {
		t.Errorf("the empty input draws rows %v of data %p; want [0] of %p", b.Rows, b.Data, d)
	}
	sizes := make(map[int]bool)
	first := make(map[int]bool)
	for seed := range 2000 {
		data := []byte{byte(seed), byte(seed >> 8), byte(seed * 7), byte(seed * 13), byte(seed * 31), byte(seed * 61), byte(seed * 97), byte(seed * 131)}
		b := fuzz.NewSource(data).SubBatch(d)
		k := len(b.Rows)
		if k < 1 || k > n {
			t.Fatalf("input %v: %d rows; want 1 to %d", data, k, n)
		}
		sorted := slices.Sorted(slices.Values(b.Rows))
		if len(slices.Compact(sorted)) != k || sorted[0] < 0 || sorted[len(sorted)-1] >= n {
			t.Fatalf("input %v: rows %v are not distinct rows of %d samples", data, b.Rows, n)
		}
		sizes[k], first[b.Rows[0]] = true, true
	}
	if len(sizes) != n || len(first) != n {
		t.Errorf("2000 inputs drew the sizes %v and the first rows %v; want each of 1 to %d and each row", sizes, first, n)
	}
}

// TestSubBatchOneSample checks that a one-sample dataset gives its sample
// whatever the bytes.
func TestSubBatchOneSample(t *testing.T) {
	t.Parallel()
	d := &backprop.Dataset{N: 1, In: 1, Out: 1, X: []float64{1}, Y: []float64{2}}
	for _, data := range [][]byte{nil, {0xff, 0xff, 0xff, 0xff}, {3, 9, 27}} {
		if b := fuzz.NewSource(data).SubBatch(d); !slices.Equal(b.Rows, []int{0}) {
			t.Errorf("input %v: rows %v; want [0]", data, b.Rows)
		}
	}
}

// TestSubBatchPanics checks that an empty dataset is refused.
func TestSubBatchPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("SubBatch of an empty dataset did not panic")
		}
	}()
	fuzz.NewSource(nil).SubBatch(&backprop.Dataset{})
}
