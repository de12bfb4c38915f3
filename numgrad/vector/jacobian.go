package vector

import "fmt"

// CheckJacobian checks a claimed Jacobian of fn at x, jac[j·n + i] =
// ∂F_j/∂x_i (m rows of n, row-major): each row j is the gradient of F_j,
// checked by numgrad as one problem over the inputs' layout; the rows
// share F's evaluations. Every one of the m × n entries is reported,
// located by its output and its input (Entry.Out, Entry.In). It panics if
// fn has no F or x or jac has the wrong length; it returns an error for
// invalid settings and errors of F. Indices select the inputs checked.
func CheckJacobian(fn *Function, x, jac []float64, s *Settings) (*Report, error) {
	c, err := newRun(Jacobian, fn, x, s, func(n, _ int) int { return n })
	if err != nil {
		return nil, err
	}
	if len(jac) != c.m*c.n {
		panic(fmt.Sprintf("numgrad/vector: CheckJacobian: len(jac) = %d, want %d×%d", len(jac), c.m, c.n))
	}
	return c.jacobian(jac, nil)
}

// jacobian checks the rows of jac; regrad, if not nil, computes the claim
// again (for a Jacobian assembled from a JVP).
func (c *run) jacobian(jac []float64, regrad func() ([]float64, error)) (*Report, error) {
	var again []float64
	for j := range c.m {
		w := make([]float64, c.m)
		w[j] = 1
		var rg func([]float64) error
		if regrad != nil {
			rg = func(dst []float64) error {
				if again == nil {
					var err error
					if again, err = regrad(); err != nil {
						return err
					}
				}
				copy(dst, again[j*c.n:(j+1)*c.n])
				return nil
			}
		}
		if err := c.scalarPart(fmt.Sprintf("row %s", locate(c.out, j)), w, jac[j*c.n:(j+1)*c.n], rg, -1, j); err != nil {
			return nil, err
		}
	}
	return c.finish(), nil
}
