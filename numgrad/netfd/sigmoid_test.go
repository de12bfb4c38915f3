package netfd

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
)

// TestShiftedSigmoid compares shiftedSigmoid with σ(z + ε) computed in
// 128-bit arithmetic (math/big), where it uses its polynomial. Its only error beyond a few roundings is
// that of t = math.Exp(−|z|), whose relative error ρ_t is measured here too
// (Go's assembly exp on amd64 is a few ulps off for large arguments). In
// u = 2⁻⁵³: e = t·p(x) carries ρ_t, the polynomial's final 1 + x·q (u, and
// |x|·u from q) and the product (u), so ρ_e ≤ ρ_t + 2.1u; then 1/(1 + e)
// has ρ ≤ ρ_e·e/(1+e) + 2u and e/(1 + e) has ρ ≤ ρ_e·(1 + e/(1+e)) + 2u ≤
// 2ρ_t + 6.2u. The test allows 2ρ_t + 7u per point, and logs the largest
// errors of shiftedSigmoid and of Sigmoid.Apply(fl(z + ε)), the plain
// evaluation, for comparison: the rounding of the sum z + ε alone costs the
// plain one up to |z + ε|·u/2 absolute in the exponent, 8u at |z| = 16.
func TestShiftedSigmoid(t *testing.T) {
	t.Parallel()
	const u = 0x1p-53
	rng := rand.New(rand.NewPCG(1, 1))
	const n = 2048
	z, c := make([]float64, n), make([]float64, n)
	for i := range z {
		z[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(6)-4))
		c[i] = rng.NormFloat64()
	}
	ts := make([]float64, n)
	for i, v := range z {
		ts[i] = math.Exp(-math.Abs(v))
	}
	var worstFast, worstPlain float64
	checked := 0
	for _, d := range []float64{1e-6, -3e-6, 0x1p-18} {
		got := make([]float64, n)
		shiftedSigmoid(got, z, ts, c, d)
		for i := range z {
			eps := c[i] * d
			if math.Abs(eps) > 0x1p-16 || z[i]*(z[i]+eps) <= 0 {
				continue // Apply's domain, TestShiftedSigmoidElsewhere
			}
			checked++
			want := bigSigmoid(z[i], eps)
			rhoT := relErr(ts[i], bigExp(new(big.Float).SetFloat64(-math.Abs(z[i]))))
			rho := relErr(got[i], want)
			if rho > 2*rhoT+7*u {
				t.Fatalf("σ(%v + %v): got %v, want %v: error %.1fu > 2·%.1fu + 7u", z[i], eps, got[i], want, rho/u, rhoT/u)
			}
			worstFast = max(worstFast, rho)
			worstPlain = max(worstPlain, relErr(backprop.Sigmoid.Apply(z[i]+eps), want))
		}
	}
	if checked < n {
		t.Fatalf("only %d points in the polynomial's domain", checked)
	}
	t.Logf("%d points; largest error: shiftedSigmoid %.2fu, Sigmoid.Apply(fl(z + ε)) %.2fu", checked, worstFast/u, worstPlain/u)
}

const bigPrec = 128

// bigSigmoid returns σ(z + ε) for the exact sum, in 128-bit arithmetic.
func bigSigmoid(z, eps float64) *big.Float {
	s := new(big.Float).SetPrec(bigPrec).SetFloat64(z)
	s.Add(s, new(big.Float).SetFloat64(eps))
	neg := s.Sign() < 0
	e := bigExp(s.Neg(s.Abs(s))) // e^{−|z+ε|}
	den := new(big.Float).SetPrec(bigPrec).SetInt64(1)
	den.Add(den, e)
	num := new(big.Float).SetPrec(bigPrec).SetInt64(1)
	if neg {
		num.Set(e)
	}
	return num.Quo(num, den)
}

// bigExp returns e^x for x ≤ 0 in 128-bit arithmetic: (e^{x/2¹⁰})^{2¹⁰}
// with the Taylor series of e^{x/2¹⁰}, |x/2¹⁰| < 0.75 here, to 40 terms.
func bigExp(x *big.Float) *big.Float {
	y := new(big.Float).SetPrec(bigPrec).SetMantExp(x, -10)
	sum := new(big.Float).SetPrec(bigPrec).SetInt64(1)
	term := new(big.Float).SetPrec(bigPrec).SetInt64(1)
	for k := int64(1); k <= 40; k++ {
		term.Mul(term, y)
		term.Quo(term, new(big.Float).SetInt64(k))
		sum.Add(sum, term)
	}
	for range 10 {
		sum.Mul(sum, sum)
	}
	return sum
}

// relErr returns |got − want|/|want|.
func relErr(got float64, want *big.Float) float64 {
	d := new(big.Float).SetPrec(bigPrec).SetFloat64(got)
	d.Sub(d, want)
	r, _ := d.Quo(d, want).Float64()
	return math.Abs(r)
}

// TestShiftedSigmoidElsewhere checks that outside its small, sign-keeping
// changes shiftedSigmoid is Sigmoid.Apply(z + ε), bit for bit.
func TestShiftedSigmoidElsewhere(t *testing.T) {
	t.Parallel()
	inf, nan := math.Inf(1), math.NaN()
	for _, tc := range []struct {
		name    string
		z, c, d float64
	}{
		{"zero z", 0, 1, 1e-7},
		{"negative zero z", math.Copysign(0, -1), 1, 1e-7},
		{"sum zero", 1e-7, -1, 1e-7},
		{"sign change up", -1e-7, 1, 2e-7},
		{"sign change down", 1e-7, -1, 2e-7},
		{"large change", 0.5, 1, 1e-3},
		{"large negative change", -0.5, 1, -1e-3},
		{"NaN z", nan, 1, 1e-7},
		{"NaN change", 0.5, nan, 1e-7},
		{"infinite change", 0.5, inf, 1e-7},
		{"+Inf z, small change", inf, 1, 1e-7},
		{"−Inf z, small change", -inf, 1, 1e-7},
	} {
		got := []float64{0}
		shiftedSigmoid(got, []float64{tc.z}, []float64{math.Exp(-math.Abs(tc.z))}, []float64{tc.c}, tc.d)
		want := backprop.Sigmoid.Apply(tc.z + tc.c*tc.d)
		if math.Float64bits(got[0]) != math.Float64bits(want) && !(math.IsNaN(got[0]) && math.IsNaN(want)) {
			t.Errorf("%s: got %v, want Apply's %v", tc.name, got[0], want)
		}
	}
}
