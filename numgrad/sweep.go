package numgrad

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/gradcheck/gradcheck/backprop"
)

// The step sweep: relative steps c_j = 2^{−4−2j}, j = 0, …, 12 (6e-2 down to
// 4e-9), each a quarter of the one before, so that the truncation error of
// a central difference falls 16-fold per level while its rounding error
// grows 4-fold; and up to sweepExtra more where, with the pieces known, a
// kink lies just above the smallest step or both of its sides still cross
// one (see extend).
const (
	sweepFirst  = 1.0 / 16
	sweepLevels = 13
	sweepExtra  = 16
)

// SweepVerdict is what a step sweep shows about one component.
type SweepVerdict int

const (
	// Converges: a pair of steps holds a bound within which the claim
	// agrees: the claim is right.
	Converges SweepVerdict = iota
	// LevelsOff: the differences settle, with a bound, at a value the
	// claim misses by more than the bound and the claim's rounding: it is
	// wrong by about that gap.
	LevelsOff
	// AtKink: the one-sided derivatives stay apart however small h gets:
	// the point sits on a kink (see [Kink]).
	AtKink
	// Unsettled: no pair of steps holds a bound that decides (every step
	// is dominated by rounding or by a kink that cannot be told apart, or
	// the gap is one the claim's rounding could explain).
	Unsettled
)

var sweepNames = [...]string{"converges", "levels off", "kink", "unsettled"}

func (v SweepVerdict) String() string {
	if v < 0 || int(v) >= len(sweepNames) {
		return fmt.Sprintf("SweepVerdict(%d)", int(v))
	}
	return sweepNames[v]
}

// MarshalText writes the verdict's name.
func (v SweepVerdict) MarshalText() ([]byte, error) { return []byte(v.String()), nil }

// Sweep is the central difference of one component at a ladder of steps,
// and what it shows.
type Sweep struct {
	Index int
	Loc   *backprop.Location
	// Claimed is the claimed value.
	Claimed float64
	// Steps[j] is h_j; Estimates[j] the central difference D_j at it;
	// Errors[j] = |D_j − Claimed|; Left[j] and Right[j] the one-sided
	// differences; Crossing[j] whether the stencil crossed a kink (all
	// false when the problem cannot tell).
	Steps, Estimates, Errors, Left, Right []float64
	Crossing                              []bool
	// Best is the level whose estimate holds the least bound, Bound that
	// bound (see pairBound): among the levels paired with the next smaller
	// one, whose value agrees with every smaller step's within the bound
	// and the smaller step's rounding, and, where the pieces are unknown,
	// whose one-sided gaps shrink as a smooth function's do (see
	// gapRatioOK). −1 if no level qualifies.
	Best  int
	Bound float64
	// Slope is the least-squares slope of log Errors against log Steps over
	// the levels from the largest step down to Best: near 2 where truncation
	// dominates a correct value, near 0 for a wrong one.
	Slope   float64
	Verdict SweepVerdict
	// Gap is |D_Best − Claimed|.
	Gap float64

	pieces         bool      // Crossing is known
	crossL, crossR []bool    // x − h, x + h lie on another piece than x
	fmag           []float64 // the largest |f| of each level's stencil
	flat           []bool    // f(x ± h) equal below a level where they differ
	ramp           bool      // f jumps at x on the steps' scale (see steps)
	gap            []float64 // (f(x+h) − 2f(x) + f(x−h))/h
}

// sweep evaluates the ladder for component k and finds its best level.
func (c *checker) sweep(w *worker, k int) (*Sweep, error) {
	i := c.idx[k]
	xi := c.x[i]
	sw := &Sweep{Index: i, Loc: c.comps[k].Loc, Claimed: c.comps[k].Claimed, Best: -1, Bound: math.Inf(1), pieces: c.pieces}
	cstep := sweepFirst
	// The ladder has sweepLevels steps; where only its smallest step stays
	// clear of a kink on one side (the kink lies just above it there), it
	// goes on by up to sweepExtra steps, so that a pair of steps below the
	// kink measures the truncation error of a steep f rather than assuming
	// it is small; and so it does where both sides still cross (see
	// extend).
	for lvl := 0; lvl < sweepLevels+sweepExtra; lvl++ {
		if len(sw.Steps) >= sweepLevels && !c.extend(sw) {
			break
		}
		h := Step(xi, cstep)
		cstep /= 4
		if !(h > 0) {
			break
		}
		fp, cp, err := w.at(i, xi+h)
		if err != nil {
			return nil, err
		}
		fm, cm, err := w.at(i, xi-h)
		if err != nil {
			return nil, err
		}
		d := (fp - fm) / (2 * h)
		sw.Steps = append(sw.Steps, h)
		sw.Estimates = append(sw.Estimates, d)
		sw.Errors = append(sw.Errors, math.Abs(d-sw.Claimed))
		sw.Left = append(sw.Left, (w.f0-fm)/h)
		sw.Right = append(sw.Right, (fp-w.f0)/h)
		sw.gap = append(sw.gap, (fp-2*w.f0+fm)/h)
		sw.Crossing = append(sw.Crossing, cp || cm)
		sw.crossL = append(sw.crossL, cm)
		sw.crossR = append(sw.crossR, cp)
		sw.fmag = append(sw.fmag, mag(fp, fm, w.f0))
	}
	c.bestLevel(sw)
	return sw, nil
}

