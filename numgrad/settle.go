package numgrad

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// The stages after the first comparison: each runs only where the one
// before could not decide, and each returns estimates with bounds that the
// one judge weighs.

// nondeterminism compares the claim with a second evaluation of it at the
// same point: a component whose two values differ by more than the claim's
// rounding allowance (or CheckSettings.NondetTol) is Nondeterministic, and
// nothing else is asked of it.
func (c *checker) nondeterminism(g2 []float64) {
	if g2 == nil {
		return
	}
	for k, i := range c.idx {
		a, b := c.claimed[i], g2[i]
		if a == b || math.IsNaN(a) && math.IsNaN(b) {
			continue
		}
		tol := math.Max(c.allow(k).lo, c.s.NondetTol)
		if finite(a) && finite(b) && math.Abs(a-b) <= tol {
			continue
		}
		comp := &c.comps[k]
		comp.Status = Nondeterministic
		comp.Note = fmt.Sprintf("the claim differs between two evaluations at the same point: %.17g, then %.17g (tolerance %.2g)", a, b, tol)
		c.st[k].pending, c.st[k].firstFail = false, false
	}
}

// resolve runs the step sweep on the components the first comparison did
// not settle, MaxResolve of them at most. Those with no verdict at all come
// first (a stencil that may cross a kink, a disagreement the claim's
// rounding could explain), then the first comparison's failures, least
// clear first, with a few of each group's reserved so that every group
// whose first comparison failed is examined.
func (c *checker) resolve() error {
	var open, fails []int
	for k := range c.comps {
		if !c.st[k].pending {
			continue
		}
		if c.st[k].firstFail {
			fails = append(fails, k)
		} else {
			open = append(open, k)
		}
	}
	sort.SliceStable(fails, func(a, b int) bool { return c.comps[fails[a]].Score < c.comps[fails[b]].Score })
	budget := c.s.MaxResolve
	chosen := make(map[int]bool)
	var todo []int
	take := func(k int) {
		if budget > 0 && !chosen[k] {
			chosen[k] = true
			todo = append(todo, k)
			budget--
		}
	}
	perGroup := map[int]int{}
	for _, k := range fails {
		if g := c.groupOf(c.idx[k]); perGroup[g] < groupReserve {
			perGroup[g]++
			take(k)
		}
	}
	for _, k := range open {
		take(k)
	}
	for _, k := range fails {
		take(k)
	}
	sort.Ints(todo)
	if len(todo) > 0 {
		if err := c.noise(); err != nil {
			return err
		}
	}
	var err error
	if c.p.Stencil != nil {
		err = c.sweepStencil(todo)
	} else {
		err = c.forEach(todo, func(w *worker, k int) error {
			sw, err := c.sweep(w, k)
			if err != nil {
				return err
			}
			c.st[k].sweep = sw
			return nil
		})
	}
	if err != nil {
		return err
	}
	for _, k := range todo {
		if err := c.settleSwept(k); err != nil {
			return err
		}
	}
	return nil
}

// groupReserve is how many of each group's first-comparison failures are
// swept before the budget goes to the rest.
const groupReserve = 4

// settleSwept applies component k's sweep. For an exact method the sweep
// only tells whether x sits on a kink, where the reference may have
// differentiated another piece: elsewhere the reference's verdict stands.
func (c *checker) settleSwept(k int) error {
	sw := c.st[k].sweep
	c.st[k].swept = true
	if c.s.Method.exact() {
		switch c.classify(k, sw); sw.Verdict {
		case AtKink:
			return c.apply(k, sw)
		case Converges:
			// The sweep contradicts the reference only where it resolves
			// the disagreement: its bound below |claim − reference|. Then
			// two methods without a common error disagree, the extension
			// and f need not be one function, and neither verdict stands.
			comp := &c.comps[k]
			if sw.Bound < math.Abs(comp.Claimed-comp.Estimate) {
				comp.Status = Undecided
				comp.FailAt, comp.Floor = math.Inf(1), math.Inf(1)
				comp.Note = fmt.Sprintf("the %s reference disagrees, but the step sweep agrees at h = %.2g within a bound that resolves the difference: the extension may not compute f", c.ref.Name(), sw.Steps[sw.Best])
				return nil
			}
		case LevelsOff:
			return nil // the sweep confirms the reference's failure
		}
		if c.st[k].firstFail && !c.refKnown(k) {
			c.blindDisagreement(k, sw)
		}
		return nil
	}
	return c.apply(k, sw)
}

