package vector

import (
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
)

// HVPFunc computes a claimed Hessian–vector product dst = ∇²f(x)·v. It must
// not modify or keep x or v.
type HVPFunc func(dst, x, v []float64) error

// HVPProblem is what an HVP check judges besides the claim: a scalar
// function f, its gradient, and what they offer.
type HVPProblem struct {
	// Gradient is the problem of f's gradient at the point (f, X, the
	// claimed gradient there, f's aids and layout). The check checks it
	// first: the differences of a wrong gradient are no reference.
	Gradient *numgrad.Problem
	// Grad sets dst = ∇f(x) at any x: the function whose differences along
	// v estimate H·v. It must not modify or keep x.
	Grad func(dst, x []float64) error
	// Piece, if not nil, appends the signature of the piece of f that the
	// last call of Grad lay on.
	Piece func(dst []byte) []byte
	// Complex and Dual, if not nil, compute the gradient at complex or dual
	// arguments (a gradient written over backprop.Scalar, as
	// backprop.GradientAt is): forward over reverse, an exact reference
	// for H·v.
	Complex func(dst, x []backprop.Complex) error
	Dual    func(dst, x []backprop.Dual) error
	// Bounded, if not nil, computes the gradient over runerr.Value: the
	// dual reference of the lines with a running bound on its rounding
	// (see Function.Bounded).
	Bounded func(dst, x []runerr.Value) error
}

// FuncHVP returns the problem of a plain function f with its gradient
// grad at x, no aids.
func FuncHVP(f func(x []float64) float64, grad func(dst, x []float64), x []float64) *HVPProblem {
	if f == nil || grad == nil {
		panic("numgrad/vector: FuncHVP: nil function")
	}
	g := make([]float64, len(x))
	grad(g, x)
	return &HVPProblem{Gradient: numgrad.FuncProblem(f, g, x), Grad: func(dst, x []float64) error { grad(dst, x); return nil }}
}

// NetworkHVP returns the problem of net's cost on b at net's parameters:
// the gradient problem numgrad.NetworkProblem makes (every declaration of
// the network), Network.Gradient on a copy of net as the reference
// function with the network's pieces, and backprop.GradientAt over complex
// and dual numbers, whose forward-over-reverse derivative along v is H·v
// exactly: the project's own network has an exact HVP reference, and over
// runerr.Value the bound of that reference's rounding.
func NetworkHVP(net *backprop.Network, b backprop.Batch) (*HVPProblem, error) {
	if net == nil {
		panic("numgrad/vector: NetworkHVP: nil network")
	}
	gp, err := numgrad.NetworkProblem(net, b, nil)
	if err != nil {
		return nil, err
	}
	probe := net.Clone()
	return &HVPProblem{
		Gradient: gp,
		Grad: func(dst, x []float64) error {
			probe.SetParams(x)
			_, err := probe.Gradient(dst, b)
			return err
		},
		Piece: probe.Piece,
		Complex: func(dst, x []backprop.Complex) error {
			_, err := backprop.GradientAt(net, dst, x, b)
			return err
		},
		Dual: func(dst, x []backprop.Dual) error {
			_, err := backprop.GradientAt(net, dst, x, b)
			return err
		},
		Bounded: func(dst, x []runerr.Value) error {
			_, err := backprop.GradientAt(net, dst, x, b)
			return err
		},
	}, nil
}