// extend reports whether the sweep should take one more, smaller step.
// With the pieces known: on some side its smallest step stays on x's piece
// and the one before does not (one more gives a pair of steps on x's
// piece), or neither side's smallest step stays on it. Where the kinks lie
// closer to x than the ladder's smallest step (weights of 1e-11, whose
// pre-activations are 1e-22 from their kinks) only smaller steps reach x's
// own piece; their rounding is larger, and what they cannot resolve stays
// Undecided. Without the pieces: the smallest step's difference misses the
// claim by more than four times its rounding (or the one before did: one
// more step makes a pair below it), so that a smaller step can still test
// the disagreement. Kinks within the smallest step whose slope
// changes cancel (two samples at z = ±1e-9 that turn on and off) leave
// the one-sided gaps of a smooth f and a central difference that levels
// off away from x's own slope; only a step below them sees x's piece, and
// a wrong claim's gap persists at every step.
func (c *checker) extend(sw *Sweep) bool {
	n := len(sw.Steps)
	// No extension below 2⁻⁴⁰ of the coordinate's scale (minRelStep): there
	// a step's change to f's inputs may vanish in f's own rounding (w·(x +
	// h) + b with b large rounds to w·x + b), which looks like a flat f, or
	// a flat piece, that is not there.
	above := sweepFirst*math.Pow(4, -float64(n)) >= minRelStep
	if !sw.pieces {
		// And one step past the last that missed, for a pair below it.
		return above && (sw.Errors[n-1] > 4*c.r(sw, n-1) || sw.Errors[n-2] > 4*c.r(sw, n-2))
	}
	onto := !sw.crossL[n-1] && sw.crossL[n-2] || !sw.crossR[n-1] && sw.crossR[n-2]
	// Both sides crossing calls for steps down to 2⁻⁴⁰ of the coordinate's
	// scale, no smaller: below it a step's change to f's inputs may vanish
	// in f's own rounding (z = w·(x + h) + rest, with rest large, rounds to
	// the z of x), which puts x + h on x's piece with f(x + h) = f(x) and
	// looks like a flat piece that is not there.
	deep := sw.crossL[n-1] && sw.crossR[n-1] && above
	return onto || deep
}

// minRelStep is the smallest relative step the settings accept (see
// CheckSettings.Step), and the floor of the deep steps of extend.
const minRelStep = 0x1p-40

// r returns the rounding bound of level j's central difference.
func (c *checker) r(sw *Sweep, j int) float64 { return centralRound(c.sig(sw.fmag[j]), sw.Steps[j]) }

// bestLevel sets sw.Best and sw.Bound.
func (c *checker) bestLevel(sw *Sweep) {
	levels := len(sw.Steps)
	// Where the pieces are known, a level where f(x + h) = f(x − h)
	// exactly, below a level on x's piece where it changes by more than
	// its rounding, measured nothing: f's change over the stencil is below its rounding there (a
	// cost that is the small difference of large terms is flat at that
	// scale). It is left out like a crossing. (Without the pieces, f may
	// as well be flat on a dead ReLU region that the larger steps leave.)
	sw.flat = make([]bool, levels)
	changed := false
	for j := range levels {
		sw.flat[j] = sw.pieces && changed && sw.Estimates[j] == 0
		changed = changed || !sw.Crossing[j] && finite(sw.Estimates[j]) && math.Abs(sw.Estimates[j]) > c.r(sw, j)
	}
	for j := 0; j+1 < levels; j++ {
		if !c.usable(sw, j) || !c.usable(sw, j+1) {
			continue
		}
		b := pairBound(sw.Estimates[j], sw.Estimates[j+1], c.r(sw, j), c.r(sw, j+1))
		if !sw.pieces {
			sg := c.sig(math.Max(sw.fmag[j], sw.fmag[j+1]))
			ok, masked := gapRatioOK(sw.gap[j+1], sw.gap[j], sw.Steps[j+1], sw.Steps[j], gapPairRound(sg, sw.Steps[j+1], sw.Steps[j]))
			if !ok {
				continue
			}
			// The estimate is D_j, at the larger step of the pair: a kink
			// the test cannot see errs it by at most ρ times what it errs
			// the smaller one by.
			b += masked * sw.Steps[j] / sw.Steps[j+1]
		}
		if b < sw.Bound && c.consistent(sw, j, b) {
			sw.Best, sw.Bound = j, b
		}
	}
	if sw.Best >= 0 {
		sw.Gap = sw.Errors[sw.Best]
		sw.Slope = slope(sw.Steps[:sw.Best+1], sw.Errors[:sw.Best+1])
	}
}

