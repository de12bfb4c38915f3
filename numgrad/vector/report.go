package vector

import (
	"fmt"
	"math"
	"sort"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// Mode is what a check judged.
type Mode int

const (
	// VJP is a claimed vector–Jacobian product dx = J(x)ᵀ·dy (reverse
	// mode, a backward pass).
	VJP Mode = iota
	// JVP is a claimed Jacobian–vector product dy = J(x)·dx (forward mode).
	JVP
	// Jacobian is a claimed full Jacobian J_{j,i} = ∂F_j/∂x_i, m × n
	// entries (given, or assembled from a VJP or a JVP in every basis
	// direction).
	Jacobian
	// HVP is a claimed Hessian–vector product ∇²f(x)·v.
	HVP
	numModes
)

var modeNames = [numModes]string{"vjp", "jvp", "jacobian", "hvp"}

func (m Mode) String() string {
	if m < 0 || m >= numModes {
		return fmt.Sprintf("Mode(%d)", int(m))
	}
	return modeNames[m]
}

// MarshalText writes the mode's name.
func (m Mode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// Entry is the check of one entry of a claimed derivative: a component of
// one of numgrad's sub-checks, with its place. Its values are in the
// units of the claim (a line's direction scale taken out; see
// [CheckJVP]).
type Entry struct {
	numgrad.Component
	// In is the input entry (VJP, Jacobian, HVP: the x_i of ∂/∂x_i), Out
	// the output entry (JVP, Jacobian: the F_j); nil where the mode has
	// none.
	In, Out *backprop.Location
	// Dir is the direction the entry was checked under (dy for a VJP, dx
	// for a JVP, v for an HVP: an index into Report.Dirs); −1 for a
	// Jacobian's entries.
	Dir int
}

// Name names the entry: "x[1][2] (dy 0)", "y[3] along dx 1",
// "∂y[3]/∂x[1][2]", "layer 0 weight [1][2] (v 0)".
func (e Entry) Name(m Mode) string {
	loc := func(l *backprop.Location, i int) string {
		if l == nil {
			return fmt.Sprintf("entry %d", i)
		}
		return l.String()
	}
	switch m {
	case VJP:
		return fmt.Sprintf("%s (dy %d)", loc(e.In, e.Index), e.Dir)
	case JVP:
		return fmt.Sprintf("%s along dx %d", loc(e.Out, e.Index), e.Dir)
	case Jacobian:
		return fmt.Sprintf("∂%s/∂%s", loc(e.Out, -1), loc(e.In, e.Index))
	}
	return fmt.Sprintf("%s (v %d)", loc(e.In, e.Index), e.Dir)
}

// Summary counts the entries of one block: an input block (VJP, HVP), an
// output block (JVP), or a pair of them (Jacobian).
type Summary struct {
	// In and Out are the blocks; nil where the mode does not split by them.
	In, Out *backprop.Block
	// Checked, Passed, Failed (Fail, NonFinite, Nondeterministic), Kinks,
	// Undecided and NonFinite count the entries.
	Checked, Passed, Failed, Kinks, Undecided, NonFinite int
	// MaxScore is the largest |claimed − estimate|/tol, MaxFloor the
	// largest finite detection floor of a decided entry, MaxRelErr the
	// largest relative error of an entry that is not at a kink.
	MaxScore, MaxFloor, MaxRelErr float64
	// Worst indexes Report.Entries: the worst failed entry where one
	// failed, else the worst; −1 if none was checked.
	Worst int
	// Ratio is claimed/estimate common to the block's failures (NaN where
	// none), Cause the likely cause where the pattern names one
	// (numgrad.Cause).
	Ratio float64
	Cause string
}

// Name names the block: "x", "y", "∂y/∂x", "layer 0 weights".
func (s Summary) Name() string {
	name := func(b *backprop.Block) string {
		if b.Named() {
			return b.Name
		}
		return fmt.Sprintf("layer %d %v", b.Layer, b.Group)
	}
	switch {
	case s.In != nil && s.Out != nil:
		return fmt.Sprintf("∂%s/∂%s", name(s.Out), name(s.In))
	case s.In != nil:
		return name(s.In)
	case s.Out != nil:
		return name(s.Out)
	}
	return "all"
}

// Miss states what k random directions can miss, after numgrad.Fast: a
// claim whose error is linear in the direction, e(d) = E·d, passes entry
// j under direction d only if |(E·d)_j| ≤ τ_j; (E·d)_j is N(0, ‖E_j‖₂²)
// for d ~ N(0, I) (‖(E·D)_j‖₂ for the scaled directions d = D·v), so the
// k independent directions all miss it with probability at most
// (√(2/π)·τ_j/‖E_j‖₂)ᵏ, τ_j the entry's largest tolerance. For a VJP E_j
// is the column of the claim's error matrix at input j (dx = (J + E)ᵀdy),
// for a JVP and an HVP its row at output j.
type Miss struct {
	K int
	// Tol is the largest τ_j over the entries.
	Tol float64
}

// Probability bounds the chance that an error of size ‖E_j‖₂ = e at one
// entry escapes all K directions.
func (m Miss) Probability(e float64) float64 {
	if !(e > 0) {
		return 1
	}
	return math.Min(1, math.Pow(math.Sqrt(2/math.Pi)*m.Tol/e, float64(m.K)))
}

// Detects returns the size ‖E_j‖₂ that escapes all K directions with
// probability at most p.
func (m Miss) Detects(p float64) float64 {
	return math.Sqrt(2/math.Pi) * m.Tol / math.Pow(p, 1/float64(m.K))
}

// Symmetry is the check of vᵀ(Hw) = wᵀ(Hv) for two claimed Hessian–vector
// products (the Hessian is symmetric): no finite difference, the two sides
// judged by numgrad.Agree at the scale ‖w‖₁·max|Hv| + ‖v‖₁·max|Hw|. It
// does not depend on the gradient's differences or on an extension, so it
// still speaks where the lines cannot decide (at a kink, or where an
// extension disagrees); its resolution is the blind band's, √u of that
// scale, about what the entries' floors allow.
type Symmetry struct {
	// V and W index Report.Dirs.
	V, W int
	// WHv is wᵀ(Hv), VHw is vᵀ(Hw); Tol and FailAt the band of Agree.
	WHv, VHw, Tol, FailAt float64
	Status                numgrad.Status
}

// Report is the result of a check of this package: the sub-checks of
// numgrad it ran (Parts), merged into one list of located entries and one
// summary per block.
//
// # The verdict
//
// As numgrad's: a failed entry (Fail, NonFinite, Nondeterministic), a
// flag, a failed symmetry or, for an HVP, a gradient that fails its own
// check make the report WRONG (OK false); Undecided entries and no failure
// are "RIGHT where decided", unless the check was strict.
type Report struct {
	Mode   Mode
	Method numgrad.Method
	// In and Out are the layouts of the inputs and outputs (for an HVP
	// both are the parameters').
	In, Out backprop.Layout
	// Dirs are the directions used (dy, dx or v), nil for a given
	// Jacobian; Random says they were drawn (and Miss applies).
	Dirs   [][]float64
	Random bool
	// Entries lists every entry checked: by direction, then by index.
	Entries []Entry
	// Summaries holds one entry per block (pair) with checked entries.
	Summaries []Summary
	// Passed, Failed, Kinks, Undecided and NonFinite count the entries.
	Passed, Failed, Kinks, Undecided, NonFinite int
	// Parts are numgrad's reports of the sub-checks: one per direction
	// (VJP), per output of each direction (JVP, HVP: a line each), per
	// output (Jacobian), with PartNames saying which.
	Parts     []*numgrad.Report
	PartNames []string
	// Gradient is, for an HVP, the check of the gradient whose differences
	// are the reference.
	Gradient *numgrad.Report
	// Symmetry holds the symmetry checks of an HVP's direction pairs.
	Symmetry []Symmetry
	// Miss is the chance statement of random directions (Random only).
	Miss Miss
	// Flags fail the report (a NaN in F(x), in the claim, a gradient that
	// is wrong); Notes say what was not used, and why.
	Flags, Notes []string
	// Evals counts the evaluations of F (or of the gradient, for an HVP)
	// that the check made, shared by all its parts.
	Evals  int
	Strict bool
	// Causes are the causes found across blocks.
	Causes []string
}

// OK reports whether the claim passed (see the verdict above).
func (r *Report) OK() bool {
	if r.Failed > 0 || len(r.Flags) > 0 {
		return false
	}
	if r.Gradient != nil && !r.Gradient.OK() {
		return false
	}
	for _, p := range r.Parts {
		if !p.OK() {
			return false
		}
	}
	for _, s := range r.Symmetry {
		if s.Status.Failed() || r.Strict && s.Status == numgrad.Undecided {
			return false
		}
	}
	return !(r.Strict && r.Undecided > 0)
}

// Floor returns the largest detection floor of the decided entries.
func (r *Report) Floor() float64 {
	f := 0.0
	for _, e := range r.Entries {
		if (e.Status == numgrad.Pass || e.Status == numgrad.Fail || e.Status == numgrad.Kink) && !math.IsInf(e.Floor, 0) && !math.IsNaN(e.Floor) {
			f = math.Max(f, e.Floor)
		}
	}
	return f
}

// Worst returns up to k entries, worst first (k < 0: all).
func (r *Report) Worst(k int) []Entry {
	e := append([]Entry(nil), r.Entries...)
	sort.SliceStable(e, func(i, j int) bool { return e[i].Worse(e[j].Component) })
	if k >= 0 && k < len(e) {
		e = e[:k]
	}
	return e
}

// Find returns the entries whose name (Entry.Name) starts with prefix:
// "gamma" for every entry of block gamma, "x[1][2]" for one input entry.
func (r *Report) Find(prefix string) []Entry {
	var out []Entry
	for _, e := range r.Entries {
		if n := e.Name(r.Mode); len(n) >= len(prefix) && n[:len(prefix)] == prefix {
			out = append(out, e)
		}
	}
	return out
}

// blockOf returns the index of the block of l holding i.
func blockOf(l backprop.Layout, i int) int {
	return sort.Search(len(l.Blocks), func(k int) bool { return l.Blocks[k].Offset+l.Blocks[k].Len() > i })
}

// locate returns the location of i in l.
func locate(l backprop.Layout, i int) *backprop.Location {
	loc, ok := l.Locate(i)
	if !ok {
		return nil
	}
	return &loc
}

// summarise fills the counts, the per-block summaries and their causes.
// inIdx and outIdx give, per entry, its input and output index (−1: none).
func (r *Report) summarise(inIdx, outIdx []int) {
	type key struct{ in, out int }
	pos := map[key]int{}
	var keys []key
	for k, e := range r.Entries {
		kk := key{-1, -1}
		if inIdx[k] >= 0 {
			kk.in = blockOf(r.In, inIdx[k])
		}
		if outIdx[k] >= 0 {
			kk.out = blockOf(r.Out, outIdx[k])
		}
		p, ok := pos[kk]
		if !ok {
			p = len(r.Summaries)
			pos[kk] = p
			keys = append(keys, kk)
			s := Summary{Worst: -1, Ratio: math.NaN()}
			if kk.in >= 0 {
				s.In = &r.In.Blocks[kk.in]
			}
			if kk.out >= 0 {
				s.Out = &r.Out.Blocks[kk.out]
			}
			r.Summaries = append(r.Summaries, s)
		}
		s := &r.Summaries[p]
		s.Checked++
		switch e.Status {
		case numgrad.Pass:
			s.Passed++
		case numgrad.Kink:
			s.Kinks++
		case numgrad.Undecided:
			s.Undecided++
		case numgrad.Fail, numgrad.Nondeterministic:
			s.Failed++
		case numgrad.NonFinite:
			s.Failed++
			s.NonFinite++
		}
		if e.Status != numgrad.Kink && e.Status != numgrad.Undecided && !(e.RelErr <= s.MaxRelErr) {
			s.MaxRelErr = e.RelErr
		}
		if !(e.Score <= s.MaxScore) {
			s.MaxScore = e.Score
		}
		if e.Status != numgrad.Undecided && !math.IsInf(e.Floor, 0) && !math.IsNaN(e.Floor) {
			s.MaxFloor = math.Max(s.MaxFloor, e.Floor)
		}
		switch w := s.Worst; {
		case w < 0:
			s.Worst = k
		case e.Status.Failed() != r.Entries[w].Status.Failed():
			if e.Status.Failed() {
				s.Worst = k
			}
		case e.Worse(r.Entries[w].Component):
			s.Worst = k
		}
	}
	// Order the summaries by block: inputs, then outputs.
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		ka, kb := keys[order[a]], keys[order[b]]
		if ka.out != kb.out {
			return ka.out < kb.out
		}
		return ka.in < kb.in
	})
	sorted := make([]Summary, len(order))
	for i, o := range order {
		sorted[i] = r.Summaries[o]
	}
	r.Summaries = sorted
	for i := range r.Summaries {
		s := &r.Summaries[i]
		r.Passed += s.Passed
		r.Failed += s.Failed
		r.Kinks += s.Kinks
		r.Undecided += s.Undecided
		r.NonFinite += s.NonFinite
		if s.Failed == 0 || s.NonFinite > 0 {
			continue
		}
		var comps []numgrad.Component
		for k, e := range r.Entries {
			if r.Summaries[i].In != nil && (inIdx[k] < 0 || &r.In.Blocks[blockOf(r.In, inIdx[k])] != s.In) {
				continue
			}
			if r.Summaries[i].Out != nil && (outIdx[k] < 0 || &r.Out.Blocks[blockOf(r.Out, outIdx[k])] != s.Out) {
				continue
			}
			comps = append(comps, e.Component)
		}
		s.Ratio, s.Cause = numgrad.Cause(comps)
	}
	r.locateLayers()
}

