package numgrad

import (
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
)

// The step sweep: relative steps c_j = 2^{−4−2j}, j = 0, …, 12 (6e-2 down to
// 4e-9), each a quarter of the one before, so that the truncation error of
// a central difference falls 16-fold per level while its rounding error
// grows 4-fold; and up to sweepExtra more where a kink lies just above the
// smallest step (see sweep).
const (
	sweepFirst  = 1.0 / 16
	sweepLevels = 13
	sweepExtra  = 4
)

// SweepVerdict is what a step sweep shows about one component.
type SweepVerdict int

const (
	// Converges: the error |D(h) − analytic| shrinks as h shrinks (like h²
	// while truncation dominates) down to the noise floor, and the best
	// step agrees within its bound: the analytic value is right.
	Converges SweepVerdict = iota
	// LevelsOff: the error stops shrinking at a gap above every step's
	// error bound: the analytic value is wrong by about that gap.
	LevelsOff
	// AtKink: the one-sided derivatives stay apart however small h gets:
	// the point sits on a kink (see [Kink]).
	AtKink
)

var sweepNames = [...]string{"converges", "levels off", "kink"}

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
	Index    int
	Loc      *backprop.Location
	Analytic float64
	// Steps[j] is h_j; Numerical[j] the central difference D_j at it;
	// Errors[j] = |D_j − Analytic|; Left[j] and Right[j] the one-sided
	// differences; Crossing[j] whether the stencil straddled a kink (all
	// false when the model cannot tell).
	Steps, Numerical, Errors, Left, Right []float64
	Crossing                              []bool
	// Best is the level with the least error bound, Bound that bound:
	// 2|D_j − D_{j+1}| (the truncation error of D_j, with a margin) plus
	// the rounding bounds 4σ/h of both levels, among the levels whose
	// value agrees with every smaller step's within that bound and the
	// smaller step's rounding. If no two consecutive levels
	// are usable (a kink between the smallest steps), the smallest usable
	// one of the last three with twice its rounding bound; −1 if none.
	Best  int
	Bound float64
	// Slope is the least-squares slope of log Errors against log Steps over
	// the levels from the largest step down to Best: near 2 where truncation
	// dominates a correct value, near 0 for a wrong one.
	Slope   float64
	Verdict SweepVerdict
	// Gap is |D_Best − Analytic|.
	Gap float64

	pieces         bool      // Crossing is known (false: unknown; a smooth f knows it)
	crossL, crossR []bool    // x − h, x + h lie on another piece than x
	fmag           []float64 // the largest |f| of each level's stencil
	flat           []bool    // f(x ± h) equal below a level where they differ
}

