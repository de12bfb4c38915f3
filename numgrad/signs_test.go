package numgrad

import (
	"bytes"
	"math"
	"testing"
)

// Two recordings give equal signatures exactly when they recorded the same
// signs in the same order; z = 0, −0 and NaN record the side of z < 0.
func TestSigns(t *testing.T) {
	rec := func(zs ...float64) []byte {
		var s Signs
		s.Add(99) // forgotten by Reset
		s.Reset()
		for _, z := range zs {
			s.Add(z)
		}
		return s.Piece(nil)
	}
	tests := []struct {
		name  string
		a, b  []float64
		equal bool
	}{
		{"same signs", []float64{1, -2, 3}, []float64{0.5, -1e-300, 7}, true},
		{"zero is negative", []float64{0, math.Copysign(0, -1), math.NaN()}, []float64{-1, -1, -1}, true},
		{"one sign differs", []float64{1, -2, 3}, []float64{1, 2, 3}, false},
		{"the ninth sign differs", []float64{1, 1, 1, 1, 1, 1, 1, 1, 1}, []float64{1, 1, 1, 1, 1, 1, 1, 1, -1}, false},
		{"more signs", []float64{-1}, []float64{-1, -1}, false},
		{"none", nil, nil, true},
		{"none against a negative", nil, []float64{-1}, false},
	}
	for _, tt := range tests {
		if got := bytes.Equal(rec(tt.a...), rec(tt.b...)); got != tt.equal {
			t.Errorf("%s: equal = %v, want %v", tt.name, got, tt.equal)
		}
	}
	var s Signs
	s.AddBit(true)
	s.AddBit(false)
	if s.Len() != 2 {
		t.Errorf("Len = %d after two signs", s.Len())
	}
	if got := s.Piece([]byte{7}); got[0] != 7 {
		t.Errorf("Piece did not append to dst: %v", got)
	}
}