// refKnown reports whether the bound of an exact reference's value for
// component k comes from the arithmetic: the problem declares the terms
// summed into it (TermScale), so that refBound holds for the extension's
// order of evaluation too, or the reference bounded its own rounding as it
// evaluated (the bounded dual reference, Problem.Bounded) and runerr
// trusts that bound (refErr). Otherwise refBound is the blind band, an
// assumption about the extension's rounding that a cancellation in its
// order breaks (dual numbers through a confident softmax compute p₀p₁ as
// (1 − p₁)/s and lose ten digits): its disagreement alone is no evidence.
// A running bound sees such a cancellation, as it charges every sum the
// size of its terms.
func (c *checker) refKnown(k int) bool {
	return c.p.TermScale != nil && finite(c.p.TermScale[c.idx[k]]) || finite(c.refErr[k])
}

// refUnknown says why the exact reference's rounding is unknown where
// refKnown is false: no term scale, and no running bound or one that
// runerr does not trust.
func (c *checker) refUnknown() string {
	r := c.ref
	if !c.s.Method.exact() {
		r = c.arbiter
	}
	if _, ok := r.(*boundedRef); ok {
		return "the problem declares no term scale, and runerr does not trust the running bound of this evaluation"
	}
	return "the problem declares no term scale"
}

// blindDisagreement settles a component that an exact reference of unknown
// rounding (see refKnown) fails and whose sweep neither confirms (it does
// not level off away from the claim) nor locates on a kink: Undecided. An
// error the sweep resolves would have levelled off, so the sweep's floor,
// where it holds a bound, is the component's; a sweep that shows f jumping
// at x on its steps' scale (see steps) resolves none.
func (c *checker) blindDisagreement(k int, sw *Sweep) {
	comp := &c.comps[k]
	comp.Status = Undecided
	comp.FailAt, comp.Floor = math.Inf(1), math.Inf(1)
	if sw != nil && sw.Best >= 0 && finite(sw.Bound) && !sw.ramp {
		a := c.allow(k)
		comp.Floor = 2*sw.Bound + a.hi
	}
	name := c.s.Method.String()
	if c.arbiter != nil && !c.s.Method.exact() {
		name = c.arbiter.Name()
	}
	comp.Note = fmt.Sprintf("%s; the %s reference's rounding is unknown (%s), and finite differences do not confirm its disagreement", comp.Note, name, c.refUnknown())
}

// sweepStencil builds the sweeps of the components ks from the problem's
// stencil, one step at a time for all of them: the same differences as
// sweep, from f evaluated at the same points.
func (c *checker) sweepStencil(ks []int) error {
	if len(ks) == 0 {
		return nil
	}
	n := len(c.x)
	fp, fm := make([]float64, n), make([]float64, n)
	cross := make([]uint8, n)
	sws := make([]*Sweep, len(ks))
	for a, k := range ks {
		sws[a] = &Sweep{Index: c.idx[k], Loc: c.comps[k].Loc, Claimed: c.comps[k].Claimed, Best: -1, Bound: math.Inf(1), pieces: c.pieces}
	}
	f0 := c.main.f0
	cstep := sweepFirst
	for lvl := 0; lvl < sweepLevels+sweepExtra; lvl, cstep = lvl+1, cstep/4 {
		var live []int // positions in ks still sweeping
		for a := range ks {
			sw := sws[a]
			if len(sw.Steps) >= sweepLevels && !c.extend(sw) {
				continue
			}
			if !(Step(c.x[c.idx[ks[a]]], cstep) > 0) {
				continue
			}
			live = append(live, a)
		}
		if len(live) == 0 {
			break
		}
		idx := make([]int, len(live))
		for b, a := range live {
			idx[b] = c.idx[ks[a]]
		}
		if err := c.p.Stencil(fp, fm, cross, cstep, idx); err != nil {
			return err
		}
		for b, a := range live {
			i, sw := idx[b], sws[a]
			h := Step(c.x[i], cstep)
			cp, cm := cross[i]&crossPlus != 0, cross[i]&crossMinus != 0
			d := (fp[i] - fm[i]) / (2 * h)
			sw.Steps = append(sw.Steps, h)
			sw.Estimates = append(sw.Estimates, d)
			sw.Errors = append(sw.Errors, math.Abs(d-sw.Claimed))
			sw.Left = append(sw.Left, (f0-fm[i])/h)
			sw.Right = append(sw.Right, (fp[i]-f0)/h)
			sw.gap = append(sw.gap, (fp[i]-2*f0+fm[i])/h)
			sw.Crossing = append(sw.Crossing, cp || cm)
			sw.crossL = append(sw.crossL, cm)
			sw.crossR = append(sw.crossR, cp)
			sw.fmag = append(sw.fmag, mag(fp[i], fm[i], f0))
		}
	}
	for a, k := range ks {
		c.bestLevel(sws[a])
		c.st[k].sweep = sws[a]
	}
	return nil
}