// sweep evaluates the ladder for component k.
func (c *checker) sweep(w *worker, k int) (*Sweep, error) {
	i := c.idx[k]
	xi := c.p.x[i]
	sw := &Sweep{Index: i, Loc: c.comps[k].Loc, Analytic: c.comps[k].Analytic, Best: -1, Bound: math.Inf(1), pieces: w.piece != nil || w.smooth}
	cstep := sweepFirst
	// The ladder has sweepLevels steps; where only its smallest step stays
	// clear of a kink (the kink lies just above it), it goes on by up to
	// sweepExtra steps, so that a pair of steps below the kink measures the
	// truncation error of a steep f rather than assuming it is small.
	for lvl := 0; lvl < sweepLevels+sweepExtra; lvl++ {
		if n := len(sw.Steps); n >= sweepLevels && (!sw.Crossing[n-2] || sw.Crossing[n-1]) {
			break
		}
		h := Step(xi, cstep)
		cstep /= 4
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
		sw.Numerical = append(sw.Numerical, d)
		sw.Errors = append(sw.Errors, math.Abs(d-sw.Analytic))
		sw.Left = append(sw.Left, (w.f0-fm)/h)
		sw.Right = append(sw.Right, (fp-w.f0)/h)
		sw.Crossing = append(sw.Crossing, cp || cm)
		sw.crossL = append(sw.crossL, cm)
		sw.crossR = append(sw.crossR, cp)
		sw.fmag = append(sw.fmag, mag(fp, fm, w.f0))
	}
	// Where the pieces are known, a level where f(x + h) = f(x − h)
	// exactly, below a level on x's piece where it does change, measured
	// nothing: f's change over the stencil is below its rounding there (a
	// cost that is the small difference of large terms is flat at that
	// scale). It is left out like a crossing. (Without the pieces, f may
	// as well be flat on a dead ReLU region that the larger steps leave.)
	levels := len(sw.Steps)
	flat := make([]bool, levels)
	changed := false
	for j := range levels {
		flat[j] = sw.pieces && changed && sw.Numerical[j] == 0
		changed = changed || sw.Numerical[j] != 0 && !sw.Crossing[j] && finite(sw.Numerical[j])
	}
	sw.flat = flat
	usable := func(j int) bool { return finite(sw.Numerical[j]) && !sw.Crossing[j] && !flat[j] }
	for j := 0; j+1 < levels; j++ {
		if !usable(j) || !usable(j+1) {
			continue
		}
		b := 2*math.Abs(sw.Numerical[j]-sw.Numerical[j+1]) + c.roundTol(sw.Steps[j], sw.fmag[j]) + c.roundTol(sw.Steps[j+1], sw.fmag[j+1])
		if b < sw.Bound && c.consistent(sw, j, b) {
			sw.Best, sw.Bound = j, b
		}
	}
	if sw.Best < 0 {
		// No two consecutive usable levels: a kink lies between the two
		// smallest steps. The smallest usable step among the last three
		// (h ≤ 2⁻²⁴·max(1,|x|)) has a truncation error h²|f‴|/6 far below
		// its rounding, so twice the rounding bound covers both.
		for j := levels - 1; j >= levels-3; j-- {
			if usable(j) {
				sw.Best, sw.Bound = j, 2*c.roundTol(sw.Steps[j], sw.fmag[j])
				break
			}
		}
	}
	sw.Verdict = LevelsOff
	if sw.Best >= 0 {
		sw.Gap = sw.Errors[sw.Best]
		sw.Slope = slope(sw.Steps[:sw.Best+1], sw.Errors[:sw.Best+1])
		if Within(sw.Analytic, sw.Numerical[sw.Best], sw.Bound+c.ta(k), c.s.RelTol) {
			sw.Verdict = Converges
		}
	}
	// A central difference at a kink can agree with a value by symmetry
	// (|x| at 0 gives 0 at every step): a kink decides first.
	if _, ok := c.kinkLevel(sw); ok {
		sw.Verdict = AtKink
	}
	return sw, nil
}

// consistent reports whether D_j with the error bound b agrees with the
// central difference at every smaller usable step k within b plus twice
// k's rounding bound. In the h² regime the smaller steps' truncation is
// less than D_j's, so a right bound passes; a pair of large steps that
// agree by accident (both on a plateau where f saturates, or both across
// a kink) is refused by the finer steps that see the slope.
func (c *checker) consistent(sw *Sweep, j int, b float64) bool {
	for k := j + 2; k < len(sw.Steps); k++ {
		if !finite(sw.Numerical[k]) || sw.Crossing[k] || sw.flat[k] {
			continue
		}
		if math.Abs(sw.Numerical[j]-sw.Numerical[k]) > b+2*c.roundTol(sw.Steps[k], sw.fmag[k]) {
			return false
		}
	}
	return true
}

// kinkLevel returns the level at which to compare with the one-sided
// derivatives when the point sits on a kink. With the pieces known, the
// point is on a kink exactly when the two smallest steps still straddle
// one; the level is then the smallest whose one-sided gap stands above the
// noise. Without them, the point is on a kink when the one-sided gaps
// g_j = |Right_j − Left_j| of the three smallest steps all stand above the
// noise and do not shrink (a smooth f gives g_j ≈ h_j·|f″|, falling 16-fold
// over two levels, down into the noise; a kink keeps it at the jump of the
// slope). A kink farther away than the smallest step is no kink at x: the
// small steps see a smooth f.
func (c *checker) kinkLevel(sw *Sweep) (int, bool) {
	n := len(sw.Steps)
	gap := func(j int) float64 { return math.Abs(sw.Right[j] - sw.Left[j]) }
	above := func(j int) bool { return gap(j) > 4*c.roundTol(sw.Steps[j], sw.fmag[j]) }
	if sw.Crossing[n-1] && sw.Crossing[n-2] {
		for j := n - 1; j >= 0; j-- {
			if above(j) {
				return j, true
			}
		}
		return n - 1, true
	}
	if sw.pieces {
		return 0, false
	}
	// The three smallest steps with a finite gap decide.
	var last []int
	for j := n - 1; j >= 0 && len(last) < 3; j-- {
		if finite(gap(j)) {
			last = append(last, j)
		}
	}
	if len(last) < 3 || !above(last[0]) || !above(last[1]) || !above(last[2]) {
		return 0, false
	}
	return last[0], gap(last[0]) >= gap(last[2])/4
}

