package netfd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
)

// The vector kernels (kernels_amd64.s) are held to their Go loops bit for
// bit here. Where there is no vector kernel (another CPU, another
// architecture, the noasm tag) both sides run the Go loops and the tests
// check nothing new; they say so.

// shiftedCase returns element inputs (z, t, c) for shiftedSigmoid with the
// step d: mostly the stencil's ordinary case (a small change that keeps
// z's sign), and, with probability 1/4 each, one of the cases at or beyond
// the edges of the polynomial's domain, so that they fall at every lane of
// a block of four:
//
//   - |ε| = 2⁻¹⁶ (the bound, inside) and just above it, and large changes;
//   - sign changes, and sums z + ε that round to exactly 0 (with ε = fl(c·d)
//     inexact, so that a fused z + c·d would not be 0);
//   - z·(z + ε) that underflows to 0 (outside) or to a subnormal (inside);
//   - zeros, infinities and NaN in z, c and t;
//   - sensitive changes, for which fusing the polynomial's outer or middle
//     multiply-add, or all three, changes the lane's result (see
//     sensitiveXs, sensitiveLane); sensitive[v] counts them by variant of
//     poly.
//
// t is e^{−|z|} times a random factor near 1, or arbitrary (the kernel
// only multiplies by it), so that a lane computed on the wrong branch
// shows.
func shiftedCase(rng *rand.Rand, d float64, pool []sensitiveX, sensitive *[5]int) (z, t, c float64) {
	nan, inf := math.NaN(), math.Inf(1)
	z = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(5)-3))
	c = rng.NormFloat64()
	if rng.IntN(4) == 0 {
		bound := 0x1p-16 / d
		switch rng.IntN(13) {
		case 0:
			c = bound
		case 1:
			c = -math.Nextafter(bound, math.Inf(1))
		case 2:
			c = 1e3 * (rng.Float64() - 0.5) / d
		case 3: // a sign change
			z = -float64(c*d) * (1.5 + rng.Float64())
		case 4: // z + fl(c·d) = 0
			z = -float64(c * d)
		case 5: // z·v underflows to 0
			z, c = 1e-170, 1e-170/d
		case 6: // z·v subnormal
			z, c = -1e-160, -1e-160/d
		case 7:
			z = []float64{0, math.Copysign(0, -1), nan, inf, -inf, 5e-324, -5e-324}[rng.IntN(7)]
		case 8:
			c = []float64{0, math.Copysign(0, -1), nan, inf, -inf, 5e-324}[rng.IntN(6)]
		case 9:
			t = []float64{0, nan, inf, 5e-324, 1e300, -1}[rng.IntN(6)]
			return z, t, c
		default:
			if d != 0 {
				sx := pool[rng.IntN(len(pool))]
				if z, t, c, ok := sensitiveLane(rng, sx, d); ok {
					sensitive[sx.v]++
					return z, t, c
				}
			}
		}
	}
	t = math.Exp(-math.Abs(z))
	if rng.IntN(2) == 0 {
		t *= 1 + 0x1p-20*rng.NormFloat64()
	}
	return z, t, c
}

// inDomain reports whether shiftedSigmoidGo takes the polynomial for (z, c,
// d): z·(z + ε) > 0 and |ε| ≤ 2⁻¹⁶, ε = c·d.
func inDomain(z, c, d float64) bool {
	eps := float64(c * d)
	return float64(z*(z+eps)) > 0 && math.Abs(eps) <= 0x1p-16
}

// poly returns 1 + x·(1 + x·(1/2 + x·(1/6))) as shiftedSigmoidGo rounds it
// (variant 0), or as a faulty kernel might: with the multiply-add of step v
// fused (math.FMA) for v = 1 (the innermost), 2 or 3 (the outermost), or
// with all three fused for v = 4.
func poly(x float64, v int) float64 {
	ma := func(k int, a, b, c float64) float64 {
		if v == k || v == 4 {
			return math.FMA(a, b, c)
		}
		return c + float64(a*b)
	}
	return ma(3, x, ma(2, x, ma(1, x, 1.0/6, 1.0/2), 1), 1)
}

