package fuzz

import (
	"fmt"

	"github.com/gradcheck/gradcheck/backprop"
)

// SubBatch returns a batch of d: k distinct samples, 1 ≤ k ≤ d.N, in an
// order the bytes choose. A gradient checked on the whole dataset cannot
// tell a mean over the batch from a mean over the dataset (B = N); on a
// sub-batch the two differ by the factor k/N.
//
// It reads k with [Source.IntRange](1, d.N) and then draws the rows by a
// Fisher–Yates shuffle of 0, …, N−1 cut after k steps, one
// [Source.IntRange] per row. Zero bytes give the first sample alone, so
// that the empty input stays the smallest case and the fuzzer reaches
// B < N as soon as it draws N ≥ 2. It panics if d holds no sample.
func (s *Source) SubBatch(d *backprop.Dataset) backprop.Batch {
	if d == nil || d.N < 1 {
		panic("fuzz: SubBatch: the dataset holds no sample")
	}
	if d.N > 1<<16 {
		panic(fmt.Sprintf("fuzz: SubBatch: %d samples; at most 2¹⁶ can be drawn from", d.N))
	}
	k := s.IntRange(1, d.N)
	rows := make([]int, d.N)
	for i := range rows {
		rows[i] = i
	}
	for i := range k {
		j := s.IntRange(i, d.N-1)
		rows[i], rows[j] = rows[j], rows[i]
	}
	return backprop.Batch{Data: d, Rows: rows[:k:k]}
}
