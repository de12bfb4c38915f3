package numgrad

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"sync"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
)

// worker evaluates f near x for one goroutine.
type worker struct {
	f         func([]float64) (float64, error)
	piece     func([]byte) []byte
	x         []float64
	f0        float64
	sig0, sig []byte
}

func newWorker(f func([]float64) (float64, error), piece func([]byte) []byte, x []float64) (*worker, error) {
	w := &worker{f: f, piece: piece, x: append([]float64(nil), x...)}
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
	fv, cr, err := w.eval(w.x)
	w.x[i] = old
	return fv, cr, err
}

// eval returns f(y) and whether y lies on another piece than x.
func (w *worker) eval(y []float64) (float64, bool, error) {
	fv, err := w.f(y)
	if err != nil || w.piece == nil {
		return fv, false, err
	}
	w.sig = w.piece(w.sig[:0])
	return fv, !bytes.Equal(w.sig, w.sig0), nil
}

// checker holds one check in progress.
type checker struct {
	p       *Problem
	s       CheckSettings
	x       []float64   // the point, a copy
	claimed []float64   // the claim, a copy
	idx     []int       // the indices checked, increasing
	comps   []Component // parallel to idx
	st      []state     // parallel to idx
	main    *worker
	pieces  bool    // the problem tells its pieces
	sigma   float64 // noise of f; negative until measured
	scale   float64 // G, the scale of the gradient from the estimates
	xmag    float64 // max(1, ‖x‖∞); negative until needed
	ref     Reference
	arbiter Reference
	// refErr is, per component, the bound on the rounding of the exact
	// reference's value where the reference knows it and runerr trusts it
	// (the bounded dual reference, Problem.Bounded; see partial), NaN
	// elsewhere. One reference values a component in a check: ref for an
	// exact method, arbiter for the others.
	refErr []float64
	// ambiguous caches Problem.Ambiguous at the claim's unit roundoff: 0
	// unknown, 1 no, 2 yes.
	ambiguous int
	// arbiterDone says that arbiter has been looked for; notes are the
	// check's own notes for the report.
	arbiterDone bool
	notes       []string
}

// extension returns the reference of the problem's extension for method m
// (complex or dual), or nil where the problem has none or where its value
// at x is not f(x): an extension sums in its own order, so it must agree
// with f at x within the rounding of the two evaluations (extensionSlack
// times eps·|f|, or 64 times f's noise where f cancels), not bit for bit; one
// that does not is another function, and a note says so. The dual reference is Problem.Bounded's where the problem offers it
// and it computes f (the same values as Dual's, with a bound on their
// rounding), else Dual's.
func (c *checker) extension(m Method) (Reference, error) {
	type candidate struct {
		name  string
		ref   Reference
		value func() (float64, error)
	}
	var cands []candidate
	switch {
	case m == MethodComplex && c.p.Complex != nil:
		cands = append(cands, candidate{"complex", ComplexStep(c.p.Complex), func() (float64, error) {
			y, err := c.p.Complex(lift[backprop.Complex](c.x))
			return real(complex128(y)), err
		}})
	case m == MethodDual:
		if c.p.Bounded != nil {
			cands = append(cands, candidate{"bounded dual", &boundedRef{f: c.p.Bounded}, func() (float64, error) {
				y, err := c.p.Bounded(runerr.Seed(nil, c.x, -1))
				return y.V, err
			}})
		}
		if c.p.Dual != nil {
			cands = append(cands, candidate{"dual", DualNumbers(c.p.Dual), func() (float64, error) {
				y, err := c.p.Dual(lift[backprop.Dual](c.x))
				return y.V, err
			}})
		}
	}
	f0 := c.main.f0
	for _, e := range cands {
		v, err := e.value()
		if err != nil {
			return nil, err
		}
		if math.Abs(v-f0) <= extensionSlack*float64Eps*math.Max(math.Abs(f0), math.Abs(v)) || !finite(f0) {
			return e.ref, nil
		}
		// A cost that is the small difference of large terms is known only
		// to its noise σ, far above eps·|f| (a residual of 2e-16 squared:
		// 4e-32, whose two orders differ by 1.7e-8 of it, FuzzGradient's
		// regress-extension-cancels): two evaluations of it, each within
		// noiseDevs·σ, differ by at most 2·noiseDevs·σ, and the other
		// order's rounding may be a few times f's: 64σ. Measured only
		// here, where the relative test fails.
		if err := c.noise(); err != nil {
			return nil, err
		}
		if math.Abs(v-f0) <= 64*c.sigma {
			return e.ref, nil
		}
		c.notes = append(c.notes, fmt.Sprintf("the %s extension gives %v at x, f gives %v: another function, not used", e.name, v, f0))
	}
	return nil, nil
}