// A sensitiveX is a change x, |x| ≤ 2⁻¹⁶, whose polynomial poly(x, v)
// differs from poly(x, 0).
type sensitiveX struct {
	x float64
	v int
}

// sensitiveXs returns sensitive changes for the variants 2, 3 and 4 of
// poly: random changes would take some 10⁵ tries each (10¹⁰ for variant 2).
// It solves x·q(x) = m, q the coefficient that the step multiplies x by,
// for m a midpoint of the grid of floats around 1: the rounded product then
// falls on m, a tie that the unfused sum rounds to even while the fused one
// rounds to the exact product's side, about half the time. For the
// outermost step (variants 3 and 4) that is the polynomial's value; a
// change of the middle step's sum (variant 2) shows in the value only when
// the outer step's product lies within that change of a midpoint too, one
// candidate in some 10⁵, which the search tries. The candidate and its
// neighbours are tried with poly.
//
// The innermost step's and the constant 1/6's roundings are not tested
// this way: a one-ulp change of 1/2 + x/6 moves the products after it by
// about 2⁻⁶⁹, and both would have to fall within that of a midpoint to
// change the value. A kernel that fused that step, or rounded 1/6 the
// other way, would give other bits about once in 10¹⁰ lanes; the kernel's
// constant is written as the bits of Go's float64(1.0/6).
func sensitiveXs(rng *rand.Rand) []sensitiveX {
	var out []sensitiveX
	for _, vc := range []struct{ v, step, n int }{{2, 2, 4}, {3, 3, 16}, {4, 3, 16}} {
		for found, tries := 0, 0; found < vc.n; tries++ {
			if tries == 1<<22 {
				panic(fmt.Sprintf("sensitiveXs: variant %d: %d found in %d tries", vc.v, found, tries))
			}
			sign := float64(1 - 2*rng.IntN(2))
			// The spacing of the floats the sum 1 + … falls among:
			// ulp(1) above 1, half of it below.
			ulp := 0x1p-52
			if sign < 0 {
				ulp /= 2
			}
			target := 0x1p-16 * (0.25 + 0.75*rng.Float64()) // |x| in [2⁻¹⁸, 2⁻¹⁶]
			m := sign * (math.Floor(target/ulp) + 0.5) * ulp
			coef := func(x float64) float64 {
				if vc.step == 2 {
					return 1.0/2 + float64(x*(1.0/6))
				}
				return 1 + float64(x*(1.0/2+float64(x*(1.0/6))))
			}
			x := m / coef(m)
			for range 3 {
				x = m / coef(x)
			}
			for _, cand := range []float64{x, math.Nextafter(x, 1), math.Nextafter(x, -1)} {
				if math.Abs(cand) <= 0x1p-16 && poly(cand, vc.v) != poly(cand, 0) {
					out = append(out, sensitiveX{cand, vc.v})
					found++
					break
				}
			}
		}
	}
	return out
}

// lane returns shiftedSigmoidGo's value in the polynomial's domain with
// the variant v of its polynomial.
func lane(z, t, c, d float64, v int) float64 {
	eps := float64(c * d)
	x := float64(eps * math.Copysign(1, -z))
	e := t * poly(x, v)
	return numerator(z, e) / (1 + e)
}

// sensitiveLane returns inputs (z, t, c) in the polynomial's domain whose
// change is s.x, fl(c·d)·copysign(1, −z) = s.x, and whose lane value
// differs with the variant s.v: a polynomial one ulp off need not change
// σ, so z (either sign) and t are drawn until it does. ok is false when
// 30 draws found none.
func sensitiveLane(rng *rand.Rand, s sensitiveX, d float64) (z, t, c float64, ok bool) {
	for range 30 {
		z = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(3)-1))
		eps := s.x * math.Copysign(1, -z)
		c = eps / d
		if float64(c*d) != eps || !inDomain(z, c, d) {
			continue
		}
		t = math.Exp(-math.Abs(z)) * (1 + 0x1p-20*rng.NormFloat64())
		if lane(z, t, c, d, s.v) != lane(z, t, c, d, 0) {
			return z, t, c, true
		}
	}
	return 0, 0, 0, false
}

