package numgrad

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"sync"

	"github.com/gradcheck/gradcheck/backprop"
)

// evalFunc evaluates f; pieceFunc appends the smooth-piece signature of
// the last evaluation (see Piecewise).
type (
	evalFunc  func(x []float64) (float64, error)
	pieceFunc func(dst []byte) []byte
)

// problem is what a check examines, whatever its origin.
type problem struct {
	x, claimed []float64
	// newEval returns an evaluator for one goroutine, and its piece
	// signature function or nil.
	newEval func() (evalFunc, pieceFunc)
	ref     Reference
	// arbiter, if not nil, is an exact reference that settles the
	// components the finite differences fail even after a step sweep (see
	// arbitrate).
	arbiter Reference
	// scale, if not nil, is the magnitude of the terms summed into each
	// component of the analytic gradient, and chain the length of the
	// longest chain of roundings among them (see termScale).
	scale []float64
	chain int
	// aids says that the network's aids (arbiter and scale) were used, for
	// the replay record.
	aids       bool
	concurrent bool
	batch      int
	layout     backprop.Layout
	data       *backprop.Batch // the model's batch, checked for NaN and Inf
	// grad, if not nil, evaluates the model's own gradient, whose noise
	// the check measures (see GradientNoise).
	grad func(dst, x []float64) error
	// smooth says that f has no kinks (a network without ReLU): no
	// stencil can straddle one, which is as good as knowing the pieces.
	smooth bool
	// stencil, if not nil, sets fp[i], fm[i] = f(x ± h_i e_i) for every i,
	// h_i = Step(x_i, step), faster than evaluating f 2n times (see
	// netfd); only for a smooth f, as it does not tell kinks.
	stencil func(step float64, fp, fm []float64) error
}

// worker evaluates f near x for one goroutine.
type worker struct {
	f         evalFunc
	piece     pieceFunc
	smooth    bool
	x         []float64
	f0        float64
	sig0, sig []byte
}

func (p *problem) worker() (*worker, error) {
	f, piece := p.newEval()
	w := &worker{f: f, piece: piece, smooth: p.smooth, x: append([]float64(nil), p.x...)}
	f0, err := f(w.x)
	if err != nil {
		return nil, err
	}
	w.f0 = f0
	if piece != nil {
		w.sig0 = piece(nil)
	}
	return w, nil
}

// at returns f at x with x_i replaced by v, and whether that point lies on
// another smooth piece than x (always false when the pieces are unknown).
func (w *worker) at(i int, v float64) (float64, bool, error) {
	old := w.x[i]
	w.x[i] = v
	fv, err := w.f(w.x)
	w.x[i] = old
	if err != nil || w.piece == nil {
		return fv, false, err
	}
	w.sig = w.piece(w.sig[:0])
	return fv, !bytes.Equal(w.sig, w.sig0), nil
}

// checker holds one check in progress.
type checker struct {
	p     *problem
	s     CheckSettings
	idx   []int       // the indices checked, increasing
	comps []Component // parallel to idx
	st    []state     // parallel to idx
	main  *worker
	sigma float64 // noise of f
	tauA  float64 // allowance for the analytic's rounding
	// gnoise[i] is the measured noise of the analytic gradient's
	// component i (nil when the check has no gradient to sample).
	gnoise []float64

	mu  sync.Mutex
	err error
}

// state is what the checker keeps about a component besides its verdict.
type state struct {
	pending bool    // not settled by the first comparison
	crossed bool    // the first stencil straddled a kink
	fmag    float64 // the largest |f| of the first stencil, f(x) included
	sweep   *Sweep
}

