package numgrad

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Fast is the result of the fast check: k random projections of the
// claimed gradient against directional differences, a screen in front of
// the full check.
//
// Direction m is u = D·v with v ~ N(0, I) drawn from the seed and
// D = diag(max(1, |x_i|)), so that every coordinate moves by its own
// relative step. With x± = fl(x ± c·u) and Δ = x⁺ − x⁻ the displacement
// actually made, the check compares
//
//	f(x⁺) − f(x⁻)   with   aᵀΔ        (a the claimed gradient),
//
// both divided by 2c to read as directional derivatives. The estimate's
// bound is that of a pair of steps (pairBound) from the same difference at
// 2c, with the rounding of the values (noiseBound: 8σ, σ at least eps·|f|
// at the largest value met); the allowance for the rounding of aᵀΔ is
// Σ_i |Δ_i|·(the allowance of component i). A direction whose
// stencil may cross a kink (the pieces say so; without them, the one-sided
// gaps do not grow like a smooth f's, see gapRatioOK) is retried at a step
// 16 times smaller, up to three times, and is Undecided after that.
//
// Each projection is judged like a component. A projection that fails is
// then swept like a component (sweepDirection: the steps of a component's
// sweep along u, with its tests of kinks and of a pair's bound), since the
// gap test of one pair of steps is blind to some kinks (one at 2c/3 along
// u cancels in gap(2) − 4·gap(1)): the failure stands only where the
// sweep levels off away from the claim; where it converges to the claim
// the projection passes, and it is Undecided where the sweep finds a kink
// or no bound that decides; without pieces, a failure also turns
// Undecided where the full check then finds x on a kink (see
// projectionsAtKinks). If every one passes, the
// report is RIGHT without a per-component check. If one fails, the
// gradient is wrong along that direction — the report is WRONG even where
// no single component can be resolved — and the full central check runs to
// locate the error. If one is Undecided and none fails, the full check
// decides.
//
// # The chance of a miss
//
// A wrong gradient a = ∇f + e passes projection m only if |(De)ᵀv| ≤ τ_m
// (in directional-derivative units). (De)ᵀv is N(0, ‖De‖²), so each
// projection misses with probability at most √(2/π)·τ/‖De‖₂, and all k
// independent ones with at most (√(2/π)·τ/‖De‖₂)ᵏ, τ the largest tolerance:
// see [Fast.MissProbability] and [Fast.Detects].
type Fast struct {
	K int
	// Step is the relative step c.
	Step float64
	// Projections holds the k comparisons.
	Projections []Projection
	// Tol is τ, the largest tolerance of the projections.
	Tol float64
}

// Projection is one comparison of the fast check, in directional-
// derivative units.
type Projection struct {
	Claimed, Estimate, Bound, Tol, Score float64
	// Step is the relative step used (c, or smaller after a kink).
	Step   float64
	Status Status
	// Note says how a failure was re-examined (see [Fast]), or is empty.
	Note string
}

// Status returns Fail if a projection failed, NonFinite if one is not
// finite, Undecided if one is undecided, and Pass if every projection
// passed (Undecided for none).
func (f *Fast) Status() Status {
	if len(f.Projections) == 0 {
		return Undecided
	}
	st := Pass
	for _, p := range f.Projections {
		switch p.Status {
		case Fail:
			return Fail
		case NonFinite:
			st = NonFinite
		case Undecided:
			if st == Pass {
				st = Undecided
			}
		}
	}
	return st
}

// OK reports whether every projection passed.
func (f *Fast) OK() bool { return f.Status() == Pass }

// MissProbability bounds the probability that an error e with ‖De‖₂ = E
// (D = diag(max(1, |x_i|))) passes all k projections.
func (f *Fast) MissProbability(E float64) float64 {
	if !(E > 0) {
		return 1
	}
	return math.Min(1, math.Pow(math.Sqrt(2/math.Pi)*f.Tol/E, float64(f.K)))
}

// Detects returns the size E of an error (‖De‖₂) that the projections miss
// with probability at most p.
func (f *Fast) Detects(p float64) float64 {
	return math.Sqrt(2/math.Pi) * f.Tol / math.Pow(p, 1/float64(f.K))
}

