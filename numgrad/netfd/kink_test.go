package netfd

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
)

// TestKinkKernels holds the fused kernels of the kinked layers to
// Activation.Apply's bits (signed zeros, NaN, infinities and subnormals
// included), the fast ones to the comparing ones, and the crossing reports
// to the piece signature's convention, z > 0 against z ≤ 0 with NaN ≤ 0,
// element by element.
func TestKinkKernels(t *testing.T) {
	t.Parallel()
	nan, inf := math.NaN(), math.Inf(1)
	special := []float64{0, math.Copysign(0, -1), 1e-300, -1e-300, 5e-324, -5e-324, 1, -1, inf, -inf, nan, 1e-9, -1e-9}
	rng := rand.New(rand.NewPCG(4, 4))
	for _, a := range []backprop.Activation{backprop.ReLU, backprop.LeakyReLU} {
		k := kinkKernels(a)
		for _, z0 := range special {
			for _, v := range append(special, rng.NormFloat64()) {
				// The rank-one kernels with c = 1, d = v: their sum
				// z0 + 1·v, as computed.
				sum := z0 + 1*v
				dst, fast := []float64{0}, []float64{0}
				crossed := k.rankOne(dst, []float64{z0}, []float64{1}, v)
				k.rankOneFast(fast, []float64{z0}, []float64{1}, v)
				checkKink(t, a, "rankOne", z0, sum, dst[0], fast[0], crossed)
				dst, fast = []float64{v}, []float64{v}
				crossed = k.apply(dst, []float64{z0})
				k.applyFast(fast)
				checkKink(t, a, "apply", z0, v, dst[0], fast[0], crossed)
			}
		}
	}
	if kinkKernels(backprop.Tanh) != nil {
		t.Error("tanh has kernels")
	}
}

func checkKink(t *testing.T, a backprop.Activation, kernel string, z0, v, got, fast float64, crossed bool) {
	t.Helper()
	want := a.Apply(v)
	same := func(x, y float64) bool {
		return math.Float64bits(x) == math.Float64bits(y) || math.IsNaN(x) && math.IsNaN(y)
	}
	if !same(got, want) || !same(fast, want) {
		t.Errorf("%v %s(z0 %v, z %v): %v (fast %v), Apply gives %v", a, kernel, z0, v, got, fast, want)
	}
	if w := (v > 0) != (z0 > 0); crossed != w {
		t.Errorf("%v %s(z0 %v, z %v): crossed %v, want %v", a, kernel, z0, v, crossed, w)
	}
}