func (c *checker) usable(sw *Sweep, j int) bool {
	return finite(sw.Estimates[j]) && !sw.Crossing[j] && !sw.flat[j]
}

// consistent reports whether D_j with the error bound b agrees with the
// central difference at every smaller usable step k within b plus twice
// k's rounding bound. In the h² regime the smaller steps' truncation is
// less than D_j's, so a right bound passes; a pair of large steps that
// agree by accident (both on a plateau where f saturates, or both across
// a kink) is refused by the finer steps that see the slope.
func (c *checker) consistent(sw *Sweep, j int, b float64) bool {
	for k := j + 2; k < len(sw.Steps); k++ {
		if !c.usable(sw, k) {
			continue
		}
		if math.Abs(sw.Estimates[j]-sw.Estimates[k]) > b+2*c.r(sw, k) {
			return false
		}
	}
	return true
}

// kinkLevel returns the level at which to compare with the one-sided
// derivatives when the point sits on a kink, and whether it does. With the
// pieces known, the point is on a kink exactly when the two smallest steps
// still cross one; the level is then the smallest whose one-sided gap
// stands above the noise. Without them, the point is on a kink when the
// one-sided gaps g_j = |Right_j − Left_j| of the three smallest steps all
// stand above the noise and do not shrink (a smooth f gives g_j ≈
// h_j·|f″|, falling 16-fold over two levels, down into the noise; a kink
// keeps it at the jump of the slope). A kink farther away than the
// smallest step is no kink at x: the small steps see a smooth f.
func (c *checker) kinkLevel(sw *Sweep) (int, bool) {
	n := len(sw.Steps)
	if n < 3 {
		return 0, false
	}
	gap := func(j int) float64 { return math.Abs(sw.Right[j] - sw.Left[j]) }
	above := func(j int) bool { return gap(j) > 2*oneSidedRound(c.sig(sw.fmag[j]), sw.Steps[j]) }
	if sw.pieces {
		if !(sw.Crossing[n-1] && sw.Crossing[n-2]) {
			return 0, false
		}
		for j := n - 1; j >= 0; j-- {
			if above(j) {
				return j, true
			}
		}
		return n - 1, true
	}
	// The three smallest consecutive steps whose gaps stand above the noise
	// decide: below them the noise hides a jump of the slope as well as
	// the shrinking of a smooth f's gap, so a kink they show lies within
	// the check's resolution of x.
	// A smaller step whose gap, with its noise, fell well below that jump
	// shows the jump gone: the kink lies between the two steps, not at x.
	// A step below the triple whose gap only stands above the noise by
	// chance (the smallest step's, at twice its noise) is not a triple of
	// its own, and the search goes on to larger steps.
	for j := n - 1; j >= 2; j-- {
		if !finite(gap(j)) || !above(j) {
			continue
		}
		if !above(j-1) || !above(j-2) || !finite(gap(j-1)) || !finite(gap(j-2)) || gap(j) < gap(j-2)/4 {
			continue
		}
		for k := j + 1; k < n; k++ {
			if gap(k)+2*oneSidedRound(c.sig(sw.fmag[k]), sw.Steps[k]) < gap(j)/4 {
				return 0, false
			}
		}
		return j, true
	}
	return 0, false
}

// classify sets sw.Verdict, what the sweep shows about the claim a of
// component k: Converges or LevelsOff where a level holds a bound that
// decides, AtKink where the one-sided derivatives stay apart, Unsettled
// otherwise. Without pieces a kink that the smallest steps above the noise
// show outranks a pair of steps below them: those pass the gap test only
// because the noise hides the jump, and where several kinks meet at x the
// central difference there is no derivative of x's piece at all.
func (c *checker) classify(k int, sw *Sweep) {
	if !sw.pieces {
		if j, ok := c.kinkLevel(sw); ok && sw.Best >= j-1 {
			sw.Verdict = AtKink
			return
		}
	}
	switch {
	case sw.Best >= 0:
		switch j := judge(sw.Claimed, sw.Estimates[sw.Best], bound{sw.Bound, sw.Bound}, c.allow(k), &c.s); j.status {
		case Pass:
			sw.Verdict = Converges
			if !c.resolves(sw.Bound) {
				sw.Verdict = Unsettled
			}
		case Fail, NonFinite:
			sw.Verdict = LevelsOff
			if c.jumpsAtX(sw) {
				sw.Verdict, sw.ramp = Unsettled, true
			}
		default:
			sw.Verdict = Unsettled
		}
	default:
		sw.Verdict = Unsettled
		if _, ok := c.kinkLevel(sw); ok {
			sw.Verdict = AtKink
		}
	}
}