// directions draws k directions v ~ N(0, I) from the seed.
func directions(seed uint64, k, n int) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 0x66617374))
	dirs := make([][]float64, k)
	for m := range dirs {
		dirs[m] = make([]float64, n)
		for i := range dirs[m] {
			dirs[m][i] = rng.NormFloat64()
		}
	}
	return dirs
}

// fast runs the projections; dirs are the saved directions of a replay,
// or nil to draw them from the seed (one at a time, into one buffer: the
// same numbers as directions gives).
func (c *checker) fast(dirs [][]float64) (*Fast, error) {
	n := len(c.x)
	k := c.s.Projections
	if dirs != nil {
		k = len(dirs)
	}
	for m, v := range dirs {
		if len(v) != n {
			return nil, fmt.Errorf("numgrad: direction %d has %d components, want %d", m, len(v), n)
		}
	}
	rng := rand.New(rand.NewPCG(c.s.Seed, 0x66617374))
	buf := make([]float64, n)
	direction := func(m int) []float64 {
		if dirs != nil {
			return dirs[m]
		}
		for i := range buf {
			buf[i] = rng.NormFloat64()
		}
		return buf
	}
	fr := &Fast{K: k, Step: c.s.Step, Projections: make([]Projection, k)}
	w := c.main
	a := c.claimed
	f0 := w.f0
	// The allowance of every component: from the term scale, computed
	// once; or, where there is none, the blind band at the scale of the
	// claim's own projection (which a wrong claim can only move by its own
	// size times √u).
	scaled := make([]float64, n)
	blind := make([]bool, n)
	for i := range scaled {
		if c.p.TermScale != nil && finite(c.p.TermScale[i]) {
			scaled[i] = scaledAllowance(c.s.ClaimEps, c.p.Chain, c.p.TermScale[i], a[i]).lo
		} else {
			blind[i] = true
		}
	}
	xmag := math.Max(1, mag(c.x...))
	xs := make([]float64, n)
	disp := make([]float64, n)
	rel := make([]float64, n) // max(1, |x_i|)
	for i, xi := range c.x {
		rel[i] = math.Max(1, math.Abs(xi))
	}
	at := func(v []float64, cs, t float64) (float64, bool, error) {
		for i, xi := range c.x {
			xs[i] = xi + t*cs*rel[i]*v[i]
		}
		return w.eval(xs)
	}
	// diff returns G(t) = f(x⁺) − f(x⁻), aᵀΔ, the allowance band for aᵀΔ,
	// the gap f(x⁺) − 2f(x) + f(x⁻) and max |f(x±)| for x± = x ± t·cs·u.
	diff := func(v []float64, cs, t float64) (g, claimed float64, al allowance, gap, fmag float64, crossed bool, err error) {
		fp, cp, err := at(v, cs, t)
		if err != nil {
			return
		}
		copy(disp, xs)
		fm, cm, err := at(v, cs, -t)
		if err != nil {
			return
		}
		var absA float64
		for i := range disp {
			d := disp[i] - xs[i]
			claimed += a[i] * d
			if blind[i] {
				absA += math.Abs(a[i] * d)
			} else {
				al.lo += math.Abs(d) * scaled[i]
			}
		}
		if absA > 0 {
			b := blindAllowance(c.s.ClaimEps, absA)
			al.hi = al.lo + b.hi
			al.lo += b.lo
		} else {
			al.hi = al.lo
		}
		return fp - fm, claimed, al, fp - 2*f0 + fm, mag(fp, fm), cp || cm, nil
	}
	for m := range k {
		v := direction(m)
		cs := c.s.Step
		var g1, cl1, g2, cl2, gap1, gap2, f1, f2 float64
		var al allowance
		valid, masked := false, 0.0
		for try := 0; try <= 3; try, cs = try+1, cs/16 {
			var cr1, cr2 bool
			var err error
			if g1, cl1, al, gap1, f1, cr1, err = diff(v, cs, 1); err != nil {
				return nil, err
			}
			if g2, cl2, _, gap2, f2, cr2, err = diff(v, cs, 2); err != nil {
				return nil, err
			}
			sg := c.sig(mag(f1, f2, f0))
			masked = 0
			if c.pieces {
				valid = !(cr1 || cr2)
			} else {
				// gap(t) ∝ t² for a smooth f: gap(2) ≈ 4·gap(1) (as
				// gapRatioOK has it for g = gap/h); a kink within both
				// stencils makes gap(2) − 4·gap(1) ≈ −2·Js. One the test
				// cannot see (Js ≤ T/2) errs the difference by
				// Js/2c ≤ T/4c at most.
				t := 0x1p-16*math.Abs(gap2) + noiseBound(sg, 1, 1, -4, -4, 6)
				valid = math.Abs(gap2-4*gap1) <= t
				masked = t / (4 * cs)
			}
			if valid {
				break
			}
		}
		// The directional differences D₁ = G(1)/2c and D₂ = G(2)/4c bound D₁'s
		// error as any pair of steps does (pairBound), after the first-order
		// change aᵀ(Δ₂ − 2Δ₁) that the rounding of the displacements makes.
		sg := c.sig(mag(f1, f2, f0))
		r1 := noiseBound(sg, 1, -1) / (2 * cs)
		d1, d2 := g1/(2*cs), (g2-(cl2-2*cl1))/(4*cs)
		b := pairBound(d1, d2, r1, r1/2) + masked
		al.lo, al.hi = al.lo/(2*cs), al.hi/(2*cs)
		p := Projection{Claimed: cl1 / (2 * cs), Estimate: g1 / (2 * cs), Bound: b, Step: cs}
		j := judge(p.Claimed, p.Estimate, bound{b, b}, al, &c.s)
		p.Tol, p.Score, p.Status = j.tol, j.score, j.status
		if j.status != NonFinite && !finite(f0) {
			p.Status = NonFinite
		}
		if !valid && p.Status != NonFinite {
			p.Status = Undecided
		}
		// A pass within a bound of the projection's own size resolves
		// nothing (see resolves).
		if scale := math.Max(math.Abs(p.Estimate), math.Abs(f0)/xmag); p.Status == Pass && 2*b > resolveFraction*scale {
			p.Status = Undecided
		}
		if p.Status == Fail {
			sw, err := c.sweepDirection(v, rel)
			if err != nil {
				return nil, err
			}
			c.settleProjection(&p, sw, al)
		}
		fr.Projections[m] = p
		fr.Tol = math.Max(fr.Tol, p.Tol)
	}
	return fr, nil
}