// TestSafeRadius checks safeRadius's promise: no step d with |d| < r moves
// an element of z0 + c·d across 0, tried at the edge (the largest float
// below r, both signs) on random rows whose least |z0_k|/|c_k| is one
// element's, on rows scaled over the float range and with chosen elements
// (zeros, NaN, a zero c, tiny z0, infinities). It also checks that the
// radius is the least quotient within a few ulps, so that rows are not
// compared needlessly.
func TestSafeRadius(t *testing.T) {
	t.Parallel()
	const u = 0x1p-53
	rng := rand.New(rand.NewPCG(6, 6))
	k := kinkKernels(backprop.ReLU)
	dst := make([]float64, 64)
	try := func(name string, z0, c []float64) float64 {
		r := safeRadius(z0, c)
		if r < 0 || math.IsNaN(r) {
			t.Fatalf("%s: radius %v", name, r)
		}
		if r == 0 {
			return r
		}
		edge := math.Nextafter(r, 0)
		for _, d := range []float64{edge, -edge, edge / 2, -edge * 0.999} {
			if k.rankOne(dst[:len(z0)], z0, c, d) {
				t.Fatalf("%s: radius %v, but d = %v crosses", name, r, d)
			}
		}
		return r
	}
	for trial := range 20000 {
		n := 1 + rng.IntN(64)
		z0, c := make([]float64, n), make([]float64, n)
		scale := math.Pow(2, float64(rng.IntN(1800)-900))
		for i := range z0 {
			z0[i] = rng.NormFloat64() * scale
			c[i] = rng.NormFloat64() * math.Pow(2, float64(rng.IntN(40)-20))
		}
		// Make one quotient the least, by a hair, a ratio that rounds.
		m := rng.IntN(n)
		q := math.Inf(1)
		for i := range z0 {
			q = min(q, math.Abs(z0[i])/math.Abs(c[i]))
		}
		z0[m] = math.Copysign(q*math.Abs(c[m])*(1-2*u*float64(rng.IntN(4))), z0[m])
		r := try("random", z0, c)
		least := math.Inf(1)
		for i := range z0 {
			least = min(least, math.Abs(z0[i])/math.Abs(c[i]))
		}
		if math.Abs(z0[m]) >= 0x1p-1000 && least <= math.MaxFloat64/2 && (r < least*(1-8*u) || r > least) {
			t.Fatalf("trial %d: radius %v, least quotient %v", trial, r, least)
		}
	}
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name  string
		z0, c []float64
		zero  bool // the radius must be 0
	}{
		{"zero z0", []float64{1, 0}, []float64{1, 1}, true},
		{"negative zero z0", []float64{1, math.Copysign(0, -1)}, []float64{1, 1}, true},
		{"NaN z0", []float64{1, nan}, []float64{1, 1}, true},
		{"NaN c", []float64{1, 2}, []float64{1, nan}, true},
		{"tiny z0", []float64{1, 1e-305}, []float64{1, 1e-300}, true},
		{"subnormal z0", []float64{5e-324}, []float64{1}, true},
		{"zero c", []float64{1, -2}, []float64{0, 1}, false},
		{"all c zero", []float64{1, -2}, []float64{0, 0}, false},
		{"infinite z0", []float64{inf, -1}, []float64{1, 1}, false},
		{"infinite c", []float64{1, -1}, []float64{inf, 1}, true},
		{"huge quotient", []float64{1e300, -1e300}, []float64{1e-300, 1e-300}, false},
	} {
		r := try(tc.name, tc.z0, tc.c)
		if tc.zero != (r == 0) {
			t.Errorf("%s: radius %v", tc.name, r)
		}
		for _, d := range []float64{nan, inf, -inf} {
			if math.Abs(d) < r {
				t.Errorf("%s: d = %v passes the radius %v", tc.name, d, r)
			}
		}
	}
}

// BenchmarkKinkKernels measures what the crossing test costs where it
// costs most, in the rank-one layer (one multiply-add an element): the fused
// kernel against the same kernel without the comparison and against the
// loop the package had before (the update, then ApplyTo), on a row of 256
// pre-activations of random sign (the [256 256 256 10] network's layer 1).
func BenchmarkKinkKernels(b *testing.B) {
	const n = 256
	rng := rand.New(rand.NewPCG(5, 5))
	z, c, dst := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range z {
		z[i], c[i] = rng.NormFloat64(), rng.NormFloat64()
	}
	d := 1e-6
	b.Run("rank-one/fused+cross", func(b *testing.B) {
		for b.Loop() {
			rankOneReLU(dst, z, c, d)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/elem")
	})
	b.Run("rank-one/fused+radius", func(b *testing.B) {
		r := safeRadius(z, c)
		for b.Loop() {
			if !(math.Abs(d) < r) {
				rankOneReLU(dst, z, c, d)
			} else {
				rankOneReLUFast(dst, z, c, d)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/elem")
	})
	b.Run("rank-one/fused", func(b *testing.B) {
		for b.Loop() {
			rankOneReLUFast(dst, z, c, d)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/elem")
	})
	b.Run("rank-one/loop+ApplyTo", func(b *testing.B) {
		for b.Loop() {
			for k, zk := range z {
				dst[k] = zk + c[k]*d
			}
			backprop.ReLU.ApplyTo(dst, dst)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/elem")
	})
}