// arbiterRef returns the exact reference that settles what finite
// differences cannot: the dual extension's, else the complex one's (nil if
// neither is offered, or neither computes f). Dual numbers first: they
// carry the derivative as itself, where the complex step carries h·∂f,
// whose truncation (κh)² behind a weight κ and whose underflow below
// 2⁻¹⁰²²/h, magnified by a later product with a large value, its bound
// cannot see (a derivative of 3e-171 behind a cost of 1e253 came out 0:
// FuzzGradient's regress-complex-underflow). The bounded dual extension
// (Problem.Bounded), where offered, is the dual reference: its rounding is
// bounded from its own arithmetic.
func (c *checker) arbiterRef() (Reference, error) {
	if !c.arbiterDone {
		c.arbiterDone = true
		for _, m := range []Method{MethodDual, MethodComplex} {
			r, err := c.extension(m)
			if err != nil {
				return nil, err
			}
			if r != nil {
				c.arbiter = r
				break
			}
		}
	}
	return c.arbiter, nil
}

// isAmbiguous reports whether the problem says that x's piece depends on
// the order of evaluation at the claim's precision.
func (c *checker) isAmbiguous() (bool, error) {
	if c.ambiguous == 0 {
		c.ambiguous = 1
		if c.p.Ambiguous != nil {
			amb, err := c.p.Ambiguous(c.s.ClaimEps)
			if err != nil {
				return false, err
			}
			if amb {
				c.ambiguous = 2
			}
			// The model evaluated elsewhere: put it back at x.
			if _, _, err := c.main.eval(c.x); err != nil {
				return false, err
			}
		}
	}
	return c.ambiguous == 2, nil
}

// state is what the checker keeps about a component besides its report.
type state struct {
	pending   bool    // the first comparison did not settle it
	valid     bool    // the first comparison's estimate holds its bound
	firstFail bool    // the first comparison failed it with a valid bound
	fmag      float64 // the largest |f| of the first stencil, f(x) included
	swept     bool
	// arbitrated: decided by the exact reference without a sweep.
	arbitrated bool
	sweep      *Sweep
}

// CheckProblem checks p's claim and returns the report. p is not modified.
// It panics if p.Func is nil or X and Claimed differ in length; it returns
// an error for invalid settings (naming the setting), for MethodComplex or
// MethodDual without the problem's extension, and for an error of f. NaN
// or ±Inf in f, the point or the claim is not an error: the report flags
// it and fails.
func CheckProblem(p *Problem, s *CheckSettings) (*Report, error) { return run(p, s, nil) }