func run(p *problem, s CheckSettings, dirs [][]float64) (*Report, error) {
	n := len(p.x)
	if err := s.validate(n); err != nil {
		return nil, err
	}
	if s.Method.exact() && p.ref == nil {
		return nil, fmt.Errorf("numgrad: method %v needs CheckSettings.Reference", s.Method)
	}
	c := &checker{p: p, s: s}
	if s.Indices != nil {
		c.idx = append([]int(nil), s.Indices...)
		sort.Ints(c.idx)
	} else {
		c.idx = make([]int, n)
		for i := range c.idx {
			c.idx[i] = i
		}
	}
	c.comps = make([]Component, len(c.idx))
	c.st = make([]state, len(c.idx))
	for k, i := range c.idx {
		c.comps[k] = Component{Index: i, Analytic: p.claimed[i], Numerical: math.NaN(), RelErr: math.NaN(), Score: math.NaN()}
		if p.layout.Blocks != nil {
			loc, _ := p.layout.Locate(i)
			c.comps[k].Loc = &loc
		}
	}
	var err error
	if c.main, err = p.worker(); err != nil {
		return nil, err
	}
	r := &Report{Method: s.Method, N: n, F: c.main.f0, Step: s.Step, Eps: s.Eps, AbsTol: s.AbsTol, RelTol: s.RelTol}
	if !finite(r.F) {
		r.Flags = append(r.Flags, fmt.Sprintf("f(x) = %v", r.F))
	}
	for _, i := range c.idx {
		if !finite(p.claimed[i]) {
			r.Flags = append(r.Flags, fmt.Sprintf("the claimed gradient holds %v (component %d and maybe others)", p.claimed[i], i))
			break
		}
	}
	for _, v := range p.x {
		if !finite(v) {
			r.Flags = append(r.Flags, fmt.Sprintf("the point x holds %v", v))
			break
		}
	}
	if p.data != nil {
		if msg := nonFiniteData(*p.data); msg != "" {
			r.Flags = append(r.Flags, msg)
		}
	}
	if !s.Method.exact() {
		if err := c.noise(); err != nil {
			return nil, err
		}
		r.Noise = c.sigma
	}
	if p.grad != nil {
		c.gnoise, err = GradientNoise(p.grad, p.x, s.Eps, rand.New(rand.NewPCG(s.Seed, 0x67726164)))
		if err != nil {
			return nil, err
		}
		// GradientNoise moved the model: put it back at x.
		if _, err := c.main.f(c.main.x); err != nil {
			return nil, err
		}
	}
	switch s.Method {
	case MethodCentral:
		err = c.central()
	case MethodRichardson:
		err = c.richardson()
	case MethodComplex, MethodDual:
		err = c.exact()
	case MethodFast:
		if r.Fast, err = c.fast(dirs); err == nil && !(r.Fast.OK() && len(r.Flags) == 0) {
			err = c.central()
		}
	}
	if err != nil {
		return nil, err
	}
	if !(s.Method == MethodFast && r.Fast.OK() && len(r.Flags) == 0) {
		if err := c.resolve(); err != nil {
			return nil, err
		}
		if err := c.arbitrate(); err != nil {
			return nil, err
		}
		if err := c.evidence(r); err != nil {
			return nil, err
		}
		r.Components = c.comps
	}
	c.summarise(r)
	diagnose(r, p.batch)
	r.Replay = c.record(r, dirs)
	return r, nil
}

// noise estimates the noise of f once per check.
func (c *checker) noise() error {
	var ferr error
	f := func(x []float64) float64 {
		v, err := c.main.f(x)
		if err != nil && ferr == nil {
			ferr = err
		}
		return v
	}
	c.sigma = Noise(f, c.p.x, c.s.Eps, rand.New(rand.NewPCG(c.s.Seed, 0x6e6f697365)))
	// Noise left the evaluator elsewhere: put it back at x for the pieces.
	if _, err := c.main.f(c.main.x); err != nil && ferr == nil {
		ferr = err
	}
	return ferr
}

// forEach calls fn for each position k in ks, on goroutines when the
// problem allows, each with its own worker. The first error stops the rest.
func (c *checker) forEach(ks []int, fn func(w *worker, k int) error) error {
	if len(ks) == 0 {
		return nil
	}
	var fail error
	if !c.p.concurrent {
		for _, k := range ks {
			if err := fn(c.main, k); err != nil {
				return err
			}
		}
		return nil
	}
	var mu sync.Mutex
	parallel(len(ks), true, func() func(int) {
		w, err := c.p.worker()
		return func(j int) {
			mu.Lock()
			stop := fail != nil
			if err != nil && fail == nil {
				fail, stop = err, true
			}
			mu.Unlock()
			if stop {
				return
			}
			if e := fn(w, ks[j]); e != nil {
				mu.Lock()
				if fail == nil {
					fail = e
				}
				mu.Unlock()
			}
		}
	})
	return fail
}

func (c *checker) all() []int {
	ks := make([]int, len(c.idx))
	for k := range ks {
		ks[k] = k
	}
	return ks
}

// roundTol bounds the rounding error of a central difference at step h:
// f(x ± h) each carry noise of standard deviation σ, so their difference
// over 2h has standard deviation σ/(√2·h); 4σ/h is 5.7 of them. σ is the
// noise measured at x, but at least eps·fmag, the rounding of the largest
// value |f| of the stencil: a steep f can be far larger at x ± h than at x,
// and so can its rounding.
func (c *checker) roundTol(h, fmag float64) float64 {
	return 4 * math.Max(c.sigma, c.s.Eps*fmag) / h
}