// TestShiftedSigmoidKernel holds shiftedSigmoid (the vector kernel with
// the Go loop around it) to shiftedSigmoidGo bit for bit, NaN payloads
// included, on random lengths and offsets from 0 to 3 and the inputs of
// shiftedCase, whose edge cases fall at every lane of a block; and the
// kernel's own stopping point to the loop's domain: it must do every block
// before the first one with a lane outside the polynomial's domain and stop
// there, so that it neither leaves the stencil's work to the loop nor
// computes a lane the loop sends to Sigmoid.Apply. It counts the lanes the
// kernel did and the edge lanes at each position of a block.
//
// Mutants of the kernel it was seen to fail on: any one of the
// polynomial's outer or middle multiply-adds fused, or all three; z + c·d
// fused; |ε| < 2⁻¹⁶ for ≤, and a bound of 2⁻¹⁵; z·v ≥ 0 for > 0; the sign
// test dropped; x's sign flipped; the quotient as a product with the
// reciprocal; t read one element off; a kernel that does nothing. It passes
// the innermost multiply-add fused and the constant 1/6 one ulp off, which
// change a lane about once in 10¹⁰ (see sensitiveXs), and z ≥ 0 for z > 0
// in the numerator, which no lane of the domain (z ≠ 0) can tell.
func TestShiftedSigmoidKernel(t *testing.T) {
	t.Parallel()
	if !useVector {
		t.Log("no vector kernel on this CPU or build: the Go loop is compared with itself")
	}
	rng := rand.New(rand.NewPCG(13, 13))
	steps := []float64{1e-6, -3e-6, 0x1p-20, -0x1p-18, 3e-4, 0, math.Copysign(0, -1)}
	pool := sensitiveXs(rng)
	var sensitive [5]int
	var vectorLanes int
	var edges [4]int // outside the domain, by lane
	for trial := range 3000 {
		n := rng.IntN(200)
		if trial%100 == 0 {
			n = 4096
		}
		off := rng.IntN(4)
		k := rng.IntN(len(steps))
		d := steps[k]
		z, ts, c := make([]float64, n+off), make([]float64, n+off), make([]float64, n+off)
		for i := range z {
			z[i], ts[i], c[i] = shiftedCase(rng, d, pool, &sensitive)
		}
		z, ts, c = z[off:], ts[off:], c[off:]
		got, want := make([]float64, n), make([]float64, n)
		shiftedSigmoid(got, z, ts, c, d)
		shiftedSigmoidGo(want, z, ts, c, d)
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("σ(z + c·d), z = %v, c = %v, d = %v, t = %v (index %d of %d, offset %d): %v (%#x), Go loop %v (%#x)",
					z[i], c[i], d, ts[i], i, n, off, got[i], math.Float64bits(got[i]), want[i], math.Float64bits(want[i]))
			}
		}
		in := make([]bool, n)
		for i := range n {
			in[i] = inDomain(z[i], c[i], d)
			if !in[i] {
				edges[i%4]++
			}
		}
		if useVector {
			// The kernel alone, from each block on, must stop at the
			// first block with a lane outside the domain.
			for b := 0; b < n&^3; b += 4 {
				stop := b
				for stop < n&^3 && in[stop] && in[stop+1] && in[stop+2] && in[stop+3] {
					stop += 4
				}
				if did := shiftedSigmoidVector(got[b:], z[b:], ts[b:], c[b:], d); b+did != stop {
					t.Fatalf("d = %v, length %d, from %d: the kernel did %d elements, want %d", d, n, b, did, stop-b)
				}
				if stop > b {
					vectorLanes += 4 // block b, which shiftedSigmoid gave the kernel
				}
			}
		}
	}
	t.Logf("sensitive lanes by variant 2, 3, 4: %v; %d lanes in the kernel; lanes outside the domain by position: %v", sensitive[2:], vectorLanes, edges)
	if useVector && vectorLanes < 100000 {
		t.Errorf("only %d lanes in the kernel", vectorLanes)
	}
	for v, n := range sensitive[2:] {
		if n < 100 {
			t.Errorf("only %d sensitive lanes for variant %d", n, v+2)
		}
	}
	for q, e := range edges {
		if e < 100 {
			t.Errorf("only %d lanes outside the domain at position %d", e, q)
		}
	}
}