func run(p *Problem, s0 *CheckSettings, dirs [][]float64) (*Report, error) {
	if p == nil || p.Func == nil {
		panic("numgrad: CheckProblem: nil function")
	}
	if len(p.Claimed) != len(p.X) {
		panic(fmt.Sprintf("numgrad: CheckProblem: len(Claimed) = %d, len(X) = %d", len(p.Claimed), len(p.X)))
	}
	if p.restore != nil {
		defer p.restore()
	}
	n := len(p.X)
	s := s0.withDefaults(n)
	if err := s.validate(p.X); err != nil {
		return nil, err
	}
	if p.Layout != nil && p.Layout.Blocks != nil {
		if err := p.Layout.Validate(n); err != nil {
			return nil, fmt.Errorf("numgrad: %w", err)
		}
	}
	if p.TermScale != nil && len(p.TermScale) != n {
		return nil, fmt.Errorf("numgrad: TermScale has %d components, the problem %d", len(p.TermScale), n)
	}
	c := &checker{p: p, s: s, x: append([]float64(nil), p.X...), claimed: append([]float64(nil), p.Claimed...), pieces: p.Piece != nil, sigma: -1, xmag: -1}
	switch s.Method {
	case MethodComplex:
		if p.Complex == nil {
			return nil, errors.New("numgrad: method complex needs the problem's complex extension (Problem.Complex; a model's CostComplex)")
		}
	case MethodDual:
		if p.Dual == nil && p.Bounded == nil {
			return nil, errors.New("numgrad: method dual needs the problem's dual extension (Problem.Dual or Problem.Bounded; a model's CostDual)")
		}
	}
	if s.Indices != nil {
		c.idx = append([]int(nil), s.Indices...)
		sort.Ints(c.idx)
	} else {
		c.idx = make([]int, n)
		for i := range c.idx {
			c.idx[i] = i
		}
	}
	var err error
	if c.main, err = newWorker(p.Func, p.Piece, c.x); err != nil {
		return nil, err
	}
	r := &Report{Method: s.Method, N: n, F: c.main.f0, Step: s.Step, Eps: s.Eps, ClaimEps: s.ClaimEps, AbsTol: s.AbsTol, RelTol: s.RelTol, Strict: s.Strict,
		Notes: append([]string(nil), p.notes...)}
	if s.Method.exact() {
		r.Step = 0
	}
	r.Flags = append(r.Flags, c.flags()...)
	defer func() { r.Notes = append(r.Notes, c.notes...) }()
	if s.Method.exact() {
		if c.ref, err = c.extension(s.Method); err != nil {
			return nil, err
		}
		if c.ref == nil {
			return nil, fmt.Errorf("numgrad: method %v: %s", s.Method, c.notes[len(c.notes)-1])
		}
	}
	var regrad []float64
	if p.Regrad != nil {
		regrad = make([]float64, n)
		if err := p.Regrad(regrad); err != nil {
			return nil, err
		}
	}
	if !s.Method.exact() {
		if err := c.noise(); err != nil {
			return nil, err
		}
		r.Noise = c.sigma
	}
	full := true
	if s.Method == MethodFast {
		if r.Fast, err = c.fast(dirs); err != nil {
			return nil, err
		}
		full = r.Fast.Status() != Pass || len(r.Flags) > 0
	}
	if full {
		c.components()
		switch s.Method {
		case MethodCentral, MethodFast:
			err = c.central()
		case MethodRichardson:
			err = c.richardson()
		case MethodComplex, MethodDual:
			err = c.exact()
		}
		if err != nil {
			return nil, err
		}
		c.nondeterminism(regrad)
		steps := []func() error{c.resolve, c.arbitrate, c.ambiguity, c.unswept, c.blindKinks}
		for _, step := range steps {
			if err := step(); err != nil {
				return nil, err
			}
		}
		c.projectionsAtKinks(r.Fast)
		if err := c.evidence(r); err != nil {
			return nil, err
		}
		if c.sigma >= 0 {
			r.Noise = c.sigma
		}
		r.Components = c.comps
	}
	c.summarise(r)
	diagnose(r, p.BatchSize, p.DataSize, c)
	r.Replay = c.record(r, dirs)
	return r, nil
}

// flags lists the conditions that fail the check as a whole.
func (c *checker) flags() []string {
	var out []string
	if !finite(c.main.f0) {
		out = append(out, fmt.Sprintf("f(x) = %v", c.main.f0))
	}
	for _, i := range c.idx {
		if !finite(c.claimed[i]) {
			out = append(out, fmt.Sprintf("the claimed gradient holds %v (component %d and maybe others)", c.claimed[i], i))
			break
		}
	}
	for _, v := range c.x {
		if !finite(v) {
			out = append(out, fmt.Sprintf("the point x holds %v", v))
			break
		}
	}
	return append(out, c.p.flags...)
}

