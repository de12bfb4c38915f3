package numgrad

import (
	"fmt"
	"math"
)

// The first comparison of every component, by the method's own estimate.
// It settles what it can with a bound it can trust; the rest is pending,
// for the step sweep (see resolve).

// stencil holds f at x ± h and x ± h₂ for one component, and whether each
// point lies on another piece than x.
type stencil struct {
	h, h2            float64
	fp, fm, fp2, fm2 float64
	cp, cm, cp2, cm2 bool
}

// central compares every component with the central difference at the
// method's step c, its bound taken from the difference at the step 2c.
func (c *checker) central() error {
	st := make([]stencil, len(c.idx))
	for k, i := range c.idx {
		st[k].h, st[k].h2 = Step(c.x[i], c.s.Step), Step(c.x[i], 2*c.s.Step)
	}
	var err error
	if c.p.Stencil != nil {
		err = c.centralStencil(st)
	} else {
		err = c.forEach(c.all(), func(w *worker, k int) error {
			i, s := c.idx[k], &st[k]
			xi := c.x[i]
			var err error
			for _, e := range []struct {
				v   float64
				f   *float64
				crs *bool
			}{{xi + s.h, &s.fp, &s.cp}, {xi - s.h, &s.fm, &s.cm}, {xi + s.h2, &s.fp2, &s.cp2}, {xi - s.h2, &s.fm2, &s.cm2}} {
				if *e.f, *e.crs, err = w.at(i, e.v); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		return err
	}
	f0 := c.main.f0
	for k := range c.idx {
		s := &st[k]
		d1 := (s.fp - s.fm) / (2 * s.h)
		d2 := (s.fp2 - s.fm2) / (2 * s.h2)
		fmag := mag(s.fp, s.fm, s.fp2, s.fm2, f0)
		sg := c.sig(fmag)
		r1, r2 := centralRound(sg, s.h), centralRound(sg, s.h2)
		b := pairBound(d1, d2, r1, r2)
		if c.pieces {
			c.st[k].valid = !(s.cp || s.cm || s.cp2 || s.cm2)
		} else {
			g1 := (s.fp - 2*f0 + s.fm) / s.h
			g2 := (s.fp2 - 2*f0 + s.fm2) / s.h2
			ok, masked := gapRatioOK(g1, g2, s.h, s.h2, gapPairRound(sg, s.h, s.h2))
			c.st[k].valid, b = ok, b+masked
		}
		c.comps[k].Estimate, c.comps[k].Step, c.comps[k].Bound = d1, s.h, b
		c.st[k].fmag = fmag
	}
	c.settleFirst("the first stencil")
	return nil
}

// settleFirst judges every component by the first comparison's estimate
// and bound, after the scale of the gradient is set from them: a pass
// within a bound that resolves the claim is final; a failure with a valid
// bound, a band the claim's rounding could explain, an estimate whose
// stencil (named by what) may cross a kink, and a bound too wide go on to
// the step sweep.
func (c *checker) settleFirst(what string) {
	c.setScale()
	for k := range c.idx {
		comp := &c.comps[k]
		b := comp.Bound
		j := c.decide(k, comp.Estimate, bound{b, b}, c.allow(k))
		switch {
		case j.status == NonFinite:
		case !c.st[k].valid:
			c.pend(k, what+" may cross a kink")
		case j.status == Pass && !c.resolves(b):
			c.pend(k, fmt.Sprintf("the bound %.2g of %s is too wide to resolve the claim", b, what))
		case j.status == Pass:
			comp.Note = ""
		case j.status == Fail:
			c.pend(k, "")
			c.st[k].firstFail = true
		default:
			c.pend(k, "")
		}
	}
}

// pend marks component k for the step sweep; it is Undecided until then.
func (c *checker) pend(k int, why string) {
	c.st[k].pending = true
	c.comps[k].Status = Undecided
	c.comps[k].Note = why
}

// centralStencil fills st from the problem's stencil: f at every x ± h_i
// e_i at once, and then at every x ± h₂ e_i.
func (c *checker) centralStencil(st []stencil) error {
	n := len(c.x)
	var idx []int
	if c.s.Indices != nil {
		idx = c.idx
	}
	fp, fm := make([]float64, n), make([]float64, n)
	cross := make([]uint8, n)
	for pass, step := range []float64{c.s.Step, 2 * c.s.Step} {
		if err := c.p.Stencil(fp, fm, cross, step, idx); err != nil {
			return err
		}
		for k, i := range c.idx {
			s := &st[k]
			cp, cm := cross[i]&crossPlus != 0, cross[i]&crossMinus != 0
			if pass == 0 {
				s.fp, s.fm, s.cp, s.cm = fp[i], fm[i], cp, cm
			} else {
				s.fp2, s.fm2, s.cp2, s.cm2 = fp[i], fm[i], cp, cm
			}
		}
	}
	return nil
}

// richardson extrapolates a ladder of central differences per component.
// Levels whose stencil crosses a kink are left out (the extrapolation
// starts below the last such level); where the pieces are unknown, the two
// smallest levels must show a smooth f's one-sided gaps. The bound is twice
// Ridders' error estimate plus twice the rounding at the smallest step
// used: each tableau entry weighs the central differences with
// coefficients whose absolute values sum to ∏(4ʲ+1)/(4ʲ−1) < 2, so its
// noise is below twice that of the smallest step's difference.
func (c *checker) richardson() error {
	type lad struct {
		est, errR, hLast, fmag float64
		ok                     bool
	}
	res := make([]lad, len(c.idx))
	f0 := c.main.f0
	err := c.forEach(c.all(), func(w *worker, k int) error {
		i := c.idx[k]
		xi := c.x[i]
		var l ladder
		l.reset(Step(xi, c.s.Step), ladderLevels)
		first := 0
		fmag := math.Abs(f0)
		gap := make([]float64, ladderLevels)
		for j, h := range l.h {
			fp, cp, err := w.at(i, xi+h)
			if err != nil {
				return err
			}
			fm, cm, err := w.at(i, xi-h)
			if err != nil {
				return err
			}
			l.d[j] = (fp - fm) / (2 * h)
			gap[j] = (fp - 2*f0 + fm) / h
			fmag = math.Max(fmag, mag(fp, fm))
			if cp || cm {
				first = j + 1
			}
		}
		if first >= ladderLevels-1 {
			res[k] = lad{est: l.d[ladderLevels-1], errR: math.Inf(1), hLast: l.h[ladderLevels-1], fmag: fmag}
			return nil
		}
		est, errR, last := l.extrapolate(first)
		ok, masked := true, 0.0
		if !c.pieces {
			n := ladderLevels - 1
			sg := c.sig(fmag)
			ok, masked = gapRatioOK(gap[n], gap[n-1], l.h[n], l.h[n-1], gapPairRound(sg, l.h[n], l.h[n-1]))
		}
		res[k] = lad{est: est, errR: errR + masked, hLast: l.h[last], fmag: fmag, ok: ok && finite(errR)}
		return nil
	})
	if err != nil {
		return err
	}
	for k, l := range res {
		c.comps[k].Estimate, c.comps[k].Step = l.est, l.hLast
		c.comps[k].Bound = 2*l.errR + 2*centralRound(c.sig(l.fmag), l.hLast)
		c.st[k].fmag, c.st[k].valid = l.fmag, l.ok
	}
	c.settleFirst("the ladder")
	return nil
}

// exact compares every component with the exact reference. Reference and
// claim are both exact up to rounding, so the bound is the reference's
// rounding and nothing is sampled; a component that does not pass goes to
// the step sweep, which tells whether x sits on a kink, where the
// reference may differentiate another piece than the claim.
func (c *checker) exact() error {
	fx := make([]float64, len(c.idx))
	err := c.forEach(c.all(), func(w *worker, k int) error {
		d, f, err := c.partial(c.ref, k)
		c.comps[k].Estimate, fx[k] = d, f
		return err
	})
	if err != nil {
		return err
	}
	for k := range c.comps {
		c.comps[k].Bound = 0
	}
	c.setScale()
	for k := range c.comps {
		d := c.comps[k].Estimate
		j := c.decide(k, d, c.refBound(c.ref, k, d), c.allow(k))
		c.comps[k].Step = 0
		if !finite(fx[k]) {
			c.comps[k].Status = NonFinite
		}
		if j.status == Fail || j.status == Undecided {
			c.st[k].pending, c.st[k].valid, c.st[k].firstFail = true, true, j.status == Fail
			c.comps[k].Note = fmt.Sprintf("the %s reference disagrees", c.ref.Name())
		}
	}
	return nil
}

// mag returns the largest |v|.
func mag(v ...float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}