// arbitrate asks the exact reference, where the problem offers one, about
// every component of a finite-difference method that its sweep left failed
// or undecided away from a kink. Finite differences cannot settle every
// component: on a function of extreme gain (weights of 10⁴ behind a
// saturated tanh) no step is both above f's rounding and below its
// curvature. The complex step has neither error. The reference's verdict,
// within its own rounding and the claim's allowance, replaces the sweep's,
// and the note says so; where it cannot decide either, the component stays
// as it was.
func (c *checker) arbitrate() error {
	if c.s.Method.exact() {
		return nil
	}
	var todo []int
	for k := range c.comps {
		sw := c.st[k].sweep
		if sw == nil {
			continue
		}
		if s := c.comps[k].Status; s == Fail || s == Undecided {
			// At a kink only an undecided component is asked (see below).
			if sw.Verdict != AtKink || s == Undecided {
				todo = append(todo, k)
			}
		}
	}
	if len(todo) == 0 {
		return nil
	}
	if a, err := c.arbiterRef(); a == nil || err != nil {
		return err
	}
	name := c.arbiter.Name()
	type res struct{ d float64 }
	out := make([]res, len(c.comps))
	err := c.forEach(todo, func(_ *worker, k int) error {
		d, _, err := c.partial(c.arbiter, k)
		out[k].d = d
		return err
	})
	if err != nil {
		return err
	}
	for _, k := range todo {
		c.raiseScale(out[k].d)
	}
	for _, k := range todo {
		comp := &c.comps[k]
		d := out[k].d
		fd, note, old := comp.Estimate, comp.Note, *comp
		if !finite(d) {
			comp.Note = fmt.Sprintf("%s; the %s reference gives %v", note, name, d)
			continue
		}
		if c.st[k].sweep.Verdict == AtKink {
			// At a kink the reference differentiates the piece its own
			// order of evaluation puts x on, which need not be the claim's
			// (a pre-activation 0 in one order is 1e-16 in another): its
			// agreement makes the claim the derivative of a piece at x, a
			// Kink; its disagreement proves nothing.
			j := judge(comp.Claimed, d, c.refBound(c.arbiter, k, d), c.allow(k), &c.s)
			if j.status == Pass {
				*comp = old
				comp.Status, comp.Estimate, comp.Bound, comp.Tol, comp.FailAt, comp.Floor, comp.Score = Kink, d, j.tol-c.allow(k).lo, j.tol, j.failAt, j.floor, j.score
				comp.RelErr = RelErr(comp.Claimed, d)
				comp.Note = fmt.Sprintf("%s; the %s reference %.6g, the derivative of a piece at x, agrees", note, name, d)
			} else {
				comp.Note = fmt.Sprintf("%s; the %s reference %.6g differs, but at a kink it may differentiate another piece", note, name, d)
			}
			continue
		}
		j := c.decide(k, d, c.refBound(c.arbiter, k, d), c.allow(k))
		comp.Step = 0
		switch j.status {
		case Pass:
			comp.Note = fmt.Sprintf("finite differences could not settle it (%.6g; %s); the %s reference %.6g agrees", fd, note, name, d)
		case Fail:
			if !c.refKnown(k) && old.Status != Fail {
				// A reference of unknown rounding alone fails nothing
				// (see refKnown): the sweep did not fail it.
				*comp = old
				comp.Note = fmt.Sprintf("%s; the %s reference %.6g disagrees, but its rounding is unknown (%s)", note, name, d, c.refUnknown())
				break
			}
			comp.Note = fmt.Sprintf("%s; the %s reference %.6g confirms the failure (finite differences: %.6g)", note, name, d, fd)
		default:
			*comp = old
			comp.Note = fmt.Sprintf("%s; the %s reference %.6g cannot decide either", note, name, d)
		}
	}
	return nil
}