// jumpsAtX reports whether the sweep shows f jumping at x on the scale of
// its steps, where no step resolves the slope: a ramp narrower than the
// steps where the pieces are unknown (steps), a finite change of f within
// the smallest step that its pieces do not declare where they are known
// (saturates).
func (c *checker) jumpsAtX(sw *Sweep) bool {
	if sw.pieces {
		return c.saturates(sw)
	}
	return c.steps(sw)
}

// saturates reports whether f, on x's piece as the pieces say, changes by
// a finite amount within the smallest steps: at the three smallest levels
// that cross no kink, the second differences |f(x + h) − 2f(x) + f(x − h)|
// stand above their noise and do not shrink with h (each at least half the
// one before), where a smooth f's shrink like h². A tanh behind a weight of
// 4.6e15 saturates within 1e-16 of x: f(x ± h) = 1 at every step, f(x) =
// 2e-16, the central differences are 0 at every step, and they level off
// at 0 away from a claim of 1.4e8 that is right (FuzzGradient's
// regress-saturation-below-the-steps). No step sees x's slope.
func (c *checker) saturates(sw *Sweep) bool {
	var run []float64
	for j := len(sw.Steps) - 1; j >= 0 && len(run) < 3; j-- {
		if sw.Crossing[j] {
			continue
		}
		e := math.Abs(sw.gap[j] * sw.Steps[j])
		if !finite(e) || !(e > noiseBound(c.sig(sw.fmag[j]), 1, -2, 1)) {
			return false
		}
		run = append(run, e)
	}
	// run holds the smallest step's first: each larger step's at most
	// twice the one below it.
	return len(run) == 3 && run[1] <= 2*run[0] && run[2] <= 2*run[1]
}

// steps reports whether f, seen without its pieces, jumps at x on the
// scale of the smallest steps: against the estimate D_0 of some larger
// step, the deviations (D_j − D_0)·h_j of three or more consecutive
// levels, the last below the best, keep their sign, hold still as h
// shrinks (each at least ¾ of the one before: a ramp's grow), and their
// sum stands above the bound of its noise, √Σ r_j² with r_j each one's
// bound, plus Σ t₀·h_j for D_0's own error t₀: the rounding of different
// points is independent, so m such levels resolve a ramp √m times below
// one level's noise (properties-long seed 7: J·w/2 = 3.3e-14 beside r_j =
// 3.8e-14 at six levels), while a large step's truncation, shifting
// every deviation by t₀·h_j, with noise on top, does not pass for one
// (soundness: hand-written #310, a smooth component 1 % wrong).
//
// Two kinks closer to x than the smallest steps, one on each side, whose
// slope changes undo each other (units turning on at t = +2e-13 and off at
// t = −1e-13) make f a ramp of width w narrower than the steps: D_j = a +
// J·w/(2h_j) grows like 1/h towards x's own slope a, each within its
// rounding, the pairs of levels agree away from a claim that is right on
// the ramp, and the deviations hold still at J·w/2 down to the smallest
// step. No step that resolves the claim's slope stays on x's piece: no
// verdict. A smooth f's deviations shrink like h (D_j − D_0 tends to a
// constant), and so do those of the steps that stay on x's piece below a
// kink at distance s (D_j = a there); the steps above such a kink give D_j
// = a + J/2 − J·s/(2h_j), whose deviations J·s/2·(1 − h_j/h_0) hold still,
// which is why the run must pass below the best: a kink that the smaller
// steps leave behind shows it above the best pair. D_0 may be any larger
// step's, the best's or one below it: where the best is a large step whose
// truncation T is comparable to J·w/2 over the smallest steps (T·h_j),
// only a step near the run leaves the ramp alone in the deviations.
// (properties' TestMLPWithoutPiecesRegressions: w = 3.4e-13 with the best
// pair straddling the ramp; w = 8.5e-14 with the best at h = 0.016.)
func (c *checker) steps(sw *Sweep) bool {
	if sw.Best < 0 {
		return false
	}
	n := len(sw.Steps)
	for j0 := 0; j0+1 < n; j0++ {
		d0 := sw.Estimates[j0]
		// D_0's own error, to the next level's difference (4/3 of it
		// bounds the truncation in the h² regime), shifts every deviation
		// by up to t0·h_j, which shrinks with h like a smooth f's.
		t0 := math.Abs(d0-sw.Estimates[j0+1]) * 4 / 3
		if !finite(t0) {
			continue
		}
		dev := func(k int) float64 { return (sw.Estimates[k] - d0) * sw.Steps[k] }
		for j := max(j0+1, sw.Best-1); j+2 < n; j++ {
			// The run j … k grows while its deviations keep their sign and
			// hold still; it counts from three levels on where their sum
			// stands above the bound of its noise and of D_0's error.
			var sum, ss, shift float64
			for k := j; k < n; k++ {
				d := dev(k)
				if !finite(d) || d == 0 || k > j && (d > 0) != (sum > 0) || k > j && math.Abs(d) < 0.75*math.Abs(dev(k-1)) {
					break
				}
				r := noiseBound(c.sig(sw.fmag[k]), 0.5, -0.5)
				sum, ss, shift = sum+d, ss+r*r, shift+t0*sw.Steps[k]
				if k-j >= 2 && math.Abs(sum) > math.Sqrt(ss)+shift {
					return true
				}
			}
		}
	}
	return false
}