// sweepDirection returns the step sweep of the directional derivative of f
// along u = D·v at x, against the claim's aᵀu: the steps of a component's
// sweep (relative steps sweepFirst·4⁻ʲ), each displacement's rounding
// taken out of f's values to first order, aᵀ(fl(x ± h·u) − x ∓ h·u), as
// the projections take it out of theirs.
func (c *checker) sweepDirection(v, rel []float64) (*Sweep, error) {
	n := len(c.x)
	w, a := c.main, c.claimed
	xp, xm := make([]float64, n), make([]float64, n)
	au := 0.0
	for i := range v {
		au += a[i] * rel[i] * v[i]
	}
	sw := &Sweep{Index: -1, Claimed: au, Best: -1, Bound: math.Inf(1), pieces: c.pieces}
	f0 := w.f0
	h := sweepFirst
	for lvl := 0; lvl < sweepLevels+sweepExtra; lvl, h = lvl+1, h/4 {
		if len(sw.Steps) >= sweepLevels && !c.extend(sw) {
			break
		}
		var ep, em float64
		for i, xi := range c.x {
			hu := h * rel[i] * v[i]
			xp[i], xm[i] = xi+hu, xi-hu
			ep += a[i] * ((xp[i] - xi) - hu)
			em += a[i] * ((xm[i] - xi) + hu)
		}
		fp, cp, err := w.eval(xp)
		if err != nil {
			return nil, err
		}
		fm, cm, err := w.eval(xm)
		if err != nil {
			return nil, err
		}
		fpc, fmc := fp-ep, fm-em
		d := (fpc - fmc) / (2 * h)
		sw.Steps = append(sw.Steps, h)
		sw.Estimates = append(sw.Estimates, d)
		sw.Errors = append(sw.Errors, math.Abs(d-au))
		sw.Left = append(sw.Left, (f0-fmc)/h)
		sw.Right = append(sw.Right, (fpc-f0)/h)
		sw.gap = append(sw.gap, (fpc-2*f0+fmc)/h)
		sw.Crossing = append(sw.Crossing, cp || cm)
		sw.crossL = append(sw.crossL, cm)
		sw.crossR = append(sw.crossR, cp)
		sw.fmag = append(sw.fmag, mag(fp, fm, f0))
	}
	// Put the main worker back at x for what follows.
	if _, _, err := w.eval(c.x); err != nil {
		return nil, err
	}
	c.bestLevel(sw)
	return sw, nil
}