// mag returns the largest |v|.
func mag(v ...float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// setTauA sets the allowance for the analytic gradient's rounding from the
// largest finite numerical component, and at least 1 (see analyticULPs).
func (c *checker) setTauA() {
	g := 1.0
	for _, comp := range c.comps {
		if finite(comp.Numerical) {
			g = math.Max(g, math.Abs(comp.Numerical))
		}
	}
	c.tauA = analyticULPs * c.s.Eps * g
}

// ta returns the allowance for the rounding of component k's analytic
// value: tauA, or 8 times the measured noise of that component of the
// model's gradient where that is larger (the rounding at x is one draw of
// that noise; 8σ is 5.7 standard deviations of a difference of two), or,
// where the scale of its terms is known and larger, 2γ_K times that scale:
// the rounding bound of the analytic value and of an exact reference, each
// γ_K·M (see termScale).
func (c *checker) ta(k int) float64 {
	t := c.tauA
	if c.gnoise != nil {
		t = math.Max(t, 8*c.gnoise[c.idx[k]])
	}
	if c.p.scale != nil {
		if v := 2 * gammaN(c.p.chain, c.s.Eps) * c.p.scale[c.idx[k]]; finite(v) {
			t = math.Max(t, v)
		}
	}
	return t
}

// judge sets component k's numerical value, tolerance and verdict and
// reports whether the verdict is settled (pass or non-finite).
func (c *checker) judge(k int, num, tol float64) bool {
	comp := &c.comps[k]
	if c.s.AbsTol > 0 {
		tol = c.s.AbsTol
	}
	comp.Numerical, comp.Tol = num, tol
	comp.RelErr = RelErr(comp.Analytic, num)
	comp.Score = Score(comp.Analytic, num, tol, c.s.RelTol)
	switch {
	case !finite(comp.Analytic) || !finite(num) || !finite(c.main.f0):
		comp.Status = NonFinite
		return true
	case Within(comp.Analytic, num, tol, c.s.RelTol):
		comp.Status = Pass
		return true
	}
	comp.Status = Fail
	return false
}

// central computes central differences at the method's step and settles
// what it can: at once, or with a second step 2h that estimates the
// truncation error.
func (c *checker) central() error {
	var err error
	if c.p.stencil != nil && c.p.smooth {
		err = c.centralStencil()
	} else {
		err = c.forEach(c.all(), c.centralOne)
	}
	if err != nil {
		return err
	}
	return c.settleCentral()
}

// centralStencil is the first pass of central from the problem's stencil
// values: the same differences, from f evaluated at the same points.
func (c *checker) centralStencil() error {
	n := len(c.p.x)
	fp, fm := make([]float64, n), make([]float64, n)
	if err := c.p.stencil(c.s.Step, fp, fm); err != nil {
		return err
	}
	for k, i := range c.idx {
		h := Step(c.p.x[i], c.s.Step)
		c.comps[k].Numerical, c.comps[k].Step = (fp[i]-fm[i])/(2*h), h
		c.st[k].fmag = mag(fp[i], fm[i], c.main.f0)
	}
	return nil
}

// centralOne is the first pass of central for component k: f at x ± h.
func (c *checker) centralOne(w *worker, k int) error {
	i := c.idx[k]
	xi := c.p.x[i]
	h := Step(xi, c.s.Step)
	fp, cp, err := w.at(i, xi+h)
	if err != nil {
		return err
	}
	fm, cm, err := w.at(i, xi-h)
	if err != nil {
		return err
	}
	c.comps[k].Numerical, c.comps[k].Step = (fp-fm)/(2*h), h
	c.st[k].crossed = cp || cm
	c.st[k].fmag = mag(fp, fm, w.f0)
	return nil
}

// settleCentral judges the first pass of central and settles what it can:
// at once, or with a second step 2h that estimates the truncation error.
func (c *checker) settleCentral() error {
	c.setTauA()
	var second []int
	for k := range c.comps {
		comp := &c.comps[k]
		// A stencil known to straddle a kink measures no derivative: it
		// can neither pass nor fail the component, the sweep decides.
		if !c.judge(k, comp.Numerical, c.roundTol(comp.Step, c.st[k].fmag)+c.ta(k)) || c.st[k].crossed {
			if comp.Status == NonFinite {
				continue
			}
			comp.Status = Fail
			c.st[k].pending = true
			if !c.st[k].crossed {
				second = append(second, k)
			}
		}
	}
	// D(h) − D(2h) ≈ −3·a₁h², three times the truncation error of D(h):
	// adding |D(h) − D(2h)| to the tolerance covers it with a margin of 3
	// (and covers the extra noise of D(2h)).
	return c.forEach(second, func(w *worker, k int) error {
		i := c.idx[k]
		xi, h := c.p.x[i], c.comps[k].Step
		fp, cp, err := w.at(i, xi+2*h)
		if err != nil {
			return err
		}
		fm, cm, err := w.at(i, xi-2*h)
		if err != nil || cp || cm {
			return err
		}
		d1 := c.comps[k].Numerical
		d2 := (fp - fm) / (4 * h)
		if c.judge(k, d1, c.roundTol(h, math.Max(c.st[k].fmag, mag(fp, fm)))+math.Abs(d1-d2)+c.ta(k)) {
			c.st[k].pending = false
		} else {
			c.comps[k].Numerical = d1
		}
		return nil
	})
}

// richardson extrapolates a ladder of central differences per component.
// Levels whose stencil straddles a kink are left out (the extrapolation
// starts below the last such level). Ridders' error estimate is believed
// only when it is below 2⁻²⁰ of the gradient's scale; otherwise, or with
// fewer than two usable levels, the component goes to the step sweep.
func (c *checker) richardson() error {
	type lad struct {
		est, errR, hLast, fmag float64
		ok                     bool
	}
	res := make([]lad, len(c.idx))
	err := c.forEach(c.all(), func(w *worker, k int) error {
		i := c.idx[k]
		xi := c.p.x[i]
		var l ladder
		l.reset(Step(xi, c.s.Step), ladderLevels)
		first := 0
		fmag := math.Abs(w.f0)
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
			fmag = math.Max(fmag, mag(fp, fm))
			if cp || cm {
				first = j + 1
			}
		}
		est, errR, last := l.extrapolate(first)
		if first == ladderLevels {
			est, errR, last = l.d[ladderLevels-1], math.Inf(1), ladderLevels-1
		}
		res[k] = lad{est: est, errR: errR, hLast: l.h[last], fmag: fmag, ok: ladderLevels-first >= 2}
		c.st[k].crossed = first == ladderLevels
		c.comps[k].Numerical, c.comps[k].Step = est, l.h[last]
		return nil
	})
	if err != nil {
		return err
	}
	c.setTauA()
	trust := 0x1p-20 * c.tauA / (analyticULPs * c.s.Eps)
	for k, l := range res {
		// Each tableau entry weighs the central differences with
		// coefficients whose absolute values sum to ∏(4ʲ+1)/(4ʲ−1) < 2, so
		// its noise is below twice that of the smallest step's difference.
		tol := 2*l.errR + 2*c.roundTol(l.hLast, l.fmag) + c.ta(k)
		if !l.ok || !(l.errR <= trust) {
			tol = c.roundTol(l.hLast, l.fmag) + c.ta(k)
		}
		if !c.judge(k, l.est, tol) || c.st[k].crossed && c.comps[k].Status != NonFinite {
			c.comps[k].Status = Fail
			c.st[k].pending = true
		}
	}
	return nil
}