// apply sets component k's verdict from its sweep.
func (c *checker) apply(k int, sw *Sweep) error {
	comp := &c.comps[k]
	c.classify(k, sw)
	switch sw.Verdict {
	case Converges, LevelsOff:
		c.decide(k, sw.Estimates[sw.Best], bound{sw.Bound, sw.Bound}, c.allow(k))
		comp.Step = sw.Steps[sw.Best]
		if sw.Verdict == Converges {
			comp.Note = fmt.Sprintf("step sweep: agrees at h = %.2g", comp.Step)
		} else {
			comp.Note = fmt.Sprintf("step sweep: the differences settle %.3g from the claim at h = %.2g (bound %.2g, slope %.1f)", sw.Gap, comp.Step, sw.Bound, sw.Slope)
		}
		return nil
	case AtKink:
		j, _ := c.kinkLevel(sw)
		if sw.pieces {
			return c.applyOwnPiece(k, sw)
		}
		c.applyBracket(k, sw, j)
		return nil
	}
	if sw.ramp {
		comp.Status = Undecided
		comp.Step, comp.Estimate = sw.Steps[sw.Best], sw.Estimates[sw.Best]
		comp.Bound, comp.Tol, comp.FailAt, comp.Floor = sw.Bound, math.NaN(), math.Inf(1), math.Inf(1)
		comp.Note = fmt.Sprintf("step sweep: the differences settle %.3g from the claim at h = %.2g, but below it f(x + h) − f(x − h) does not shrink with h: f jumps at x on the scale of the steps (kinks closer than they, without the pieces), and no step that resolves the slope stays on x's piece", sw.Gap, comp.Step)
		if sw.pieces {
			comp.Note = fmt.Sprintf("step sweep: the differences settle %.3g from the claim at h = %.2g, but f(x + h) − 2f(x) + f(x − h) does not shrink with h: f changes by a finite amount within the smallest step (it saturates or jumps there, which its pieces do not declare), and no step resolves the slope", sw.Gap, comp.Step)
		}
		return nil
	}
	if sw.Best >= 0 {
		j := c.decide(k, sw.Estimates[sw.Best], bound{sw.Bound, sw.Bound}, c.allow(k))
		comp.Step = sw.Steps[sw.Best]
		comp.Note = fmt.Sprintf("step sweep: the gap %.3g at h = %.2g is one the claim's rounding could explain (declare the term scale to decide)", sw.Gap, comp.Step)
		if j.status == Pass {
			comp.Status = Undecided
			comp.FailAt = math.Inf(1)
			comp.Note = fmt.Sprintf("step sweep: the best bound, %.2g at h = %.2g, is too wide to resolve the claim (every step is dominated by rounding or curvature)", sw.Bound, comp.Step)
		}
		return nil
	}
	n := len(sw.Steps) - 1
	comp.Status = Undecided
	comp.Step = sw.Steps[n]
	comp.Estimate = sw.Estimates[n]
	comp.Bound, comp.Floor, comp.FailAt = math.Inf(1), math.Inf(1), math.Inf(1)
	comp.RelErr = RelErr(comp.Claimed, comp.Estimate)
	comp.Note = "step sweep: no pair of steps holds a bound (every step is dominated by rounding, or crosses kinks)"
	if !finite(comp.Estimate) || !finite(comp.Claimed) || !finite(c.main.f0) {
		comp.Status = NonFinite
	}
	return nil
}