// sigmoidInputs returns n arguments for sigmoidTo: normal values over
// twelve decades, with the values where the exponential kernel changes
// branch (the bound −708 of its range and the bounds of e^x's subnormal
// range, zeros, subnormals, infinities, NaN) at random places, so that they
// fall at every lane of a block of four (backprop's kernelInputs).
func sigmoidInputs(rng *rand.Rand, n int) []float64 {
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
			z[i] = (rng.Float64()*2 - 1) * 760
		default:
			z[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(12)-6))
		}
	}
	return z
}

// TestSigmoidKernel holds sigmoidTo, the vector exponential with ApplyTo
// around it, to Sigmoid.ApplyTo bit for bit (NaN payloads included), in
// place and not, at every length and offset from 0 to 3, and the kernel's
// stopping point to its range: every block before the first one with an
// argument −|z| below −708 or NaN.
//
// Mutants it was seen to fail on: ln 2's low part dropped, the range's
// bound at −709, two of the series' constants swapped, a kernel that does
// nothing. It passes z > 0 for z ≥ 0 in the numerator, which gives 1/2 at
// z = ±0 either way.
func TestSigmoidKernel(t *testing.T) {
	t.Parallel()
	if !useExpVector {
		t.Log("no vector kernel on this CPU or build: ApplyTo is compared with itself")
	}
	rng := rand.New(rand.NewPCG(14, 14))
	vectorLanes := 0
	for trial := range 1000 {
		n := rng.IntN(300)
		if trial%50 == 0 {
			n = 1 << 14
		}
		off := rng.IntN(4)
		z := sigmoidInputs(rng, n+off)[off:]
		want := make([]float64, n)
		backprop.Sigmoid.ApplyTo(want, z)
		got := make([]float64, n)
		sigmoidTo(got, z)
		inPlace := append([]float64(nil), z...)
		sigmoidTo(inPlace, inPlace)
		for i := range want {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) || math.Float64bits(inPlace[i]) != math.Float64bits(want[i]) {
				t.Fatalf("σ(%v) (index %d of %d): %v, in place %v; ApplyTo %v", z[i], i, n, got[i], inPlace[i], want[i])
			}
		}
		if useExpVector {
			// The kernel alone, from each block on, must stop at the
			// first block with an argument out of its range.
			for b := 0; b < n&^3; b += 4 {
				stop := b
				for stop < n&^3 && inRange(z[stop:stop+4]) {
					stop += 4
				}
				if did := sigmoidVector(got[b:], z[b:]); b+did != stop {
					t.Fatalf("length %d, from %d: the kernel did %d elements, want %d", n, b, did, stop-b)
				}
				if stop > b {
					vectorLanes += 4
				}
			}
		}
	}
	t.Logf("%d lanes in the kernel", vectorLanes)
	if useExpVector && vectorLanes < 100000 {
		t.Errorf("only %d lanes in the kernel", vectorLanes)
	}
}

// inRange reports whether every −|z| lies in the exponential kernel's
// range [−708, 0].
func inRange(z []float64) bool {
	for _, v := range z {
		if !(-math.Abs(v) >= -708) {
			return false
		}
	}
	return true
}

// BenchmarkShiftedSigmoid times shiftedSigmoid against its Go loop on a
// row of the peer's [64 64 64 1] network (64 units, a change of the
// stencil's order), in ns an element.
func BenchmarkShiftedSigmoid(b *testing.B) {
	for _, n := range []int{64, 128} {
		rng := rand.New(rand.NewPCG(15, 15))
		z, ts, c, dst := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range z {
			z[i], c[i] = rng.NormFloat64(), rng.NormFloat64()*0.3
			ts[i] = math.Exp(-math.Abs(z[i]))
		}
		d := 1e-6
		for _, k := range []struct {
			name string
			f    func(dst, z, t, c []float64, d float64)
		}{{"kernel", shiftedSigmoid}, {"go", shiftedSigmoidGo}} {
			b.Run(fmt.Sprintf("%s/n=%d", k.name, n), func(b *testing.B) {
				for b.Loop() {
					k.f(dst, z, ts, c, d)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
			})
		}
	}
}
