package vector

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
)

// run is one check in progress: the function, its caches, and the report
// that the sub-checks fill.
type run struct {
	s       Settings
	fn      *Function
	in, out backprop.Layout
	n, m    int
	x       []float64
	ca      *caches
	r       *Report
	// inIdx and outIdx are, per entry of r, its input and output index
	// (−1: none).
	inIdx, outIdx []int
	// claims are the claims of the lines' directions, in order.
	claims [][]float64
}

// newRun checks the arguments of a check of fn at x, evaluates F(x) and
// flags a non-finite value.
func newRun(mode Mode, fn *Function, x []float64, s0 *Settings, dirLen func(n, m int) int) (*run, error) {
	in, out, n, m := fn.dims()
	if len(x) != n {
		panic(fmt.Sprintf("numgrad/vector: len(x) = %d, the function has %d inputs", len(x), n))
	}
	s := s0.withDefaults()
	if err := s.validate(dirLen(n, m)); err != nil {
		return nil, err
	}
	switch {
	case s.Method == numgrad.MethodComplex && fn.Complex == nil:
		return nil, errors.New("numgrad/vector: method complex needs the function's complex extension (Function.Complex)")
	case s.Method == numgrad.MethodDual && fn.Dual == nil && fn.Bounded == nil:
		return nil, errors.New("numgrad/vector: method dual needs the function's dual extension (Function.Dual or Function.Bounded)")
	}
	c := &run{s: s, fn: fn, in: in, out: out, n: n, m: m, x: slices.Clone(x), ca: newCaches(fn, m)}
	c.r = &Report{Mode: mode, Method: s.Method, In: in, Out: out, Strict: s.Strict}
	y, err := c.ca.f.at(c.x)
	if err != nil {
		return nil, err
	}
	for j, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			c.r.Flags = append(c.r.Flags, fmt.Sprintf("F(x) holds %v at %s (and maybe elsewhere)", v, locate(out, j)))
			break
		}
	}
	return c, nil
}

// selected reports whether entry i of the claimed vector is checked.
func (c *run) selected(i int) bool {
	return c.s.Indices == nil || slices.Contains(c.s.Indices, i)
}

// weighted returns φ(v) = Σ_j w_j·F_j(v) over the nonzero w_j, in j's
// order, for an element type T: the scalar function of a VJP under dy = w
// and of a Jacobian's row (w = e_j: φ = F_j exactly, whatever the other
// outputs hold).
func weighted[T backprop.Scalar[T]](ca *cache[T], w []float64) func([]T) (T, error) {
	return func(v []T) (T, error) {
		var zero T
		y, err := ca.at(v)
		if err != nil {
			return zero, err
		}
		s := zero.Const(0)
		first := true
		for j, wj := range w {
			switch {
			case wj == 0:
			case first && wj == 1:
				s, first = y[j], false
			default:
				s, first = s.Add(y[j].Mul(zero.Const(wj))), false
			}
		}
		return s, nil
	}
}

// weightedFloat is weighted for float64, operation for operation as over
// backprop.Real (each product rounded before the sum).
func weightedFloat(ca *cache[float64], w []float64) func([]float64) (float64, error) {
	return func(v []float64) (float64, error) {
		y, err := ca.at(v)
		if err != nil {
			return 0, err
		}
		s := 0.0
		first := true
		for j, wj := range w {
			switch {
			case wj == 0:
			case first && wj == 1:
				s, first = y[j], false
			default:
				s, first = s+float64(y[j]*wj), false
			}
		}
		return s, nil
	}
}

// scalarPart checks the claim g (n entries) of the gradient of
// φ = Σ_j w_j F_j at x, as one numgrad problem over the inputs' layout,
// and adds its components as entries under direction dir (−1 none) and
// output out (−1 none).
func (c *run) scalarPart(name string, w, g []float64, regrad func([]float64) error, dir, out int) error {
	p := &numgrad.Problem{Func: weightedFloat(c.ca.f, w), X: c.x, Claimed: g, Regrad: regrad, Layout: &c.in}
	if c.fn.Piece != nil {
		p.Piece = c.ca.f.pieceOf
	}
	if c.ca.c != nil {
		p.Complex = weighted(c.ca.c, w)
	}
	if c.ca.d != nil {
		p.Dual = weighted(c.ca.d, w)
	}
	if c.ca.b != nil {
		p.Bounded = weighted(c.ca.b, w)
	}
	rep, err := numgrad.CheckProblem(p, c.s.partSettings(true))
	if err != nil {
		return err
	}
	c.addPart(name, rep)
	var o *backprop.Location
	if out >= 0 {
		o = locate(c.out, out)
	}
	for _, comp := range rep.Components {
		c.r.Entries = append(c.r.Entries, Entry{Component: comp, In: comp.Loc, Out: o, Dir: dir})
		c.inIdx = append(c.inIdx, comp.Index)
		c.outIdx = append(c.outIdx, out)
	}
	return nil
}