// exact compares with the reference. Reference and analytic value are
// both exact up to rounding, so the tolerance is the rounding allowance
// alone and nothing is re-sampled.
func (c *checker) exact() error {
	fx := make([]float64, len(c.idx))
	err := c.forEach(c.all(), func(w *worker, k int) error {
		d, f, err := c.p.ref.Partial(c.p.x, c.idx[k])
		c.comps[k].Numerical, fx[k] = d, f
		return err
	})
	if err != nil {
		return err
	}
	c.setTauA()
	for k := range c.comps {
		c.judge(k, c.comps[k].Numerical, c.ta(k))
		if !finite(fx[k]) {
			c.comps[k].Status = NonFinite
		}
	}
	return nil
}

// resolve runs a step sweep on the unsettled components of the finite-
// difference methods, at most MaxResolve per group, worst first.
func (c *checker) resolve() error {
	if c.s.Method.exact() {
		return nil
	}
	byGroup := map[int][]int{}
	for k := range c.comps {
		if c.st[k].pending {
			g := c.groupOf(c.idx[k])
			byGroup[g] = append(byGroup[g], k)
		}
	}
	var todo []int
	for _, ks := range byGroup {
		sort.Slice(ks, func(a, b int) bool { return c.comps[ks[a]].Worse(c.comps[ks[b]]) })
		for n, k := range ks {
			if n < c.s.MaxResolve {
				todo = append(todo, k)
			} else {
				c.comps[k].Note = fmt.Sprintf("not swept: over %d failures in this group", c.s.MaxResolve)
			}
		}
	}
	sort.Ints(todo)
	return c.forEach(todo, func(w *worker, k int) error {
		sw, err := c.sweep(w, k)
		if err != nil {
			return err
		}
		c.apply(k, sw)
		c.st[k].sweep = sw
		return nil
	})
}

