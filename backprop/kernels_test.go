package backprop

import (
	"math"
	"math/rand/v2"
	"testing"
)

// kernelInputs returns n arguments for the activation kernels: normal
// values over twelve decades, with the values where the kernels change
// branch (the bounds −708 and ±745 of the vector exponential's range and of
// e^x's subnormal range, zeros, subnormals, infinities, NaN) scattered at
// random places, so that they fall at every lane of a block of four.
func kernelInputs(rng *rand.Rand, n int) []float64 {
	special := []float64{0, math.Copysign(0, -1), 5e-324, -5e-324, 1e-300, -1e-300,
		708, -708, math.Nextafter(708, 709), math.Nextafter(-708, -709), 708.5, -708.5,
		709.78, -709.78, 744, -744, 745.1, -745.1, 746, -746, 1e308, -1e308,
		math.MaxFloat64, -math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN()}
	z := make([]float64, n)
	for i := range z {
		switch rng.IntN(20) {
		case 0:
			z[i] = special[rng.IntN(len(special))]
		case 1:
			z[i] = (rng.Float64()*2 - 1) * 760 // around the subnormal range
		default:
			z[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(12)-6))
		}
	}
	return z
}

func sameBits(x, y float64) bool {
	return math.Float64bits(x) == math.Float64bits(y) || math.IsNaN(x) && math.IsNaN(y)
}

// TestKernelsMatchGo holds the vector kernels (kernels_amd64.s, where the CPU
// has AVX2 and FMA) to the Go loops bit for bit, at every length and offset
// from 0 to 3 so that blocks and tails take every alignment. Where there is
// no vector kernel both sides run the Go loops and the test checks nothing
// new; it says so.
func TestKernelsMatchGo(t *testing.T) {
	t.Parallel()
	if !useVector {
		t.Log("no vector kernels on this CPU or build: the Go loops are compared with themselves")
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for trial := range 400 {
		n := rng.IntN(300)
		if trial%50 == 0 {
			n = 1 << 14
		}
		off := rng.IntN(4)
		z := kernelInputs(rng, n+off)[off:]

		a, e := make([]float64, n), make([]float64, n)
		sigmoidExp(a, e, z)
		wa, we := make([]float64, n), make([]float64, n)
		sigmoidExpGo(wa, we, z)
		for i := range z {
			if !sameBits(a[i], wa[i]) || !sameBits(e[i], we[i]) {
				t.Fatalf("z = %v (index %d of %d): σ %v, e %v; Go loop: %v, %v", z[i], i, n, a[i], e[i], wa[i], we[i])
			}
			if want := Sigmoid.Apply(z[i]); !sameBits(a[i], want) {
				t.Fatalf("σ(%v): kernel %v, Apply %v", z[i], a[i], want)
			}
		}

		d := make([]float64, n)
		for i := range d {
			d[i] = rng.NormFloat64()
		}
		wd := append([]float64(nil), d...)
		sigmoidDeriv(d, z, a, e)
		for i, v := range z { // sigmoidDeriv's Go loop
			wd[i] *= a[i] * (sigmoidNum(-v, e[i]) / (1 + e[i]))
		}
		for i := range d {
			if !sameBits(d[i], wd[i]) {
				t.Fatalf("d·σ′(%v) (index %d of %d): kernel %v, Go loop %v", z[i], i, n, d[i], wd[i])
			}
		}

		sum := kernelInputs(rng, n)
		wsum := append([]float64(nil), sum...)
		addTo(sum, z)
		for i, v := range z {
			wsum[i] += v
		}
		for i := range sum {
			if !sameBits(sum[i], wsum[i]) {
				t.Fatalf("s + %v (index %d of %d): kernel %v, Go loop %v", z[i], i, n, sum[i], wsum[i])
			}
		}

		diff := make([]float64, n)
		y := kernelInputs(rng, n)
		s := rng.NormFloat64()
		scaledDiff(diff, z, y, s)
		for i := range diff {
			if want := s * (z[i] - y[i]); !sameBits(diff[i], want) {
				t.Fatalf("%v·(%v − %v) (index %d of %d): kernel %v, Go %v", s, z[i], y[i], i, n, diff[i], want)
			}
		}

		eta := rng.Float64() * math.Pow(10, float64(rng.IntN(6)-3))
		theta := kernelInputs(rng, n)
		wt := append([]float64(nil), theta...)
		Update(theta, eta, z)
		for i, g := range z {
			wt[i] -= float64(eta * g)
		}
		for i := range theta {
			if !sameBits(theta[i], wt[i]) {
				t.Fatalf("θ − η·g, η = %v, g = %v (index %d of %d): kernel %v, Go loop %v", eta, z[i], i, n, theta[i], wt[i])
			}
		}
	}
}

// TestSampleErrorFloat64 holds the float64 squared error of the forward pass
// to the generic definition bit for bit.
func TestSampleErrorFloat64(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		n := 1 + rng.IntN(40)
		a, y := kernelInputs(rng, n), kernelInputs(rng, n)
		for _, l := range []Loss{SquaredError, SoftmaxCrossEntropy} {
			if got, want := sampleError(l, a, y), float64(SampleError(l, asReal(a), y)); !sameBits(got, want) {
				t.Fatalf("%v(%v, %v): float64 %v, generic %v", l, a, y, got, want)
			}
		}
	}
}