// applyBracket judges a component at a kink when the pieces are unknown:
// the claim, the derivative of one of the pieces that meet at x, must lie
// between the one-sided derivatives at the kink's level j. They err by
// O(h): the change from level j to j+1 (a quarter of the step) is ¾ of
// that error, so 4/3 of it bounds it; 2·oneSidedRound bounds their
// rounding. Inside, the component is a Kink; outside, it is Undecided, not
// failed: where several kinks meet within the smallest step, the piece x
// lies on may be one that neither side shows (a Piece method decides it).
func (c *checker) applyBracket(k int, sw *Sweep, j int) {
	comp := &c.comps[k]
	l, r := sw.Left[j], sw.Right[j]
	lo, hi := math.Min(l, r), math.Max(l, r)
	tol := 2 * oneSidedRound(c.sig(sw.fmag[j]), sw.Steps[j])
	if j+1 < len(sw.Steps) {
		tol += 4.0 / 3 * (math.Abs(sw.Left[j]-sw.Left[j+1]) + math.Abs(sw.Right[j]-sw.Right[j+1]))
	}
	w := c.allow(k)
	num := l
	if math.Abs(r-comp.Claimed) < math.Abs(l-comp.Claimed) {
		num = r
	}
	c.decide(k, num, bound{tol, tol}, w)
	comp.Step, comp.Left, comp.Right = sw.Steps[j], l, r
	comp.Floor = hi - lo + 2*tol + w.hi
	if comp.Status == NonFinite {
		return
	}
	if comp.Claimed >= lo-tol-w.lo && comp.Claimed <= hi+tol+w.lo {
		comp.Status = Kink
		comp.Note = fmt.Sprintf("kink: the claim lies within the one-sided derivatives [%.6g, %.6g] at h = %.2g", lo, hi, comp.Step)
		return
	}
	comp.Status = Undecided
	comp.FailAt, comp.Floor = math.Inf(1), math.Inf(1)
	comp.Note = fmt.Sprintf("kink: the claim lies outside the one-sided derivatives [%.6g, %.6g] at h = %.2g, but without the pieces (a Piece method) several kinks may meet there", lo, hi, comp.Step)
}