// linePart checks the claim a of the derivative of t ↦ F_j(x + t·u) at
// t = 0, the j-th entry of J·u, as a numgrad problem of one component; u is
// the direction d scaled by sc, a power of two (see lineScale), and the
// entry's values are unscaled. In an HVP the entry is input j (the
// gradient's component), in a JVP output j.
func (c *run) linePart(name string, d int, u []float64, sc float64, j int, a float64, regrad func() (float64, error)) error {
	x := c.x
	xt := make([]float64, len(x))
	p := &numgrad.Problem{X: []float64{0}, Claimed: []float64{sc * a}}
	p.Func = func(t []float64) (float64, error) {
		for i := range x {
			xt[i] = x[i] + t[0]*u[i]
		}
		y, err := c.ca.f.at(xt)
		if err != nil {
			return 0, err
		}
		return y[j], nil
	}
	if c.fn.Piece != nil {
		p.Piece = c.ca.f.pieceOf
	}
	if c.ca.c != nil {
		xc := make([]backprop.Complex, len(x))
		p.Complex = func(t []backprop.Complex) (backprop.Complex, error) {
			re, im := real(complex128(t[0])), imag(complex128(t[0]))
			for i := range x {
				xc[i] = backprop.Complex(complex(x[i]+re*u[i], im*u[i]))
			}
			y, err := c.ca.c.at(xc)
			if err != nil {
				return 0, err
			}
			return y[j], nil
		}
	}
	if c.ca.d != nil {
		xd := make([]backprop.Dual, len(x))
		p.Dual = func(t []backprop.Dual) (backprop.Dual, error) {
			for i := range x {
				xd[i] = backprop.Dual{V: x[i] + t[0].V*u[i], D: t[0].D * u[i]}
			}
			y, err := c.ca.d.at(xd)
			if err != nil {
				return backprop.Dual{}, err
			}
			return y[j], nil
		}
	}
	if c.ca.b != nil {
		xb := make([]runerr.Value, len(x))
		p.Bounded = func(t []runerr.Value) (runerr.Value, error) {
			// x + t·u in Value arithmetic, which rounds as the dual
			// line's x_i + t.V·u_i and bounds that rounding; the
			// constants join t's record of the evaluation.
			for i := range x {
				xb[i] = t[0].Mul(t[0].Const(u[i])).Add(t[0].Const(x[i]))
			}
			y, err := c.ca.b.at(xb)
			if err != nil {
				return runerr.Value{}, err
			}
			return y[j], nil
		}
	}
	if regrad != nil {
		p.Regrad = func(dst []float64) error {
			v, err := regrad()
			dst[0] = sc * v
			return err
		}
	}
	rep, err := numgrad.CheckProblem(p, c.s.partSettings(false))
	if err != nil {
		return err
	}
	c.addPart(name, rep)
	for _, comp := range rep.Components {
		comp.Index = j
		for _, v := range []*float64{&comp.Claimed, &comp.Estimate, &comp.Bound, &comp.Tol, &comp.FailAt, &comp.Floor, &comp.Left, &comp.Right} {
			*v /= sc
		}
		comp.Step *= sc
		if sc != 1 && comp.Note != "" {
			comp.Note += fmt.Sprintf(" (the note's numbers are of the line t ↦ F(x + t·σ·d), σ = %g: divide them by σ)", sc)
		}
		e := Entry{Component: comp, Dir: d}
		if c.r.Mode == HVP {
			e.In = locate(c.in, j)
			e.Loc = e.In
			c.inIdx, c.outIdx = append(c.inIdx, j), append(c.outIdx, -1)
		} else {
			e.Out = locate(c.out, j)
			e.Loc = e.Out
			c.inIdx, c.outIdx = append(c.inIdx, -1), append(c.outIdx, j)
		}
		c.r.Entries = append(c.r.Entries, e)
	}
	return nil
}

// lineScale returns 1 where d moves every x_i by at most 8·max(1, |x_i|)
// and some by at least 2⁻¹⁰ of it — the random directions D·N(0, I) do —
// and otherwise the power of two sc such that sc·d moves no x_i by more
// than max(1, |x_i|) and some by more than half of it: the line's
// parameter t then takes numgrad's relative steps in the units of x. A
// power of two, so that the scaling and its undoing are exact.
func lineScale(x, d []float64) float64 {
	big := 0.0
	for i, v := range d {
		big = math.Max(big, math.Abs(v)/math.Max(1, math.Abs(x[i])))
	}
	if !(big > 0) || math.IsInf(big, 0) || big >= 0x1p-10 && big <= 8 {
		return 1
	}
	_, e := math.Frexp(big) // big = f·2^e, f ∈ [½, 1)
	return math.Ldexp(1, -e)
}

// addPart keeps a sub-check's report and lifts its flags and notes.
func (c *run) addPart(name string, rep *numgrad.Report) {
	c.r.Parts = append(c.r.Parts, rep)
	c.r.PartNames = append(c.r.PartNames, name)
	for _, f := range rep.Flags {
		if msg := name + ": " + f; !slices.Contains(c.r.Flags, msg) && len(c.r.Flags) < 8 {
			c.r.Flags = append(c.r.Flags, msg)
		}
	}
	for _, n := range rep.Notes {
		if !slices.Contains(c.r.Notes, n) {
			c.r.Notes = append(c.r.Notes, n)
		}
	}
}

// finish summarises the entries and counts the evaluations.
func (c *run) finish() *Report {
	c.r.summarise(c.inIdx, c.outIdx)
	c.r.Evals = c.ca.f.calls
	if c.ca.c != nil {
		c.r.Evals += c.ca.c.calls
	}
	if c.ca.d != nil {
		c.r.Evals += c.ca.d.calls
	}
	if c.ca.b != nil {
		c.r.Evals += c.ca.b.calls
	}
	if c.r.Random && c.r.Failed == 0 {
		c.r.Miss = Miss{K: len(c.r.Dirs)}
		for _, e := range c.r.Entries {
			if !math.IsNaN(e.Tol) {
				c.r.Miss.Tol = math.Max(c.r.Miss.Tol, e.Tol)
			}
		}
	}
	return c.r
}
