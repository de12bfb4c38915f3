package backprop

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDerivMatchesDual checks each hand-written derivative against the
// exact derivative that dual numbers carry through Activate. Both are
// computed in float64 from the same value, so they differ only by the
// rounding of a few operations: 8 ulps relative is generous and still fails
// on any wrong formula.
func TestDerivMatchesDual(t *testing.T) {
	t.Parallel()
	zs := []float64{-40, -5, -1, -1e-3, -1e-300, 1e-300, 1e-3, 0.5, 1, 3, 40, 700}
	for _, a := range Activations() {
		for _, z := range zs {
			fz := float64(Activate(a, Real(z)))
			want := Activate(a, Dual{V: z, D: 1})
			got := a.Deriv(z, fz)
			if want.V != fz {
				t.Errorf("%v(%g): dual value %g, float64 value %g", a, z, want.V, fz)
			}
			if !(math.Abs(got-want.D) <= 8*eps*math.Abs(want.D)) { // a NaN fails
				t.Errorf("%v′(%g) = %g, dual numbers give %g", a, z, got, want.D)
			}
		}
	}
}

// TestActivateComplexStep checks that the complex step through Activate
// gives the derivative: Im f(z+ih)/h has no subtraction, so with h = 1e-30
// it is exact up to the rounding of the complex library functions (a few
// ulps each); 16 ulps relative covers them. The arguments go into
// saturation, past |z| = 355 where cmplx.Tanh's cosh overflows and it
// returned NaN (Complex.Tanh).
func TestActivateComplexStep(t *testing.T) {
	t.Parallel()
	const h = 1e-30
	for _, a := range Activations() {
		for _, z := range []float64{-1e4, -400, -356, -21, -3, -0.25, 0.25, 2, 21, 30, 356, 400, 1e4} {
			got := imag(complex128(Activate(a, Complex(complex(z, h))))) / h
			want := a.Deriv(z, float64(Activate(a, Real(z))))
			// Written as !(… <= …), so that a NaN fails.
			if !(math.Abs(got-want) <= 16*eps*math.Abs(want)) {
				t.Errorf("%v: complex step %g, Deriv %g at %g", a, got, want, z)
			}
			if re, f := real(complex128(Activate(a, Complex(complex(z, h))))), float64(Activate(a, Real(z))); !(math.Abs(re-f) <= 16*eps*math.Abs(f)) {
				t.Errorf("%v: complex real part %g, float64 %g at %g", a, re, f, z)
			}
		}
	}
}

// TestApplyIsActivate holds the float64 kernel to the generic definition,
// bit for bit, over special values and a million random points.
func TestApplyIsActivate(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	zs := []float64{0, math.Copysign(0, -1), 5e-324, -5e-324, 1e-300, -1e-300, 1, -1, 36, -36, 700, -700, 745, -745, 1e308, -1e308,
		math.MaxFloat64, -math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN()}
	for range 1 << 20 {
		zs = append(zs, rng.NormFloat64()*math.Pow(10, float64(rng.IntN(8)-4)))
	}
	for _, a := range Activations() {
		for _, z := range zs {
			want := float64(Activate(a, Real(z)))
			if got := a.Apply(z); math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("%v(%v): Apply %v, Activate %v", a, z, got, want)
			}
		}
	}
}

func TestActivateNoOverflow(t *testing.T) {
	t.Parallel()
	for _, z := range []float64{-1000, 1000, -math.MaxFloat64, math.MaxFloat64} {
		for _, a := range []Activation{Sigmoid, Softplus, Tanh} {
			if v := float64(Activate(a, Real(z))); math.IsNaN(v) {
				t.Errorf("%v(%g) = NaN", a, z)
			}
		}
	}
}

func TestParseActivation(t *testing.T) {
	t.Parallel()
	for _, a := range Activations() {
		got, err := ParseActivation(a.String())
		if err != nil || got != a {
			t.Errorf("ParseActivation(%q) = %v, %v", a.String(), got, err)
		}
	}
	if _, err := ParseActivation("swish"); err == nil {
		t.Error("ParseActivation(swish): no error")
	}
}

// eps is the float64 unit roundoff, 2⁻⁵³.
const eps = 0x1p-53
