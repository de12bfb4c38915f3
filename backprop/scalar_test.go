package backprop

import (
	"math"
	"testing"
)

// TestSqrtExtensions holds Sqrt over the three element types to √x and its
// derivative 1/(2√x): the value bit for bit (each is math.Sqrt, or
// cmplx.Sqrt's real part, correctly rounded for an imaginary part of 1e-30),
// the dual and complex-step derivatives within 4 ulps (a division, or
// cmplx.Sqrt's few roundings). The complex step is taken at h = 10⁻²⁰·x:
// it differentiates only while h ≪ x.
func TestSqrtExtensions(t *testing.T) {
	t.Parallel()
	for _, x := range []float64{1e-300, 1e-8, 0.25, 1, 2, 3e5, 1e300} {
		h := 1e-20 * x
		want := math.Sqrt(x)
		wantD := 0.5 / want
		if got := float64(Real(x).Sqrt()); got != want {
			t.Errorf("Real(%g).Sqrt() = %g, want %g", x, got, want)
		}
		d := Dual{V: x, D: 1}.Sqrt()
		if d.V != want || !(math.Abs(d.D-wantD) <= 4*eps*wantD) {
			t.Errorf("Dual(%g).Sqrt() = %v, want {%g %g}", x, d, want, wantD)
		}
		c := complex128(Complex(complex(x, h)).Sqrt())
		if got := imag(c) / h; !(math.Abs(real(c)-want) <= eps*want) || !(math.Abs(got-wantD) <= 4*eps*wantD) {
			t.Errorf("Complex(%g+%gi).Sqrt() = %v: derivative %g, want %g", x, h, c, got, wantD)
		}
	}
}

// TestKinkedFunctions holds Abs, Max and Min to their definitions on both
// sides of their kinks and at them, over every element type: the value,
// and the derivative of the branch taken (dual part and complex step),
// which is exact (0 or ±1 times the seed).
func TestKinkedFunctions(t *testing.T) {
	t.Parallel()
	// d is the derivative along (ȧ, ḃ) = (1, 2) of the branch taken.
	for _, tc := range []struct {
		name  string
		f     func(a, b Dual) Dual
		fc    func(a, b Complex) Complex
		a, b  float64
		value float64
		d     float64
	}{
		{"abs(−2)", func(a, _ Dual) Dual { return Abs(a) }, func(a, _ Complex) Complex { return Abs(a) }, -2, 0, 2, -1},
		{"abs(3)", func(a, _ Dual) Dual { return Abs(a) }, func(a, _ Complex) Complex { return Abs(a) }, 3, 0, 3, 1},
		{"abs(0): the right piece", func(a, _ Dual) Dual { return Abs(a) }, func(a, _ Complex) Complex { return Abs(a) }, 0, 0, 0, 1},
		{"max(1, 2)", func(a, b Dual) Dual { return Max(a, b) }, func(a, b Complex) Complex { return Max(a, b) }, 1, 2, 2, 2},
		{"max(2, 1)", func(a, b Dual) Dual { return Max(a, b) }, func(a, b Complex) Complex { return Max(a, b) }, 2, 1, 2, 1},
		{"max(1, 1): the first", func(a, b Dual) Dual { return Max(a, b) }, func(a, b Complex) Complex { return Max(a, b) }, 1, 1, 1, 1},
		{"min(1, 2)", func(a, b Dual) Dual { return Min(a, b) }, func(a, b Complex) Complex { return Min(a, b) }, 1, 2, 1, 1},
		{"min(2, 1)", func(a, b Dual) Dual { return Min(a, b) }, func(a, b Complex) Complex { return Min(a, b) }, 2, 1, 1, 2},
		{"min(1, 1): the first", func(a, b Dual) Dual { return Min(a, b) }, func(a, b Complex) Complex { return Min(a, b) }, 1, 1, 1, 1},
	} {
		got := tc.f(Dual{tc.a, 1}, Dual{tc.b, 2})
		if got.V != tc.value || got.D != tc.d {
			t.Errorf("%s over dual numbers = %v, want {%g %g}", tc.name, got, tc.value, tc.d)
		}
		const h = 1e-20
		c := complex128(tc.fc(Complex(complex(tc.a, h)), Complex(complex(tc.b, 2*h))))
		if real(c) != tc.value || imag(c)/h != tc.d {
			t.Errorf("%s by the complex step = %v, want value %g derivative %g", tc.name, c, tc.value, tc.d)
		}
		if r := float64(Max(Real(tc.a), Real(tc.b))); r != math.Max(tc.a, tc.b) {
			t.Errorf("Max(%g, %g) = %g over Real", tc.a, tc.b, r)
		}
	}
}

// TestDerivAt holds the generic derivative to Deriv and to the dual
// numbers through Activate: DerivAt[Real] within 8 ulps of Deriv (the same
// quantity by another formula, a few roundings each), and the dual part of
// DerivAt[Dual], f″(z), within 16 ulps of deriv2 (the term-scale formula)
// relative to max(|f″|, |f′|): both formulas form f″ from terms of the
// size of f′ (tanh″ = −2·tanh·sech², σ″ = σσ(−z)(σ(−z) − σ)), which
// cancel near z = 0, where f″ vanishes for the tanh and the sigmoid.
func TestDerivAt(t *testing.T) {
	t.Parallel()
	for _, a := range Activations() {
		for _, z := range []float64{-40, -5, -1, -1e-3, -1e-300, 1e-300, 1e-3, 0.5, 1, 3, 40, 700} {
			fz := a.Apply(z)
			want := a.Deriv(z, fz)
			if got := float64(DerivAt(a, Real(z))); !(math.Abs(got-want) <= 8*eps*math.Abs(want)) {
				t.Errorf("DerivAt(%v, %g) = %g, Deriv %g", a, z, got, want)
			}
			d2 := DerivAt(a, Dual{V: z, D: 1}).D
			w2 := a.deriv2(z, fz)
			if !(math.Abs(d2-w2) <= 16*eps*math.Max(math.Abs(w2), math.Abs(want))) {
				t.Errorf("DerivAt(%v, %g+ε): f″ = %g, deriv2 %g", a, z, d2, w2)
			}
		}
	}
}