// applyOwnPiece judges a component at a kink when the pieces are known.
// The claim is the derivative of the piece x itself lies on (the
// convention of the model, such as f′(0) = 0 for ReLU), so it is compared
// with the one-sided difference on the side that stays on that piece, at
// the level where that difference is most accurate. Its O(h) error is 4/3
// of its change to the next, four times smaller step, taken with a margin
// of 2 (the level is picked as the least of many, which favours a change
// that is small by chance); its rounding is bounded by 2·oneSidedRound at
// both levels. If neither side stays on x's piece at any two consecutive
// levels (several kinks meet at x, and the model's convention picks a
// derivative no one-sided difference shows), the component is Undecided.
//
// Where the problem says that x's piece depends on the order of
// evaluation at the claim's precision (Problem.Ambiguous: a pre-activation
// within rounding of its kink), a correct claim may be the derivative of
// either side: it is a Kink if it agrees with the side of x's own piece,
// and Undecided otherwise, never failed — a claim that agrees with the
// other side is right if its evaluation put x there and wrong if it
// dropped a derivative, and nothing here tells the two apart.
func (c *checker) applyOwnPiece(k int, sw *Sweep) error {
	comp := &c.comps[k]
	amb, err := c.isAmbiguous()
	if err != nil {
		return err
	}
	sigs, err := c.sideSignatures(k, sw)
	if err != nil {
		return err
	}
	n := len(sw.Steps) - 1
	sides := [2][]float64{sw.Left, sw.Right}
	// Side s's adjacent piece is the one its smallest step reaches; its
	// levels on that piece estimate that piece's slope. It is x's own piece
	// when the signatures agree.
	var own [2]bool
	var best [2]int
	var bestTol [2]float64
	for s := range 2 {
		adj := sigs[s][n]
		own[s] = adj == string(c.main.sig0)
		best[s], bestTol[s] = -1, math.Inf(1)
		if !own[s] && !amb {
			continue
		}
		d := sides[s]
		off := make([]bool, len(d)) // levels on another piece than adj, or flat
		changed := false
		for j := range d {
			off[j] = sigs[s][j] != adj
			// A difference exactly 0 below a level on the same piece
			// where f did change by more than its rounding measured
			// nothing: f's change over the step is below its rounding
			// (the deep steps where both sides cross, see extend), as
			// bestLevel's flat levels. Below a change within rounding
			// (a slope of 4e-15 from an input of 6e-14) a 0 is a
			// measurement: the slope is within the rounding bound.
			if !off[j] {
				off[j] = changed && d[j] == 0
				changed = changed || finite(d[j]) && math.Abs(d[j]) > oneSidedRound(c.sig(sw.fmag[j]), sw.Steps[j])
			}
		}
		for j := 0; j+1 < len(sw.Steps); j++ {
			if off[j] || off[j+1] || !finite(d[j]) || !finite(d[j+1]) {
				continue
			}
			r0 := oneSidedRound(c.sig(sw.fmag[j]), sw.Steps[j])
			r1 := oneSidedRound(c.sig(sw.fmag[j+1]), sw.Steps[j+1])
			// The pair's difference bounds the O(h) error only in the
			// O(h) regime (see oneSidedShrinks).
			if !c.oneSidedShrinks(sw, off, d, j) {
				continue
			}
			tol := 3*math.Abs(d[j]-d[j+1]) + 2*r0 + 2*r1
			if tol < bestTol[s] && c.oneSidedConsistent(sw, off, d, j, tol) {
				best[s], bestTol[s] = j, tol
			}
		}
	}
	comp.Left, comp.Right = sw.Left[n], sw.Right[n]
	undecided := func(note string) {
		comp.Status = Undecided
		comp.Bound, comp.Floor, comp.FailAt = math.Inf(1), math.Inf(1), math.Inf(1)
		comp.Note = note
		if !finite(comp.Claimed) || !finite(c.main.f0) {
			comp.Status = NonFinite
		}
	}
	if best[0] < 0 && best[1] < 0 {
		comp.Step, comp.Estimate = sw.Steps[n], sw.Left[n]
		undecided("kink: neither side of x stays on x's piece (several kinks meet at x): no one-sided derivative to compare with")
		return nil
	}
	names := [2]string{"left", "right"}
	// The side to judge by: the one that agrees (x's own piece first),
	// else the tighter one.
	rank := func(s int) int {
		st := judge(comp.Claimed, sides[s][best[s]], bound{bestTol[s], bestTol[s]}, c.allow(k), &c.s).status
		r := 0
		if st == Pass {
			r = 2
		}
		if own[s] {
			r++
		}
		return r
	}
	side := -1
	for s := range 2 {
		if best[s] < 0 {
			continue
		}
		if side < 0 || rank(s) > rank(side) || rank(s) == rank(side) && bestTol[s] < bestTol[side] {
			side = s
		}
	}
	j := c.decide(k, sides[side][best[side]], bound{bestTol[side], bestTol[side]}, c.allow(k))
	comp.Step, comp.Left, comp.Right = sw.Steps[best[side]], sw.Left[best[side]], sw.Right[best[side]]
	name := names[side]
	switch {
	case j.status == Pass && !c.resolves(bestTol[side]):
		undecided(fmt.Sprintf("kink: the %s derivative has a bound %.2g too wide to resolve the claim", name, bestTol[side]))
	case j.status == Pass && !own[side]:
		undecided(fmt.Sprintf("kink within the claim's rounding of x: the claim agrees with the %s derivative, on the other side of the kink from x's piece, which a correct evaluation in another order may take and a dropped derivative gives too", name))
	case j.status == Pass:
		comp.Status = Kink
		comp.Note = fmt.Sprintf("kink: agrees with the %s derivative, on x's own piece, at h = %.2g", name, comp.Step)
	case j.status == Fail && amb && (kinks(sigs, c.main.sig0) > 1 || c.s.ClaimEps > c.s.Eps):
		// Several kinks meet here, or the claim's coarser rounding reaches
		// kinks farther away than the smallest step sees (a float32
		// claim's pieces may differ from x's at units this coordinate
		// does not cross): its piece need not be either side's.
		undecided("kink within the claim's rounding of x: the claim agrees with neither one-sided derivative, and several pieces meet within that rounding")
	case j.status == Fail && amb:
		comp.Note = fmt.Sprintf("kink within the claim's rounding of x, but the claim agrees with neither one-sided derivative of the single kink there (the %s one at h = %.2g is nearest)", name, comp.Step)
	case j.status == Fail:
		comp.Note = fmt.Sprintf("kink, but disagrees with the %s derivative, on x's own piece, at h = %.2g", name, comp.Step)
	case j.status == Undecided:
		comp.Note = fmt.Sprintf("kink: the gap to the %s derivative is one the claim's rounding could explain", name)
	}
	return nil
}

// oneSidedShrinks reports whether the one-sided differences d of a side
// are in the O(h) regime from level j on: the differences of the next two
// pairs of levels on the same piece (as many as there are) are each at most
// half the one before, with their rounding; in that regime each is a
// quarter. Where one is not, f's curvature near x is larger than over the
// step, or turns, and the pair's difference understates the error: a
// softmax whose logit moves 4e4 per unit of the parameter (the differences
// change by 1.2e-6 from h = 2.4e-4 to 6.1e-5, 1.5e-6 from there on, and the
// one at 2.4e-4 errs by 3.5e-6: TestOneSidedCurvatureNearX), a softplus
// behind a weight of −10⁴ whose differences turn (2.15, 0.42, 0.38, then
// growing: the one at h = 0.0625 errs by 8 against a pair bound of 6.4,
// TestOneSidedCurvatureTurns).
func (c *checker) oneSidedShrinks(sw *Sweep, off []bool, d []float64, j int) bool {
	r := func(k int) float64 { return oneSidedRound(c.sig(sw.fmag[k]), sw.Steps[k]) }
	for k := j + 1; k <= j+2 && k+1 < len(d); k++ {
		if off[k+1] || !finite(d[k+1]) {
			break
		}
		if math.Abs(d[k]-d[k+1]) > 0.5*math.Abs(d[k-1]-d[k])+2*r(k)+2*r(k+1) {
			return false
		}
	}
	return true
}