// ambiguity revisits the failures of a problem whose piece at x depends on
// the order of evaluation at the claim's precision (Problem.Ambiguous: a
// pre-activation within the claim's rounding of its kink, as a float32
// claim's often is). Such a claim may have been computed on a piece next to
// x's, and be right there: a failed component whose claim lies among the
// one-sided differences that reach across a kink (the range of Right over
// the levels whose x + h is on another piece, of Left over those whose
// x − h is, widened by their rounding) is Undecided, not failed. A failure
// the pieces around x cannot explain stands.
func (c *checker) ambiguity() error {
	var fails []int
	for k := range c.comps {
		if c.comps[k].Status == Fail && c.st[k].sweep != nil && c.st[k].sweep.pieces {
			fails = append(fails, k)
		}
	}
	if len(fails) == 0 {
		return nil
	}
	amb, err := c.isAmbiguous()
	if err != nil || !amb {
		return err
	}
	for _, k := range fails {
		if lo, hi, ok := c.otherPieces(c.st[k].sweep); ok && c.claimed[c.idx[k]] >= lo && c.claimed[c.idx[k]] <= hi {
			comp := &c.comps[k]
			comp.Status = Undecided
			comp.FailAt, comp.Floor = math.Inf(1), math.Inf(1)
			comp.Note = fmt.Sprintf("%s; but x lies within the claim's rounding of a kink, and the claim is among the one-sided derivatives across it, [%.6g, %.6g]: right if its evaluation took the piece next to x", comp.Note, lo, hi)
		}
	}
	return nil
}

// otherPieces returns the range of the one-sided differences of sw that
// reach onto another piece than x's, each widened by twice its rounding
// and by 4/3 of its change to the next smaller step on the same side (its
// O(h) error, as in applyBracket).
func (c *checker) otherPieces(sw *Sweep) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	sides := [2][]float64{sw.Left, sw.Right}
	for s, cross := range [2][]bool{sw.crossL, sw.crossR} {
		d := sides[s]
		for j := range sw.Steps {
			if !cross[j] || !finite(d[j]) {
				continue
			}
			w := 2 * oneSidedRound(c.sig(sw.fmag[j]), sw.Steps[j])
			if j+1 < len(d) && cross[j+1] && finite(d[j+1]) {
				w += 4.0 / 3 * math.Abs(d[j]-d[j+1])
			}
			lo, hi, ok = math.Min(lo, d[j]-w), math.Max(hi, d[j]+w), true
		}
	}
	return lo, hi, ok
}

// unswept settles the components the budget left without a sweep. A
// first-comparison failure is failed where its group's swept failures were
// all confirmed (the first comparison's bound held there, on the less
// clear cases); everything else stays Undecided, failed on no evidence.
func (c *checker) unswept() error {
	confirmed, overturned := map[int]int{}, map[int]int{}
	for k := range c.comps {
		if !c.st[k].swept || !c.st[k].firstFail {
			continue
		}
		g := c.groupOf(c.idx[k])
		if c.comps[k].Status == Fail {
			confirmed[g]++
		} else {
			overturned[g]++
		}
	}
	if err := c.arbitrateUnswept(); err != nil {
		return err
	}
	for k := range c.comps {
		st := &c.st[k]
		if !st.pending || st.swept || st.arbitrated {
			continue
		}
		comp := &c.comps[k]
		g := c.groupOf(c.idx[k])
		if st.firstFail && confirmed[g] > 0 && overturned[g] == 0 {
			comp.Status = Fail
			comp.Note = fmt.Sprintf("first comparison; not swept (budget of %d), its group's %d swept failures all confirmed", c.s.MaxResolve, confirmed[g])
			continue
		}
		if comp.Status != NonFinite {
			comp.Status = Undecided
			comp.FailAt = math.Inf(1)
			if !st.valid {
				comp.Floor = math.Inf(1)
			}
		}
		why := "not swept: over the budget of " + fmt.Sprint(c.s.MaxResolve)
		if comp.Note != "" {
			why = comp.Note + "; " + why
		}
		comp.Note = why
	}
	return nil
}