// CheckHVP checks the claimed Hessian–vector product hvp of p's f at p's
// point: it is the Jacobian–vector product of the gradient, so each
// component i of the claim H·v is checked as the derivative at t = 0 of
// the line t ↦ g_i(x + t·σ·v), g = p.Grad (see [CheckJVP]; σ a power of
// two), for s.Directions random v = D·N(0, I), every basis vector with
// s.Full (the full Hessian), or s.Dirs. First, the gradient is checked as
// numgrad checks p.Gradient, by s's method where the problem offers it
// (central differences otherwise): if it fails its own check, the report
// is WRONG and no H·v is checked, since the differences of a wrong
// gradient are no reference. Where the gradient is exact over complex or
// dual numbers (p.Complex, p.Dual; a network's by NetworkHVP), the line's
// extension is the exact reference, forward over reverse. Last, for every
// pair of directions v, w, the symmetry wᵀ(Hv) = vᵀ(Hw) of the claims is
// checked without differences (see [Symmetry]). Entries are located by
// the gradient problem's layout (a network's: "layer 0 weight [1][2]").
// It panics if p lacks Gradient or Grad; it returns an error for invalid
// settings and errors of the functions.
func CheckHVP(p *HVPProblem, hvp HVPFunc, s *Settings) (*Report, error) {
	if p == nil || p.Gradient == nil || p.Grad == nil || hvp == nil {
		panic("numgrad/vector: CheckHVP: nil problem, gradient or hvp")
	}
	x := p.Gradient.X
	n := len(x)
	var lay backprop.Layout
	if p.Gradient.Layout != nil {
		lay = *p.Gradient.Layout
	}
	fn := &Function{In: lay, Out: lay, N: n, M: n, F: p.Grad, Piece: p.Piece, Complex: p.Complex, Dual: p.Dual, Bounded: p.Bounded}
	if lay.Blocks != nil {
		fn.N, fn.M = 0, 0
	}
	c, err := newRun(HVP, fn, x, s, func(n, _ int) int { return n })
	if err != nil {
		return nil, err
	}
	gs := c.s.CheckSettings
	gs.Indices = nil
	if gs.Method == numgrad.MethodComplex && p.Gradient.Complex == nil || gs.Method == numgrad.MethodDual && p.Gradient.Dual == nil && p.Gradient.Bounded == nil {
		c.r.Notes = append(c.r.Notes, fmt.Sprintf("the gradient's problem has no %v extension: the gradient is checked by central differences", gs.Method))
		gs.Method = numgrad.MethodCentral
	}
	if c.r.Gradient, err = numgrad.CheckProblem(p.Gradient, &gs); err != nil {
		return nil, err
	}
	if !c.r.Gradient.OK() {
		c.r.Flags = append(c.r.Flags, "the gradient fails its own check (Report.Gradient): its differences are no reference for H·v")
		return c.finish(), nil
	}
	dirs := c.s.directions(n, c.x)
	c.r.Dirs, c.r.Random = dirs, c.s.Dirs == nil && !c.s.Full
	if _, err := c.lines(dirs, hvp, "v"); err != nil {
		return nil, err
	}
	c.r.Symmetry = symmetry(dirs, c.claims, &c.s.CheckSettings)
	return c.r, nil
}

// symmetry checks wᵀ(Hv) = vᵀ(Hw) for every pair of directions, by
// numgrad.Agree at the scale ‖w‖₁·max|Hv| + ‖v‖₁·max|Hw|: each claimed
// component of size up to max|H·v| that a correct computation of unknown
// arithmetic gives errs by at most √u of it (numgrad's blind band), and
// ‖w‖₁ of those errors at most reach wᵀ(Hv).
func symmetry(dirs, claims [][]float64, s *numgrad.CheckSettings) []Symmetry {
	var out []Symmetry
	norm1 := func(v []float64) float64 {
		t := 0.0
		for _, x := range v {
			t += math.Abs(x)
		}
		return t
	}
	big := func(v []float64) float64 {
		t := 0.0
		for _, x := range v {
			t = math.Max(t, math.Abs(x))
		}
		return t
	}
	dot := func(a, b []float64) float64 {
		t := 0.0
		for i := range a {
			t += a[i] * b[i]
		}
		return t
	}
	for a := range claims {
		for b := a + 1; b < len(claims); b++ {
			v, w, hv, hw := dirs[a], dirs[b], claims[a], claims[b]
			whv, vhw := dot(w, hv), dot(v, hw)
			g := norm1(w)*big(hv) + norm1(v)*big(hw)
			st, tol, failAt := numgrad.Agree(whv, vhw, g, s)
			out = append(out, Symmetry{V: a, W: b, WHv: whv, VHw: vhw, Tol: tol, FailAt: failAt, Status: st})
		}
	}
	return out
}
