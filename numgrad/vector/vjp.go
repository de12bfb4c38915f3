package vector

import "fmt"

// VJPFunc computes a claimed vector–Jacobian product: dst = J(x)ᵀ·dy, the
// backward pass of F for the upstream gradient dy (len m), dst of len n.
// It must not modify or keep x or dy.
type VJPFunc func(dst, x, dy []float64) error

// CheckVJP checks the claimed vector–Jacobian product vjp of fn at x:
// for each direction dy (s.Directions random ones, dy ~ N(0, I); every
// basis vector e_j with s.Full, which checks the full Jacobian row by row;
// or s.Dirs), the claim dx = vjp(x, dy) is the gradient of the scalar
//
//	φ(x) = ⟨dy, F(x)⟩ = Σ_j dy_j·F_j(x),
//
// and numgrad checks it as such, over the layout of fn's inputs, with F's
// pieces and extensions: each entry of dx is located by its input block
// and index. vjp is called a second time per direction to see that it is
// deterministic. The directions share F's evaluations (every one
// evaluates F at the same x ± h·e_i), so k directions cost about what one
// does. It panics if fn has no F or x has the wrong length; it returns an
// error for invalid settings and errors of F or vjp.
func CheckVJP(fn *Function, x []float64, vjp VJPFunc, s *Settings) (*Report, error) {
	if vjp == nil {
		panic("numgrad/vector: CheckVJP: nil vjp")
	}
	c, err := newRun(VJP, fn, x, s, func(_, m int) int { return m })
	if err != nil {
		return nil, err
	}
	if c.s.Full && c.s.Dirs == nil {
		c.r.Mode = Jacobian
	}
	dirs := c.s.directions(c.m, nil)
	c.r.Dirs, c.r.Random = dirs, c.s.Dirs == nil && !c.s.Full
	for d, dy := range dirs {
		dx := make([]float64, c.n)
		if err := vjp(dx, c.x, dy); err != nil {
			return nil, err
		}
		regrad := func(dst []float64) error { return vjp(dst, c.x, dy) }
		name, dir, out := fmt.Sprintf("dy %d", d), d, -1
		if c.r.Mode == Jacobian {
			name, dir, out = fmt.Sprintf("row %s", locate(c.out, d)), -1, d
		}
		if err := c.scalarPart(name, dy, dx, regrad, dir, out); err != nil {
			return nil, err
		}
	}
	if c.r.Mode == Jacobian {
		c.r.Dirs = nil
	}
	return c.finish(), nil
}