// apply sets component k's verdict from its sweep.
func (c *checker) apply(k int, sw *Sweep) {
	comp := &c.comps[k]
	switch sw.Verdict {
	case Converges:
		c.judge(k, sw.Numerical[sw.Best], sw.Bound+c.ta(k))
		comp.Step = sw.Steps[sw.Best]
		comp.Note = fmt.Sprintf("step sweep: agrees at h = %.2g", comp.Step)
		return
	case AtKink:
		if sw.pieces {
			c.applyOwnPiece(k, sw)
			return
		}
		j, _ := c.kinkLevel(sw)
		l, r := sw.Left[j], sw.Right[j]
		lo, hi := math.Min(l, r), math.Max(l, r)
		// One-sided differences err by O(h): the change from level j to
		// j+1 (a quarter of the step) is ¾ of that error, so 4/3 of it
		// bounds it; 8σ/h bounds their rounding as 4σ/h does the central's.
		tol := 2*c.roundTol(sw.Steps[j], sw.fmag[j]) + c.ta(k)
		if j+1 < len(sw.Steps) {
			tol += 4.0 / 3 * (math.Abs(sw.Left[j]-sw.Left[j+1]) + math.Abs(sw.Right[j]-sw.Right[j+1]))
		}
		if c.s.AbsTol > 0 {
			tol = c.s.AbsTol
		}
		num := l
		if math.Abs(r-comp.Analytic) < math.Abs(l-comp.Analytic) {
			num = r
		}
		c.judge(k, num, tol)
		comp.Step, comp.Left, comp.Right = sw.Steps[j], l, r
		if comp.Status == NonFinite {
			return
		}
		if comp.Analytic >= lo-tol && comp.Analytic <= hi+tol {
			comp.Status = Kink
			comp.Note = fmt.Sprintf("kink: analytic within the one-sided derivatives [%.6g, %.6g] at h = %.2g", lo, hi, comp.Step)
		} else {
			comp.Status = Fail
			comp.Note = fmt.Sprintf("kink, but analytic outside the one-sided derivatives [%.6g, %.6g] at h = %.2g", lo, hi, comp.Step)
		}
		return
	}
	if sw.Best >= 0 {
		c.judge(k, sw.Numerical[sw.Best], sw.Bound+c.ta(k))
		comp.Step = sw.Steps[sw.Best]
		comp.Note = fmt.Sprintf("step sweep: error levels off at %.2g (slope %.1f)", sw.Gap, sw.Slope)
		return
	}
	// No usable level and no kink: the smallest steps are flat (f's change
	// over them is below its rounding) or cross kinks. Compare with the
	// smallest step's value within twice its rounding bound, which is all
	// that can be measured there: a tiny component passes if it is below
	// the noise, a larger one that the noise cannot hide fails.
	n := len(sw.Steps) - 1
	c.judge(k, sw.Numerical[n], 2*c.roundTol(sw.Steps[n], sw.fmag[n])+c.ta(k))
	comp.Step = sw.Steps[n]
	comp.Note = fmt.Sprintf("step sweep: no usable pair of steps; compared at h = %.2g within its rounding", comp.Step)
}