// locateLayers adds, for a dense layout of parameters (an HVP of a
// network), the evidence of which layers are wrong: the layers whose
// entries fail, and that every other layer's are right.
func (r *Report) locateLayers() {
	if r.Failed == 0 || r.In.Named() || r.In.Blocks == nil {
		return
	}
	wrong := map[int]bool{}
	checked := map[int]bool{}
	for _, s := range r.Summaries {
		if s.In == nil {
			return
		}
		checked[s.In.Layer] = true
		if s.Failed > 0 {
			wrong[s.In.Layer] = true
		}
	}
	if len(wrong) == 0 || len(wrong) == len(checked) {
		return
	}
	var w, ok []int
	for l := range checked {
		if wrong[l] {
			w = append(w, l)
		} else {
			ok = append(ok, l)
		}
	}
	sort.Ints(w)
	sort.Ints(ok)
	r.Causes = append(r.Causes, fmt.Sprintf("only the entries of layer %s are wrong; those of layer %s are right", joinInts(w), joinInts(ok)))
}

func joinInts(v []int) string {
	s := ""
	for k, x := range v {
		if k > 0 {
			if k == len(v)-1 {
				s += " and "
			} else {
				s += ", "
			}
		}
		s += fmt.Sprint(x)
	}
	return s
}