// arbitrate asks the exact reference p.arbiter, where there is one, about
// every component that a step sweep still failed. Finite differences cannot
// settle every component: on a network of extreme gain (weights of 10⁴
// behind a saturated tanh) no step is both above f's rounding and below its
// curvature, and the sweep's best level is rounding divided by h. The
// complex step has neither error. A component whose analytic value agrees
// with the reference within the analytic rounding allowance passes, and its
// note says that the finite differences could not settle it; one that
// disagrees stays failed, with the reference's value in its note, so that
// the failure is confirmed by a method with no step. Components not swept
// (over MaxResolve failures in a group) are left as they are: a wrong
// gradient fails far more components than a check can afford to settle
// one by one.
func (c *checker) arbitrate() error {
	if c.s.Method.exact() || c.p.arbiter == nil {
		return nil
	}
	var todo []int
	for k := range c.comps {
		if c.comps[k].Status == Fail && c.st[k].sweep != nil {
			todo = append(todo, k)
		}
	}
	name := c.p.arbiter.Name()
	return c.forEach(todo, func(_ *worker, k int) error {
		d, _, err := c.p.arbiter.Partial(c.p.x, c.idx[k])
		if err != nil {
			return err
		}
		comp := &c.comps[k]
		fd, note := comp.Numerical, comp.Note
		if !finite(d) {
			comp.Note = fmt.Sprintf("%s; the %s reference gives %v", note, name, d)
			return nil
		}
		if c.judge(k, d, c.ta(k)) {
			comp.Note = fmt.Sprintf("finite differences could not settle it (%.6g; %s); the %s reference %.6g agrees", fd, note, name, d)
			return nil
		}
		comp.Note = fmt.Sprintf("%s; the %s reference %.6g confirms the failure (finite differences: %.6g)", note, name, d, fd)
		return nil
	})
}

// groupOf returns the layout block of index i, or 0 without a layout.
func (c *checker) groupOf(i int) int {
	b := c.p.layout.Blocks
	if b == nil {
		return 0
	}
	return sort.Search(len(b), func(k int) bool { return b[k].Offset+b[k].Len() > i })
}

// evidence keeps the step sweeps of the worst failing components, sweeping
// those that have none yet (those of an exact method, or over budget).
func (c *checker) evidence(r *Report) error {
	if c.s.Sweeps < 0 {
		return nil
	}
	var bad []int
	for k := range c.comps {
		if c.comps[k].Status == Fail {
			bad = append(bad, k)
		}
	}
	sort.Slice(bad, func(a, b int) bool { return c.comps[bad[a]].Worse(c.comps[bad[b]]) })
	if len(bad) > c.s.Sweeps {
		bad = bad[:c.s.Sweeps]
	}
	if c.sigma == 0 && len(bad) > 0 && c.s.Method.exact() {
		if err := c.noise(); err != nil {
			return err
		}
		r.Noise = c.sigma
	}
	for _, k := range bad {
		if c.st[k].sweep == nil {
			sw, err := c.sweep(c.main, k)
			if err != nil {
				return err
			}
			c.st[k].sweep = sw
		}
		r.Sweeps = append(r.Sweeps, *c.st[k].sweep)
	}
	return nil
}

// nonFiniteData names the first NaN or ±Inf in the samples of b, or
// returns "". A model may hide one (tanh saturates at an infinite input,
// a product may skip a zero weight), so the cost and gradient the check
// sees are finite; the data are not, and the check must not pass.
func nonFiniteData(b backprop.Batch) string {
	if b.Data == nil {
		return ""
	}
	for s := range b.Len() {
		if r := b.Row(s); r < 0 || r >= b.Data.N {
			continue // the model reports a bad row itself
		}
		x, y := b.Sample(s)
		for i, v := range x {
			if !finite(v) {
				return fmt.Sprintf("the batch holds %v: sample %d, input %d", v, s, i)
			}
		}
		for i, v := range y {
			if !finite(v) {
				return fmt.Sprintf("the batch holds %v: sample %d, target %d", v, s, i)
			}
		}
	}
	return ""
}