// noise measures the noise of f once per check, on x's piece.
func (c *checker) noise() error {
	if c.sigma >= 0 {
		return nil
	}
	s, flat, err := noiseOf(c.main.eval, c.x, c.s.Eps, rand.New(rand.NewPCG(c.s.Seed, 0x6e6f697365)))
	if err != nil {
		return err
	}
	if flat && c.p.Rounding != nil {
		// f changed at no spacing: its rounding is unknown to sampling (a
		// confident softmax's cost, a staircase of ulp(logit) far above
		// eps·|f|), and the declared bound on it stands in.
		r, err := c.p.Rounding()
		if err != nil {
			return err
		}
		if finite(r) {
			s = math.Max(s, r)
		}
	}
	c.sigma = s
	if math.IsNaN(s) {
		c.sigma = math.Inf(1)
	}
	// noiseOf left the evaluator elsewhere: put it back at x for the pieces.
	_, _, err = c.main.eval(c.x)
	return err
}

// sig returns the noise of f to use for a stencil whose largest |f| is
// fmag: the measured noise, but at least the rounding eps·fmag of the
// largest value, as a steep f can be far larger at x ± h than at x.
func (c *checker) sig(fmag float64) float64 { return math.Max(c.sigma, c.s.Eps*fmag) }

// forEach calls fn for each position k in ks, on goroutines when the
// settings and the problem allow, each with its own worker. The first error
// stops the rest.
func (c *checker) forEach(ks []int, fn func(w *worker, k int) error) error {
	if len(ks) == 0 {
		return nil
	}
	if !c.s.Concurrent || c.p.Fork == nil {
		for _, k := range ks {
			if err := fn(c.main, k); err != nil {
				return err
			}
		}
		return nil
	}
	var mu sync.Mutex
	var fail error
	parallel(len(ks), true, func() func(int) {
		f, piece := c.p.Fork()
		if !c.pieces {
			piece = nil
		}
		w, err := newWorker(f, piece, c.x)
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

// components sets up the per-component records of the full check: made
// only where it runs, since a fast check whose projections all pass needs
// none (269,322 of them for a [784,256,256,10] network are a third of its
// time besides the evaluations).
func (c *checker) components() {
	c.comps = make([]Component, len(c.idx))
	c.st = make([]state, len(c.idx))
	c.refErr = make([]float64, len(c.idx))
	for k := range c.refErr {
		c.refErr[k] = math.NaN()
	}
	for k, i := range c.idx {
		c.comps[k] = Component{Index: i, Claimed: c.claimed[i], Estimate: math.NaN(), Bound: math.NaN(), Tol: math.NaN(),
			FailAt: math.NaN(), Floor: math.NaN(), RelErr: math.NaN(), Score: math.NaN(), Status: Undecided}
		if c.p.Layout != nil && c.p.Layout.Blocks != nil {
			loc, _ := c.p.Layout.Locate(i)
			c.comps[k].Loc = &loc
		}
	}
}

func (c *checker) all() []int {
	ks := make([]int, len(c.idx))
	for k := range ks {
		ks[k] = k
	}
	return ks
}

// allow returns the allowance for the rounding of component k's claim.
func (c *checker) allow(k int) allowance {
	i := c.idx[k]
	if c.p.TermScale != nil && finite(c.p.TermScale[i]) {
		return scaledAllowance(c.s.ClaimEps, c.p.Chain, c.p.TermScale[i], c.claimed[i])
	}
	return blindAllowance(c.s.ClaimEps, c.scale)
}

// refBound returns the bound of exact reference r's value d for
// component k: its rounding, γ_K·M_i where the terms are known (it sums the
// same terms as the claim, in f's precision); where they are not, the
// running error bound of r's own evaluation where r keeps one and runerr
// trusts it (refErr), and otherwise a band like a claim's; and K roundings
// below the smallest normal number, each worth r's underflowUnit (2⁻¹⁰⁷⁴/h
// for the complex step, whose imaginary part h·∂f is subnormal for a
// derivative below 2e-288: soundness finding 9).
//
// The running bound is first order; where runerr trusts it the neglected
// terms are at most MaxRel/2 of it, which the factor 1 + MaxRel covers.
func (c *checker) refBound(r Reference, k int, d float64) bound {
	i := c.idx[k]
	under := float64(max(c.p.Chain, 1)) * underflowUnit(r)
	if c.p.TermScale != nil && finite(c.p.TermScale[i]) {
		v := gammaN(c.p.Chain, c.s.Eps)*c.p.TermScale[i] + c.s.Eps*math.Abs(d) + under
		return bound{v, v}
	}
	if e := c.refErr[k]; finite(e) {
		v := (1+runerr.MaxRel)*e + under
		return bound{v, v}
	}
	a := blindAllowance(c.s.Eps, c.scale)
	return bound{a.lo + under, a.hi + under}
}

// partial returns exact reference r's derivative for component k and
// f(x), and records in refErr the bound on the derivative's rounding where
// r keeps one (the bounded dual reference).
func (c *checker) partial(r Reference, k int) (d, fx float64, err error) {
	if b, ok := r.(*boundedRef); ok {
		d, e, fx, err := b.partialBound(c.x, c.idx[k])
		c.refErr[k] = e
		return d, fx, err
	}
	return r.Partial(c.x, c.idx[k])
}

// resolveFraction is the part of the gradient's scale an estimate's bound
// may hide and still resolve a claim (see resolves).
const resolveFraction = 0x1p-10

// setScale sets G, the scale of the gradient, from the first comparison's
// estimates: the largest |estimate| among those whose bound holds (the
// stencil crosses no kink) and is below the estimate itself, so that a
// value dominated by rounding does not set it; where there is none, the
// largest |estimate| + bound. It is measured on f, never on the claim, so
// that no claim widens its own allowance.
func (c *checker) setScale() {
	g, any := 0.0, false
	for k, comp := range c.comps {
		if v := math.Abs(comp.Estimate); c.st[k].valid && finite(v) && comp.Bound < v {
			g, any = math.Max(g, v), true
		}
	}
	if !any {
		for _, comp := range c.comps {
			if v := math.Abs(comp.Estimate) + comp.Bound; finite(v) {
				g = math.Max(g, v)
			}
		}
	}
	c.scale = g
}

// raiseScale raises G to |d|, an exact reference's value of a component:
// a measurement of f's gradient like the first comparison's, and the only
// one where every first stencil crossed a kink (G would be 0, and with it
// the blind band of every claim and reference).
func (c *checker) raiseScale(d float64) {
	if v := math.Abs(d); finite(v) && v > c.scale {
		c.scale = v
	}
}

// resolves reports whether an estimate's bound b resolves the claim: 2b is
// at most resolveFraction of the scale of the gradient, or of f over the
// size of x where the gradient is too small to give one. A pass within a wider bound
// says little (a sweep dominated by rounding passes anything within its
// huge bound): such a component goes on to the next stage, and is
// Undecided if none resolves it.
func (c *checker) resolves(b float64) bool {
	// A thousandth: steps just short of a kink 1e-7 away are dominated by
	// rounding (σ/h ≈ 1e-8 of f) and still resolve, while a sweep with no
	// step both above rounding and below curvature, whose bound is of the
	// order of the gradient itself, does not.
	if c.xmag < 0 {
		c.xmag = math.Max(1, mag(c.x...))
	}
	scale := c.scale
	if fx := math.Abs(c.main.f0) / c.xmag; finite(fx) {
		scale = math.Max(scale, fx)
	}
	return 2*b <= resolveFraction*scale
}

// decide sets component k's estimate and verdict from one comparison and
// returns the judgement.
func (c *checker) decide(k int, est float64, b bound, w allowance) judgement {
	comp := &c.comps[k]
	j := judge(comp.Claimed, est, b, w, &c.s)
	comp.Estimate, comp.Bound = est, b.hi
	comp.Tol, comp.FailAt, comp.Floor, comp.Score = j.tol, j.failAt, j.floor, j.score
	comp.RelErr = RelErr(comp.Claimed, est)
	comp.Status = j.status
	if !finite(c.main.f0) {
		comp.Status = NonFinite
	}
	return j
}

// groupOf returns the layout block of index i, or 0 without a layout.
func (c *checker) groupOf(i int) int {
	if c.p.Layout == nil || c.p.Layout.Blocks == nil {
		return 0
	}
	b := c.p.Layout.Blocks
	return sort.Search(len(b), func(k int) bool { return b[k].Offset+b[k].Len() > i })
}

// layout returns the problem's layout or an empty one.
func (c *checker) layout() backprop.Layout {
	if c.p.Layout == nil {
		return backprop.Layout{}
	}
	return *c.p.Layout
}