// arbitrateUnswept asks the exact reference, where the problem offers
// one, about the components the sweep budget left pending, up to four
// times the budget again: one evaluation each, far cheaper than a sweep
// where the problem has a fast stencil for the sweeps but a generic
// extension. Agreement passes a component. Disagreement fails it only
// where its first stencil was known to cross no kink (at a kink the
// reference may differentiate another piece); elsewhere it stays pending.
func (c *checker) arbitrateUnswept() error {
	if c.s.Method.exact() {
		return nil
	}
	var todo []int
	for k := range c.comps {
		if st := c.st[k]; st.pending && !st.swept && len(todo) < 4*c.s.MaxResolve {
			todo = append(todo, k)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	if a, err := c.arbiterRef(); a == nil || err != nil {
		return err
	}
	ds := make([]float64, len(c.comps))
	err := c.forEach(todo, func(_ *worker, k int) error {
		d, _, err := c.partial(c.arbiter, k)
		ds[k] = d
		return err
	})
	if err != nil {
		return err
	}
	name := c.arbiter.Name()
	for _, k := range todo {
		c.raiseScale(ds[k])
	}
	for _, k := range todo {
		d := ds[k]
		if !finite(d) {
			continue
		}
		j := judge(c.comps[k].Claimed, d, c.refBound(c.arbiter, k, d), c.allow(k), &c.s)
		// A disagreement fails where the first stencil crossed no kink,
		// and, for a reference of unknown rounding (see refKnown), where
		// that stencil failed the claim too.
		if j.status == Pass || j.status == Fail && c.st[k].valid && c.pieces && (c.refKnown(k) || c.st[k].firstFail) {
			comp := &c.comps[k]
			c.decide(k, d, c.refBound(c.arbiter, k, d), c.allow(k))
			comp.Step = 0
			comp.Note = fmt.Sprintf("not swept (budget of %d); the %s reference %.6g decides", c.s.MaxResolve, name, d)
			c.st[k].arbitrated = true
		}
	}
	return nil
}

// blindKinks revisits the failures of a problem without piece
// information. Where several kinks meet at x (a zero input row with zero
// biases puts consecutive ReLU layers at 0 together), the chain rule's
// conventional value need not be any derivative of f along a coordinate,
// even one along which f happens to be smooth; pieces tell such a point,
// and without them only its kinks in other directions do. So x is probed
// along four random directions, at the steps 2⁻⁸·4⁻ʲ, j = 0 … 14: where
// the one-sided gaps of some direction at the three smallest steps above
// the noise do not shrink (see kinkLevel), x lies on a kink, and
// every failure there is Undecided, not failed. Away from kinks failures
// stand.
func (c *checker) blindKinks() error {
	if c.pieces {
		return nil
	}
	var fails []int
	for k := range c.comps {
		if c.comps[k].Status == Fail {
			fails = append(fails, k)
		}
	}
	if len(fails) == 0 {
		return nil
	}
	on, err := c.onKink()
	if err != nil || !on {
		return err
	}
	for _, k := range fails {
		comp := &c.comps[k]
		comp.Status = Undecided
		comp.FailAt, comp.Floor = math.Inf(1), math.Inf(1)
		comp.Note = comp.Note + "; but x lies on a kink (seen along another direction), and without piece information the chain rule's value where kinks meet need not be a derivative along this coordinate (give the model a Piece method to decide)"
	}
	return nil
}

// onKink reports whether probes along random directions find x on a kink
// of f (see blindKinks).
func (c *checker) onKink() (bool, error) {
	if err := c.noise(); err != nil {
		return false, err
	}
	rng := rand.New(rand.NewPCG(c.s.Seed, 0x6b696e6b))
	y := make([]float64, len(c.x))
	f0 := c.main.f0
	for range 4 {
		p := noiseDirection(c.x, rng)
		var gaps, rs []float64
		for j := range 15 {
			h := math.Ldexp(1, -8-2*j)
			var fv [2]float64
			for s, sign := range []float64{1, -1} {
				for i, xi := range c.x {
					y[i] = xi + sign*h*p[i]
				}
				v, _, err := c.main.eval(y)
				if err != nil {
					return false, err
				}
				fv[s] = v
			}
			gaps = append(gaps, math.Abs(fv[0]-2*f0+fv[1])/h)
			rs = append(rs, 2*oneSidedRound(c.sig(mag(fv[0], fv[1], f0)), h))
		}
		// The three smallest consecutive steps whose gaps stand above the
		// noise decide, as in kinkLevel.
		for n := len(gaps) - 1; n >= 2; n-- {
			if !(gaps[n] > rs[n]) {
				continue
			}
			if gaps[n-1] > rs[n-1] && gaps[n-2] > rs[n-2] && gaps[n] >= gaps[n-2]/4 {
				gone := false
				for m := n + 1; m < len(gaps); m++ {
					gone = gone || !(gaps[m] > rs[m]) && rs[m] < gaps[n]/4
				}
				if !gone {
					return true, nil
				}
			}
			break
		}
	}
	return false, nil
}

// evidence keeps the step sweeps of the worst failing components, sweeping
// those that have none yet.
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
	if len(bad) > 0 && c.sigma < 0 {
		if err := c.noise(); err != nil {
			return err
		}
	}
	for _, k := range bad {
		if c.st[k].sweep == nil {
			sw, err := c.sweep(c.main, k)
			if err != nil {
				return err
			}
			c.classify(k, sw)
			c.st[k].sweep = sw
		}
		r.Sweeps = append(r.Sweeps, *c.st[k].sweep)
	}
	return nil
}
