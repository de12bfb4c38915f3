package vector

import "fmt"

// JVPFunc computes a claimed Jacobian–vector product: dst = J(x)·dx, the
// forward-mode derivative of F along dx (len n), dst of len m. It must not
// modify or keep x or dx.
type JVPFunc func(dst, x, dx []float64) error

// CheckJVP checks the claimed Jacobian–vector product jvp of fn at x: for
// each direction dx (s.Directions random ones, dx = D·v with v ~ N(0, I)
// and D = diag(max(1, |x_i|)); s.Dirs), each entry j of the claim
// dy = jvp(x, dx) is the derivative at t = 0 of the line
//
//	t ↦ F_j(x + t·σ·dx)
//
// divided by σ: 1 for directions of moderate size (the random ones), and
// otherwise a power of two that makes the largest relative move of an x_i
// between ½ and 1, so that numgrad's relative steps in t are steps in the
// units of x (the scaling and its undoing are exact; the numbers in a
// note of numgrad's stay the line's, and the note says so). Each is a
// numgrad problem of one component, with F's pieces and its extensions
// along the line; the outputs of a direction share F's evaluations, so a
// direction costs about one output's check. Entries are located by their
// output. With s.Full the directions are every e_i and the claim is the
// full Jacobian, column by column, checked by rows as [CheckJacobian]
// does. jvp is called a second time per direction to see that it is
// deterministic. It panics if fn has no F or x has the wrong length; it
// returns an error for invalid settings and errors of F or jvp. Indices
// select the outputs checked.
func CheckJVP(fn *Function, x []float64, jvp JVPFunc, s *Settings) (*Report, error) {
	if jvp == nil {
		panic("numgrad/vector: CheckJVP: nil jvp")
	}
	c, err := newRun(JVP, fn, x, s, func(n, _ int) int { return n })
	if err != nil {
		return nil, err
	}
	if c.s.Full && c.s.Dirs == nil {
		c.r.Mode = Jacobian
		columns := func() ([]float64, error) {
			jac := make([]float64, c.m*c.n)
			col := make([]float64, c.m)
			e := make([]float64, c.n)
			for i := range c.n {
				e[i] = 1
				if err := jvp(col, c.x, e); err != nil {
					return nil, err
				}
				e[i] = 0
				for j, v := range col {
					jac[j*c.n+i] = v
				}
			}
			return jac, nil
		}
		jac, err := columns()
		if err != nil {
			return nil, err
		}
		return c.jacobian(jac, columns)
	}
	dirs := c.s.directions(c.n, c.x)
	c.r.Dirs, c.r.Random = dirs, c.s.Dirs == nil
	return c.lines(dirs, jvp, "dx")
}

// lines checks, for each direction, the claim of every selected output's
// line (JVP; HVP with F the gradient).
func (c *run) lines(dirs [][]float64, claim func(dst, x, d []float64) error, what string) (*Report, error) {
	for d, dx := range dirs {
		dy := make([]float64, c.m)
		if err := claim(dy, c.x, dx); err != nil {
			return nil, err
		}
		c.claims = append(c.claims, dy)
		var again []float64
		regrad := func(j int) func() (float64, error) {
			return func() (float64, error) {
				if again == nil {
					again = make([]float64, c.m)
					if err := claim(again, c.x, dx); err != nil {
						again = nil
						return 0, err
					}
				}
				return again[j], nil
			}
		}
		sc := lineScale(c.x, dx)
		u := make([]float64, c.n)
		for i, v := range dx {
			u[i] = sc * v
		}
		for j := range c.m {
			if !c.selected(j) {
				continue
			}
			name := fmt.Sprintf("%s along %s %d", locate(c.out, j), what, d)
			if err := c.linePart(name, d, u, sc, j, dy[j], regrad(j)); err != nil {
				return nil, err
			}
		}
	}
	return c.finish(), nil
}
