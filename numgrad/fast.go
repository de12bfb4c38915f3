package numgrad

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Fast is the result of the fast check: k random projections of the
// claimed gradient against directional differences.
//
// Direction m is u = D·v with v ~ N(0, I) drawn from the seed and
// D = diag(max(1, |x_i|)), so that every coordinate moves by its own
// relative step. With x± = fl(x ± c·u) and Δ = x⁺ − x⁻ the displacement
// actually made, the check compares
//
//	f(x⁺) − f(x⁻)   with   aᵀΔ        (a the claimed gradient),
//
// both divided by 2c to read as directional derivatives. The tolerance is
// 8σ (the noise of two evaluations, 5.7 standard deviations; σ at least
// eps·|f| at the largest value met) plus twice
// the truncation error estimated from the same difference at 2c (for
// G(t) = f(x+tu) − f(x−tu), G(2) − 2G(1) ≈ 6·(G(1)'s truncation)), plus the
// rounding of aᵀΔ. When the model can tell its pieces, a direction whose
// stencil straddles a kink is retried at a step 16 times smaller (up to
// three times).
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
	Claimed, Numerical, Tol, Score float64
	// Step is the relative step used (c, or smaller after a kink).
	Step float64
	OK   bool
}

// OK reports whether every projection agreed.
func (f *Fast) OK() bool {
	for _, p := range f.Projections {
		if !p.OK {
			return false
		}
	}
	return len(f.Projections) > 0
}

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
// or nil to draw them from the seed.
func (c *checker) fast(dirs [][]float64) (*Fast, error) {
	n := len(c.p.x)
	if dirs == nil {
		dirs = directions(c.s.Seed, c.s.Projections, n)
	}
	for m, v := range dirs {
		if len(v) != n {
			return nil, fmt.Errorf("numgrad: direction %d has %d components, want %d", m, len(v), n)
		}
	}
	fr := &Fast{K: len(dirs), Step: c.s.Step, Projections: make([]Projection, len(dirs))}
	w := c.main
	a := c.p.claimed
	xs := make([]float64, n)
	disp := make([]float64, n)
	// at evaluates f at x + t·cs·u and records the displacement.
	at := func(v []float64, cs, t float64) (float64, bool, error) {
		for i, xi := range c.p.x {
			xs[i] = xi + t*cs*math.Max(1, math.Abs(xi))*v[i]
		}
		fv, err := w.f(xs)
		if err != nil || w.piece == nil {
			return fv, false, err
		}
		w.sig = w.piece(w.sig[:0])
		return fv, string(w.sig) != string(w.sig0), nil
	}
	// diff returns G(t) = f(x⁺) − f(x⁻), aᵀΔ, Σ max(|a_i|, 1)·|Δ_i| (the
	// scale of aᵀΔ's rounding, see analyticULPs) and max |f(x±)| for
	// x± = x ± t·cs·u.
	diff := func(v []float64, cs, t float64) (g, claimed, amag, fmag float64, crossed bool, err error) {
		fp, cp, err := at(v, cs, t)
		if err != nil {
			return
		}
		copy(disp, xs)
		fm, cm, err := at(v, cs, -t)
		if err != nil {
			return
		}
		for i := range disp {
			d := disp[i] - xs[i]
			claimed += a[i] * d
			amag += math.Max(math.Abs(a[i]), 1) * math.Abs(d)
		}
		return fp - fm, claimed, amag, mag(fp, fm), cp || cm, nil
	}
	for m, v := range dirs {
		cs := c.s.Step
		var g1, cl1, amag, f1, g2, cl2, f2 float64
		for try := 0; ; try++ {
			var cr1, cr2 bool
			var err error
			if g1, cl1, amag, f1, cr1, err = diff(v, cs, 1); err != nil {
				return nil, err
			}
			if g2, cl2, _, f2, cr2, err = diff(v, cs, 2); err != nil {
				return nil, err
			}
			if !(cr1 || cr2) || try == 3 {
				break
			}
			cs /= 16
		}
		// G(2) − 2G(1) = 6·trunc(G(1)) + the first-order change aᵀ(Δ₂ − 2Δ₁)
		// from the rounding of the displacements.
		trunc := math.Abs((g2-2*g1)-(cl2-2*cl1)) / 6
		// The noise is σ, or the rounding eps·|f| of the largest value met.
		tol := 8*math.Max(c.sigma, c.s.Eps*mag(f1, f2, w.f0)) + 2*trunc + analyticULPs*c.s.Eps*amag
		if c.s.AbsTol > 0 {
			tol = c.s.AbsTol * 2 * cs
		}
		p := Projection{Claimed: cl1 / (2 * cs), Numerical: g1 / (2 * cs), Tol: tol / (2 * cs), Step: cs}
		p.Score = Score(p.Claimed, p.Numerical, p.Tol, c.s.RelTol)
		p.OK = Within(p.Claimed, p.Numerical, p.Tol, c.s.RelTol)
		fr.Projections[m] = p
		fr.Tol = math.Max(fr.Tol, p.Tol)
	}
	return fr, nil
}
