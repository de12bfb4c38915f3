package backprop

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGradientAtIsGradient holds the generic backward pass over Real to
// the network's own gradient, for every activation and both losses: the
// same terms summed in another order (per sample, not by matrix
// products), so within 2γ_K·M_i of each other, twice the network's own
// rounding bound (TermScale), and a wrong formula is far outside it. The
// cost is the network's within the same kind of bound, 2⁻⁴⁰ relative.
func TestGradientAtIsGradient(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(15, 1))
	for _, loss := range Losses() {
		for _, a := range Activations() {
			for range 6 {
				net := MustNew(randomConfig(rng, a, loss))
				b := All(randomData(rng, net, 1+rng.IntN(5)))
				want := make([]float64, net.NumParams())
				c, err := net.Gradient(want, b)
				if err != nil {
					t.Fatal(err)
				}
				scale, chain, err := net.TermScale(nil, b)
				if err != nil {
					t.Fatal(err)
				}
				theta := asReal(net.ParamsTo(nil))
				got := make([]Real, len(theta))
				cr, err := GradientAt(net, got, theta, b)
				if err != nil {
					t.Fatal(err)
				}
				if !(math.Abs(float64(cr)-c) <= 0x1p-40*math.Abs(c)) {
					t.Errorf("%v: cost %g, GradientAt's %g", net.Config().Sizes, c, cr)
				}
				for i, g := range got {
					tol := 4*float64(chain)*eps*scale[i] + 2*eps*math.Abs(want[i])
					if !(math.Abs(float64(g)-want[i]) <= tol) {
						t.Errorf("%v %v %v: component %d: GradientAt %g, Gradient %g (tolerance %g)", net.Config().Sizes, a, loss, i, g, want[i], tol)
					}
				}
			}
		}
	}
}

// TestHessianVector holds the forward-over-reverse product ∇²C·v to the
// complex step through the same generic gradient, Im g(θ + ih·v)/h — two
// exact differentiations of one function, equal up to rounding, 2⁻³⁰
// relative to the largest component — and to the symmetry of the Hessian,
// wᵀ(Hv) = vᵀ(Hw) to 2⁻³⁰ of Σ|w||Hv| + Σ|v||Hw|, and checks that the
// network's parameters are left alone. Smooth activations only: a ReLU
// network's Hessian is that of its loss, which the symmetry covers too.
func TestHessianVector(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(15, 2))
	const h = 1e-20
	for _, loss := range Losses() {
		for _, a := range []Activation{Tanh, Sigmoid, Softplus, ReLU} {
			net := MustNew(randomConfig(rng, a, loss))
			b := All(randomData(rng, net, 1+rng.IntN(4)))
			n := net.NumParams()
			v, w := make([]float64, n), make([]float64, n)
			for i := range v {
				v[i], w[i] = rng.NormFloat64(), rng.NormFloat64()
			}
			before := net.ParamsTo(nil)
			hv, err := net.HessianVector(nil, v, b)
			if err != nil {
				t.Fatal(err)
			}
			hw, _ := net.HessianVector(nil, w, b)
			for i, p := range net.ParamsTo(nil) {
				if p != before[i] {
					t.Fatalf("HessianVector changed parameter %d", i)
				}
			}
			theta := make([]Complex, n)
			for i := range theta {
				theta[i] = Complex(complex(before[i], h*v[i]))
			}
			g := make([]Complex, n)
			if _, err := GradientAt(net, g, theta, b); err != nil {
				t.Fatal(err)
			}
			big := 0.0
			for _, x := range hv {
				big = math.Max(big, math.Abs(x))
			}
			for i := range hv {
				if cs := imag(complex128(g[i])) / h; !(math.Abs(cs-hv[i]) <= 0x1p-30*big) {
					t.Errorf("%v %v: (Hv)[%d] = %g, complex step %g", a, loss, i, hv[i], cs)
				}
			}
			var whv, vhw, m float64
			for i := range v {
				whv += w[i] * hv[i]
				vhw += v[i] * hw[i]
				m += math.Abs(w[i]*hv[i]) + math.Abs(v[i]*hw[i])
			}
			if !(math.Abs(whv-vhw) <= 0x1p-30*m) {
				t.Errorf("%v %v: wᵀHv = %g, vᵀHw = %g", a, loss, whv, vhw)
			}
		}
	}
}
