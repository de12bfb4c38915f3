package netfd

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
)

// TestSampleErrorBits holds sampleError to backprop.SampleError[Real], the
// losses' definition, bit for bit: random outputs over many scales, zero
// and fractional targets, and outputs with NaN, infinities, signed zeros and
// huge values.
func TestSampleErrorBits(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 7))
	special := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 1e308, -1e308, 5e-324, 700, -750}
	for trial := range 20000 {
		n := 1 + rng.IntN(12)
		a, y := make([]float64, n), make([]float64, n)
		scale := math.Pow(10, float64(rng.IntN(12)-4))
		for k := range a {
			a[k] = rng.NormFloat64() * scale
			switch rng.IntN(3) {
			case 0:
				y[k] = rng.Float64()
			case 1:
				y[k] = 1
			}
			if trial%7 == 0 && rng.IntN(4) == 0 {
				a[k] = special[rng.IntN(len(special))]
			}
		}
		r := make([]backprop.Real, n)
		for k, v := range a {
			r[k] = backprop.Real(v)
		}
		for _, loss := range backprop.Losses() {
			got, want := sampleError(loss, a, y), float64(backprop.SampleError(loss, r, y))
			if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Fatalf("%v(a %v, y %v): %v, SampleError gives %v", loss, a, y, got, want)
			}
		}
	}
}
