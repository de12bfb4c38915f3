package vector

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gradcheck/gradcheck/numgrad"
)

// Settings are the settings of a check of this package. A nil *Settings
// means every default; a zero field means that field's default.
type Settings struct {
	// CheckSettings are numgrad's, for every sub-check (the method, the
	// step, the claim's precision, strict mode, the seed). Two differ:
	// MethodFast is not offered — the random directions below are this
	// package's screen — and Concurrent is ignored, since the sub-checks
	// share the evaluations of F (see the package documentation). Indices,
	// if set, are the entries of the claimed vector to check: the inputs
	// of a VJP or of a Jacobian's rows, the outputs of a JVP, the
	// components of an HVP.
	numgrad.CheckSettings
	// Directions is k, the number of random directions (dy for a VJP, dx
	// for a JVP, v for an HVP) drawn from Seed: default 2. Each direction
	// is a check of its own, and the report states the chance that an
	// error escapes all k (see [Miss]).
	Directions int
	// Full checks every basis direction instead: the full Jacobian (VJP:
	// dy = e_j for every output j, JVP: dx = e_i for every input i), or the
	// full Hessian for an HVP, every entry located by its output and input.
	Full bool
	// Dirs, if not nil, are the directions to use, each of length m (VJP)
	// or n (JVP, HVP): a replay's, or the caller's own.
	Dirs [][]float64
}

// DefaultDirections is the number of random directions of a check.
const DefaultDirections = 2

// dirSeed distinguishes the stream of the directions from numgrad's.
const dirSeed = 0x766563746f72 // "vector"

func (s *Settings) withDefaults() Settings {
	var c Settings
	if s != nil {
		c = *s
	}
	if c.Directions == 0 {
		c.Directions = DefaultDirections
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	c.Concurrent = false
	return c
}

func (s *Settings) validate(length int) error {
	if s.Method == numgrad.MethodFast {
		return errors.New("numgrad/vector: method fast is not offered: the random directions (Settings.Directions) are the screen of a vector check; use central")
	}
	if s.Directions < 0 {
		return fmt.Errorf("numgrad/vector: %d directions; want a positive number", s.Directions)
	}
	for d, v := range s.Dirs {
		if len(v) != length {
			return fmt.Errorf("numgrad/vector: direction %d has %d entries, want %d", d, len(v), length)
		}
		for i, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("numgrad/vector: direction %d holds %v at %d", d, x, i)
			}
		}
	}
	return nil
}

// directions returns the directions of a check of vectors of length k at
// x (nil: unscaled, as the VJP's dy): the given ones, the basis with
// Full, or s.Directions random ones, v ~ N(0, I) scaled by
// D = diag(max(1, |x_i|)) where x is given, as numgrad's fast check draws
// them, so that every coordinate moves by its own relative step.
func (s *Settings) directions(k int, x []float64) [][]float64 {
	switch {
	case s.Dirs != nil:
		return s.Dirs
	case s.Full:
		d := make([][]float64, k)
		for j := range d {
			d[j] = make([]float64, k)
			d[j][j] = 1
		}
		return d
	}
	rng := rand.New(rand.NewPCG(s.Seed, dirSeed))
	d := make([][]float64, s.Directions)
	for j := range d {
		d[j] = make([]float64, k)
		for i := range d[j] {
			d[j][i] = rng.NormFloat64()
			if x != nil {
				d[j][i] *= math.Max(1, math.Abs(x[i]))
			}
		}
	}
	return d
}

// partSettings returns numgrad's settings for one sub-check: the
// embedded settings, with the indices where the sub-check's components
// are the entries they select (VJP, Jacobian rows) and without them where
// this package applies them (the outputs of a line).
func (s *Settings) partSettings(indices bool) *numgrad.CheckSettings {
	c := s.CheckSettings
	if !indices {
		c.Indices = nil
	}
	c.Concurrent = false
	return &c
}
