package fuzz

import (
	"encoding/binary"
	"math"
)

// Source turns the bytes a fuzzer hands a target into bounded values, so
// that a target can build a model, its parameters and a batch from one
// []byte and the fuzzer's mutations move those values.
//
// Reads past the end of the bytes give zeros: every input decodes, the
// empty input is the all-zero case, and a value never depends on bytes after
// it (so the fuzzer's minimiser can cut the tail).
type Source struct {
	data []byte
	off  int
}

// NewSource returns a Source reading data from its start. data is not
// modified or retained beyond the Source's lifetime.
func NewSource(data []byte) *Source { return &Source{data: data} }

// Uint8 returns the next byte, or 0 past the end.
func (s *Source) Uint8() uint8 {
	if s.off >= len(s.data) {
		return 0
	}
	b := s.data[s.off]
	s.off++
	return b
}

// Uint16 returns the next two bytes, little-endian.
func (s *Source) Uint16() uint16 {
	var b [2]byte
	b[0], b[1] = s.Uint8(), s.Uint8()
	return binary.LittleEndian.Uint16(b[:])
}

// Uint64 returns the next eight bytes, little-endian.
func (s *Source) Uint64() uint64 {
	var b [8]byte
	for i := range b {
		b[i] = s.Uint8()
	}
	return binary.LittleEndian.Uint64(b[:])
}

// Bool returns the low bit of the next byte.
func (s *Source) Bool() bool { return s.Uint8()&1 == 1 }

// IntRange returns an integer in [lo, hi] from the next two bytes. It panics
// if hi < lo or the range has more than 2¹⁶ values: bounds are the target's,
// not the fuzzer's, so a bad bound is a programming error.
func (s *Source) IntRange(lo, hi int) int {
	if hi < lo || hi-lo >= 1<<16 {
		panic("fuzz: IntRange: bad bounds")
	}
	return lo + int(s.Uint16())%(hi-lo+1)
}

// Float64 returns any float64, the next eight bytes taken as its bits:
// NaNs, infinities, subnormals and −0 included.
func (s *Source) Float64() float64 { return math.Float64frombits(s.Uint64()) }

// Value returns a finite value in [−scale, scale) from the next two bytes,
// taken as an int16 k: k·scale/32768. Zero bytes give 0, and ±scale/2ⁿ are
// exact. It panics unless scale is positive and finite.
func (s *Source) Value(scale float64) float64 {
	if !(scale > 0) || math.IsInf(scale, 0) {
		panic("fuzz: Value: scale must be positive and finite")
	}
	return float64(int16(s.Uint16())) * (scale / 32768)
}

// Specials are the values [Source.Hostile] mixes in: the edges of float64
// arithmetic where a parser, a checker or a training step is most likely to
// go wrong.
var Specials = []float64{
	0,
	math.Copysign(0, -1),
	math.NaN(),
	math.Inf(1),
	math.Inf(-1),
	math.MaxFloat64,
	-math.MaxFloat64,
	1e308,
	-1e308,
	1e154, // its square is 1e308; twice that overflows
	math.SmallestNonzeroFloat64,
	-math.SmallestNonzeroFloat64,
	2.2250738585072014e-308, // the smallest normal number
	1e-310,                  // subnormal
	710,                     // e^710 overflows
	-746,                    // e^-746 underflows to 0
	1e-8,
	1e8,
}

// Hostile returns, from the next byte: with probability 7/8 a [Source.Value]
// in [−scale, scale]; otherwise one of [Specials] or, for the last tag, a
// [Source.Float64] of arbitrary bits.
func (s *Source) Hostile(scale float64) float64 {
	tag := s.Uint8()
	if tag < 224 {
		return s.Value(scale)
	}
	k := int(tag - 224)
	if k < len(Specials) {
		return Specials[k]
	}
	return s.Float64()
}

// Values returns n values of [Source.Value](scale).
func (s *Source) Values(n int, scale float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = s.Value(scale)
	}
	return v
}

// HostileValues returns n values of [Source.Hostile](scale).
func (s *Source) HostileValues(n int, scale float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = s.Hostile(scale)
	}
	return v
}