// oneSidedConsistent reports whether the one-sided difference d[j] with
// the error bound tol agrees with that of every smaller step k on the same
// side that stays on x's piece, within tol plus twice k's rounding bound,
// as consistent does for central differences: two large steps that agree
// by accident (on a plateau where f saturates) are refused by the finer
// steps that see the slope.
func oneSidedConsistent(c *checker, sw *Sweep, cross []bool, d []float64, j int, tol float64) bool {
	for k := j + 2; k < len(sw.Steps); k++ {
		if cross[k] || !finite(d[k]) {
			continue
		}
		if math.Abs(d[j]-d[k]) > tol+2*c.roundTol(sw.Steps[k], sw.fmag[k]) {
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

// applyOwnPiece judges a component at a kink when the pieces are known.
// The analytic value is the derivative of the piece x itself lies on (the
// convention of the model, such as f′(0) = 0 for ReLU), so it is compared
// with the one-sided difference on the side that stays on that piece, at
// the level where that difference is most accurate. Its O(h) error is 4/3
// of its change to the next, four times smaller step, taken with a margin
// of 2 (the level is picked as the least of many, which favours a change
// that is small by chance); its rounding is bounded by 8σ/h at both
// levels. The verdict is Kink when they agree and Fail when not.
// If neither side stays on x's piece at any two consecutive levels
// (several kinks meet at x, and the model's convention picks a derivative
// no one-sided difference shows), the component is an unverifiable Kink.
func (c *checker) applyOwnPiece(k int, sw *Sweep) {
	comp := &c.comps[k]
	best, bestTol, side := -1, math.Inf(1), 0
	for j := 0; j+1 < len(sw.Steps); j++ {
		for s, cross := range [2][]bool{sw.crossL, sw.crossR} {
			d := [2][]float64{sw.Left, sw.Right}[s]
			if cross[j] || cross[j+1] || !finite(d[j]) || !finite(d[j+1]) {
				continue
			}
			tol := 3*math.Abs(d[j]-d[j+1]) + 2*c.roundTol(sw.Steps[j], sw.fmag[j]) + 2*c.roundTol(sw.Steps[j+1], sw.fmag[j+1])
			if tol < bestTol && oneSidedConsistent(c, sw, cross, d, j, tol) {
				best, bestTol, side = j, tol, s
			}
		}
	}
	n := len(sw.Steps) - 1
	comp.Left, comp.Right = sw.Left[n], sw.Right[n]
	if best < 0 {
		c.judge(k, [2]float64{sw.Left[n], sw.Right[n]}[side], math.Inf(1))
		comp.Step = sw.Steps[n]
		if comp.Status != NonFinite {
			comp.Status = Kink
			comp.Note = "kink, unverifiable: neither side of x stays on x's piece (several kinks meet at x)"
		}
		return
	}
	d := [2][]float64{sw.Left, sw.Right}[side]
	c.judge(k, d[best], bestTol+c.ta(k))
	comp.Step, comp.Left, comp.Right = sw.Steps[best], sw.Left[best], sw.Right[best]
	name := [2]string{"left", "right"}[side]
	switch comp.Status {
	case Pass:
		comp.Status = Kink
		comp.Note = fmt.Sprintf("kink: agrees with the %s derivative, on x's own piece, at h = %.2g", name, comp.Step)
	case Fail:
		comp.Note = fmt.Sprintf("kink, but disagrees with the %s derivative, on x's own piece, at h = %.2g", name, comp.Step)
	}
}

// StepSweep runs the step sweep of component i of f at x for the claimed
// derivative a: central differences at the thirteen steps of the sweep,
// the level with the least error bound, the slope of the error and the
// verdict (see [Sweep]). x is not modified. Of s, Eps, Seed (the noise
// estimate's direction), RelTol and AbsTol are used. It panics if i is out
// of range.
func StepSweep(f func([]float64) float64, a float64, x []float64, i int, s *CheckSettings) (*Sweep, error) {
	if i < 0 || i >= len(x) {
		panic(fmt.Sprintf("numgrad: StepSweep: index %d out of range [0, %d)", i, len(x)))
	}
	set := s.withDefaults()
	set.Method, set.Indices = MethodCentral, []int{i}
	if err := set.validate(len(x)); err != nil {
		return nil, err
	}
	claimed := make([]float64, len(x))
	claimed[i] = a
	p := &problem{x: append([]float64(nil), x...), claimed: claimed,
		newEval: func() (evalFunc, pieceFunc) { return func(x []float64) (float64, error) { return f(x), nil }, nil }}
	c := &checker{p: p, s: set, idx: []int{i}, comps: []Component{{Index: i, Analytic: a}}, st: make([]state, 1)}
	var err error
	if c.main, err = p.worker(); err != nil {
		return nil, err
	}
	if err := c.noise(); err != nil {
		return nil, err
	}
	c.tauA = analyticULPs * set.Eps * math.Max(1, math.Abs(a))
	return c.sweep(c.main, 0)
}