// settleProjection applies the sweep sw of failed projection p, whose
// claim has the allowance al: as a component's sweep is classified (see
// classify), with the projection's own scale for what resolves.
func (c *checker) settleProjection(p *Projection, sw *Sweep, al allowance) {
	undecided := func(why string) {
		p.Status = Undecided
		p.Note = "failed at its step; " + why
	}
	if !sw.pieces {
		if j, ok := c.kinkLevel(sw); ok && sw.Best >= j-1 {
			undecided("the step sweep along it finds a kink at x")
			return
		}
	}
	if sw.Best < 0 {
		undecided("no pair of steps along it holds a bound that decides (kinks, or rounding)")
		return
	}
	e, b := sw.Estimates[sw.Best], sw.Bound
	j := judge(sw.Claimed, e, bound{b, b}, al, &c.s)
	scale := math.Max(math.Abs(e), math.Abs(c.main.f0)/math.Max(1, mag(c.x...)))
	switch {
	case j.status == Pass && 2*b <= resolveFraction*scale:
		p.Status = Pass
		p.Note = fmt.Sprintf("failed at its step, across a kink; the step sweep along it agrees at h = %.2g (bound %.2g)", sw.Steps[sw.Best], b)
	case j.status == Fail && c.jumpsAtX(sw):
		undecided(fmt.Sprintf("the step sweep along it settles %.3g from the claim at h = %.2g, but f jumps at x on the scale of the steps (see the sweep's jumpsAtX)", math.Abs(e-sw.Claimed), sw.Steps[sw.Best]))
	case j.status == Fail:
		p.Note = fmt.Sprintf("the step sweep along it levels off %.3g from the claim at h = %.2g (bound %.2g)", math.Abs(e-sw.Claimed), sw.Steps[sw.Best], b)
	default:
		undecided(fmt.Sprintf("the step sweep along it agrees at h = %.2g only within a bound, %.2g, that does not resolve the claim", sw.Steps[sw.Best], b))
	}
}

// projectionsAtKinks makes Undecided the failed projections of a problem
// without pieces where the full check found x on a kink (a Kink component,
// or one whose sweep shows f jumping at x on the steps' scale, see steps):
// a projection's disagreement is evidence only where no kink lies within
// the check's resolution of x along it, which without pieces nothing along
// a random direction tells. Kinks close to x whose slope changes cancel
// along u (one unit turning on at t = +1e-12, another off at t = −1e-12)
// leave its one-sided gaps smooth while its central differences average
// the pieces beyond them: the sweep along u levels off away from a claim
// that is the derivative of x's own piece (soundness finding 5, tiny
// weights). The components, swept one by one, decide instead.
func (c *checker) projectionsAtKinks(f *Fast) {
	if f == nil || c.pieces {
		return
	}
	kink := false
	for k, comp := range c.comps {
		sw := c.st[k].sweep
		kink = kink || comp.Status == Kink || sw != nil && sw.ramp
	}
	if !kink {
		return
	}
	for m := range f.Projections {
		if p := &f.Projections[m]; p.Status == Fail {
			p.Status = Undecided
			why := "x lies on kinks that the component sweeps found, which a random direction may cross without a trace in its one-sided differences"
			if p.Note != "" {
				why = p.Note + "; but " + why
			}
			p.Note = why
		}
	}
}