// sideSignatures returns the piece signature at x − h_j (side 0) and
// x + h_j (side 1) for every level j of sw, evaluated anew on the main
// worker (a sweep from a fast stencil knows only whether each crosses).
func (c *checker) sideSignatures(k int, sw *Sweep) ([2][]string, error) {
	i := c.idx[k]
	var out [2][]string
	for s, sign := range []float64{-1, 1} {
		out[s] = make([]string, len(sw.Steps))
		for j, h := range sw.Steps {
			if _, _, err := c.main.at(i, c.x[i]+sign*h); err != nil {
				return out, err
			}
			out[s][j] = string(c.main.sig)
		}
	}
	return out, nil
}

// kinks returns the number of places (units and samples) in which the
// pieces that the smallest steps reach on either side differ from x's
// piece sig0: the number of kinks that meet at x along the coordinate, both
// sides together (two kinks, one on each side, leave x on a piece neither
// side shows).
func kinks(sigs [2][]string, sig0 []byte) int {
	n := len(sigs[0]) - 1
	d := 0
	for b := range sig0 {
		var u byte
		for s := range 2 {
			if b < len(sigs[s][n]) {
				u |= sigs[s][n][b] ^ sig0[b]
			}
		}
		d += bits.OnesCount8(u)
	}
	return d
}

// oneSidedConsistent reports whether the one-sided difference d[j] with
// the error bound tol agrees with that of every smaller step k on the same
// side that stays on x's piece, within tol plus twice k's rounding bound,
// as consistent does for central differences.
func (c *checker) oneSidedConsistent(sw *Sweep, cross []bool, d []float64, j int, tol float64) bool {
	for k := j + 2; k < len(sw.Steps); k++ {
		if cross[k] || !finite(d[k]) {
			continue
		}
		if math.Abs(d[j]-d[k]) > tol+2*oneSidedRound(c.sig(sw.fmag[k]), sw.Steps[k]) {
			return false
		}
	}
	return true
}

// slope returns the least-squares slope of log y against log x over the
// points with y > 0 (0 with fewer than two).
func slope(x, y []float64) float64 {
	var n, sx, sy, sxx, sxy float64
	for j := range x {
		if !(y[j] > 0) || !finite(y[j]) {
			continue
		}
		lx, ly := math.Log(x[j]), math.Log(y[j])
		n++
		sx += lx
		sy += ly
		sxx += lx * lx
		sxy += lx * ly
	}
	if n < 2 || sxx*n == sx*sx {
		return 0
	}
	return (n*sxy - sx*sy) / (n*sxx - sx*sx)
}

// StepSweep runs the step sweep of component i of f at x for the claimed
// derivative a: central differences at the thirteen steps of the sweep,
// the level whose estimate holds the least bound, the slope of the error
// and the verdict (see [Sweep]). x is not modified. Of s, Eps, ClaimEps,
// Seed (the noise estimate's directions), RelTol and AbsTol are used; the
// claim's allowance is the blind one at the scale |a| (f offers nothing
// else). It panics if i is out of range.
func StepSweep(f func([]float64) float64, a float64, x []float64, i int, s *CheckSettings) (*Sweep, error) {
	if i < 0 || i >= len(x) {
		panic(fmt.Sprintf("numgrad: StepSweep: index %d out of range [0, %d)", i, len(x)))
	}
	set := s.withDefaults(len(x))
	set.Method, set.Indices = MethodCentral, []int{i}
	if err := set.validate(x); err != nil {
		return nil, err
	}
	claimed := make([]float64, len(x))
	claimed[i] = a
	p := FuncProblem(f, claimed, x)
	c := &checker{p: p, s: set, x: append([]float64(nil), x...), claimed: claimed, idx: []int{i},
		comps: []Component{{Index: i, Claimed: a}}, st: make([]state, 1), sigma: -1, xmag: -1, scale: math.Abs(a)}
	var err error
	if c.main, err = newWorker(p.Func, nil, c.x); err != nil {
		return nil, err
	}
	if err := c.noise(); err != nil {
		return nil, err
	}
	sw, err := c.sweep(c.main, 0)
	if err != nil {
		return nil, err
	}
	c.classify(0, sw)
	return sw, nil
}
