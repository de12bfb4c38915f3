package soundness

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// Variant is one way of checking a case: a method, and whether the
// problem has piece information.
type Variant struct {
	Method numgrad.Method
	Pieces bool
}

func (v Variant) String() string {
	p := "no pieces"
	if v.Pieces {
		p = "pieces"
	}
	return v.Method.String() + ", " + p
}

// Variants returns every variant that applies to the case: central,
// Richardson and fast always, complex and dual where the model declares
// the extensions (the network, its embedding, the hand-written models); with and without pieces where the model declares them
// (a network and its embedding, stripped of them for "no"), or where a
// signed variant exists (the hand-written models); without only for the
// hidden wrapper, which declares nothing.
func (c *Case) Variants() []Variant {
	ms := []numgrad.Method{numgrad.MethodCentral, numgrad.MethodRichardson, numgrad.MethodFast}
	ps := []bool{true, false}
	switch c.Kind {
	case KindNetwork, KindEmbedded, KindHand, KindHandSigned:
		ms = append(ms, numgrad.MethodComplex, numgrad.MethodDual)
	case KindHidden:
		ps = []bool{false}
	}
	var out []Variant
	for _, m := range ms {
		for _, p := range ps {
			out = append(out, Variant{m, p})
		}
	}
	return out
}

// modelFor returns a fresh model for the variant, and whether its problem
// is to be stripped of its pieces.
func (c *Case) modelFor(v Variant) (backprop.Model, bool) {
	switch c.Kind {
	case KindHand, KindHandSigned:
		k := KindHand
		if v.Pieces {
			k = KindHandSigned
		}
		return NewModel(k, c.Network(), c.Layout), false
	case KindHidden:
		return c.Model(), false
	}
	return c.Model(), !v.Pieces
}

// Settings returns the check's settings for the variant. Sweeps: −1 keeps
// no step sweep as evidence in the report; the verdicts do not depend on it.
func Settings(v Variant) *numgrad.CheckSettings {
	return &numgrad.CheckSettings{Method: v.Method, Sweeps: -1}
}

// Check checks the claim (nil: the model's own gradient, as CheckModel
// does) under the variant: through CheckModel or CheckClaimed where the
// problem keeps what the model declares, through ModelProblem with Piece
// and Ambiguous (and for a kinky network the fast stencil, which would
// tell crossings) removed and CheckProblem where it is stripped.
func (c *Case) Check(v Variant, claimed []float64) (*numgrad.Report, error) {
	m, strip := c.modelFor(v)
	b := c.Batch()
	s := Settings(v)
	if !strip {
		if claimed == nil {
			return numgrad.CheckModel(m, b, s)
		}
		return numgrad.CheckClaimed(m, b, claimed, s)
	}
	p, err := numgrad.ModelProblem(m, b, claimed)
	if err != nil {
		return nil, err
	}
	p.Piece, p.Ambiguous = nil, nil
	if !c.Smooth() {
		p.Stencil = nil
	}
	return numgrad.CheckProblem(p, s)
}

// Options choose a run of the suite.
type Options struct {
	// Full runs each category's Full count, otherwise its Short count;
	// Count, if positive, overrides both.
	Full  bool
	Count int
	// Categories, if not empty, restricts the run to these names.
	Categories []string
	// Rs are the planted relative sizes (default: 1e-2 … 1e-12 for the
	// full form, 1e-2, 1e-5, 1e-8 for the short one).
	Rs []float64
	// RPerCase, if positive, gives each case only that many of Rs, in
	// turn (case i takes Rs[i·k mod n], …, Rs[(i·k + k − 1) mod n]), so
	// that every size is planted as often across the cases; the full form
	// takes 4 of its 11, which keeps it within its time.
	RPerCase int
	// Targets plants an error in every target of a case (the largest,
	// the one nearest a kink, the smallest) rather than one in turn.
	Targets bool
	// Workers is the number of cases checked at once (default GOMAXPROCS).
	Workers int
	// Seed is the mix seed (default MixSeed).
	Seed uint64
	// Progress, if not nil, is called after each case.
	Progress func(done, total int)
}

// FullRs and ShortRs are the planted relative sizes of the two forms.
var (
	FullRs  = []float64{1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12}
	ShortRs = []float64{1e-2, 1e-5, 1e-8}
)

// Key is a row of the table.
type Key struct {
	Category string
	Method   numgrad.Method
	Pieces   bool
}

// Stats are the counts of a row.
type Stats struct {
	Cases, Runs int
	// Correct claims: components checked, and their verdicts. Screened
	// counts the components a passing fast check did not look at one by
	// one; FalseWrong the reports that were not OK.
	Comps, Fails, Undecided, Kinks, Screened, FalseWrong int
	// The per-run median and max of Floor/G over the components with a
	// finite floor.
	FloorMed, FloorMax []float64

	// Planted errors: how many; how many Fail; those whose error exceeds
	// 2× the component's floor, and how many of them Fail; those between
	// 1× and 2×, and how many of them were not Fail; the exempted kinks
	// (exactly on a kink, without pieces, within the one-sided
	// derivatives); those whose floor is infinite; violations.
	Planted, Detected, Above2, Above2Fail, Band, BandNotFail, Exempt, NoFloor int
	// Violations counts every violation of the row; PlantViolations those
	// of the planted claims.
	Violations, PlantViolations int
	// Floor/G of the planted component, where finite.
	PlantFloor []float64
	// ByR counts planted errors and their Fails per relative size.
	ByR map[float64][2]int
}

// Violation is a breach of the suite's guarantees, with a reproducer.
type Violation struct {
	Class   string // see the package documentation
	Case    *Case
	Variant Variant
	Comp    int     // the component (model layout), −1 for the report
	Delta   float64 // the planted error (0: a correct claim)
	R       float64 // its size relative to G
	Status  string  // the component's status, or the report's verdict
	Floor   float64
	ErrLo   float64 // a lower bound on the claim's true error
	Note    string
}

// Result is the outcome of a run.
type Result struct {
	Options    Options
	Stats      map[Key]*Stats
	Subs       map[SubKey]*SubStats
	Violations []Violation
	// Undecided lists the Undecided components of the correct claims
	// (their case, variant, floor and note): not violations, but what
	// the cap counts.
	Undecided []Violation
	Elapsed   time.Duration
	CPU       time.Duration // the process's CPU time over the run
	CaseCount map[string]int
	Shapes    map[string]*Shape
	Slowest   []CaseTime
}

// SubKey is a row of the breakdown by condition (the category's Sub,
// reduced to its distance or condition).
type SubKey struct {
	Category, Sub string
	Pieces        bool
}

// SubStats are a breakdown row: over every method.
type SubStats struct {
	Cases, Comps, Fails, Undecided, Kinks, Planted, Violations int
	Reached                                                    []float64
}

// Shape summarises the shapes of a category's cases: how many have a
// hidden layer of 32 or more units, the widest layer, the batch sizes and
// the most parameters.
type Shape struct {
	Wide, MaxWidth, MinBatch, MaxBatch, MaxParams int
	Kinds                                         map[Kind]int
}

// CaseTime is the time one case took, all its checks.
type CaseTime struct {
	Name string
	N    int
	D    time.Duration
}

// Run runs the suite.
func Run(opt Options) *Result {
	if opt.Seed == 0 {
		opt.Seed = MixSeed
	}
	if opt.Rs == nil {
		opt.Rs = ShortRs
		if opt.Full {
			opt.Rs = FullRs
		}
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	type job struct {
		cat *Category
		i   int
	}
	var jobs []job
	res := &Result{Options: opt, Stats: map[Key]*Stats{}, Subs: map[SubKey]*SubStats{}, CaseCount: map[string]int{}, Shapes: map[string]*Shape{}}
	for k := range Mix {
		cat := &Mix[k]
		if len(opt.Categories) > 0 && !contains(opt.Categories, cat.Name) {
			continue
		}
		n := cat.Short
		if opt.Full {
			n = cat.Full
		}
		if opt.Count > 0 {
			n = opt.Count
		}
		res.CaseCount[cat.Name] = n
		for i := range n {
			jobs = append(jobs, job{cat, i})
		}
	}
	start, cpu0 := time.Now(), cpuTime()
	out := make([]*caseResult, len(jobs))
	var wg sync.WaitGroup
	var mu sync.Mutex
	next, done := 0, 0
	for range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				j := next
				next++
				mu.Unlock()
				if j >= len(jobs) {
					return
				}
				c := jobs[j].cat.Case(opt.Seed, jobs[j].i)
				out[j] = runCase(c, &opt)
				mu.Lock()
				done++
				if opt.Progress != nil {
					opt.Progress(done, len(jobs))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.Elapsed, res.CPU = time.Since(start), cpuTime()-cpu0
	for _, cr := range out {
		res.merge(cr)
	}
	sort.Slice(res.Slowest, func(a, b int) bool { return res.Slowest[a].D > res.Slowest[b].D })
	if len(res.Slowest) > 5 {
		res.Slowest = res.Slowest[:5]
	}
	return res
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// caseResult is what one case contributes.
type caseResult struct {
	c     *Case
	stats map[Key]*Stats
	subs  map[SubKey]*SubStats
	viol  []Violation
	und   []Violation
	d     time.Duration
}

func (r *Result) merge(cr *caseResult) {
	c := cr.c
	sh := r.Shapes[c.Category]
	if sh == nil {
		sh = &Shape{MinBatch: 1 << 30, Kinds: map[Kind]int{}}
		r.Shapes[c.Category] = sh
	}
	w := 0
	for _, v := range c.Sizes[1 : len(c.Sizes)-1] {
		w = max(w, v)
	}
	if w >= 32 {
		sh.Wide++
	}
	sh.MaxWidth = max(sh.MaxWidth, w)
	sh.MinBatch, sh.MaxBatch = min(sh.MinBatch, c.batchLen()), max(sh.MaxBatch, c.batchLen())
	sh.MaxParams = max(sh.MaxParams, c.NumParams())
	sh.Kinds[c.Kind]++
	r.Slowest = append(r.Slowest, CaseTime{cr.c.Name(), cr.c.NumParams(), cr.d})
	for k, s := range cr.stats {
		t := r.Stats[k]
		if t == nil {
			t = &Stats{ByR: map[float64][2]int{}}
			r.Stats[k] = t
		}
		t.add(s)
	}
	for k, s := range cr.subs {
		t := r.Subs[k]
		if t == nil {
			t = &SubStats{}
			r.Subs[k] = t
		}
		t.Cases += s.Cases
		t.Comps += s.Comps
		t.Fails += s.Fails
		t.Undecided += s.Undecided
		t.Kinks += s.Kinks
		t.Planted += s.Planted
		t.Violations += s.Violations
		t.Reached = append(t.Reached, s.Reached...)
	}
	r.Violations = append(r.Violations, cr.viol...)
	r.Undecided = append(r.Undecided, cr.und...)
}

func (t *Stats) add(s *Stats) {
	t.Cases += s.Cases
	t.Runs += s.Runs
	t.Comps += s.Comps
	t.Fails += s.Fails
	t.Undecided += s.Undecided
	t.Kinks += s.Kinks
	t.Screened += s.Screened
	t.FalseWrong += s.FalseWrong
	t.FloorMed = append(t.FloorMed, s.FloorMed...)
	t.FloorMax = append(t.FloorMax, s.FloorMax...)
	t.Planted += s.Planted
	t.Detected += s.Detected
	t.Above2 += s.Above2
	t.Above2Fail += s.Above2Fail
	t.Band += s.Band
	t.BandNotFail += s.BandNotFail
	t.Exempt += s.Exempt
	t.NoFloor += s.NoFloor
	t.Violations += s.Violations
	t.PlantViolations += s.PlantViolations
	t.PlantFloor = append(t.PlantFloor, s.PlantFloor...)
	for r, v := range s.ByR {
		w := t.ByR[r]
		t.ByR[r] = [2]int{w[0] + v[0], w[1] + v[1]}
	}
}

// subName reduces a case's Sub to its breakdown row: the distance of
// kink-near, the condition of kink-exact, tiny-weights' scale, the
// condition of the hand-written and wrapper cases.
func subName(c *Case) string {
	switch c.Category {
	case "kink-near", "kink-exact":
		return c.Sub
	case "tiny-weights":
		return c.Sub[:5]
	case "hand-written", "wrappers":
		for i := len(c.Sub) - 1; i >= 0; i-- {
			if c.Sub[i] == ',' {
				return c.Sub[i+2:]
			}
		}
	}
	return ""
}

// runCase runs every variant of c on the correct claim and on the planted
// ones.
func runCase(c *Case, opt *Options) *caseResult {
	start := time.Now()
	cr := &caseResult{c: c, stats: map[Key]*Stats{}, subs: map[SubKey]*SubStats{}}
	o, err := newOracle(c)
	if err != nil {
		cr.viol = append(cr.viol, Violation{Class: "error", Case: c, Comp: -1, Note: err.Error()})
		return cr
	}
	largest, nearKink, tiny := o.targets()
	all := []int{largest, nearKink, tiny}
	if nearKink < 0 {
		all = []int{largest, tiny}
	}
	var targets []int
	if opt.Targets {
		targets = all
	} else {
		targets = []int{all[c.Index%len(all)]}
	}
	sign := 1.0
	if c.Seed&(1<<17) != 0 {
		sign = -1
	}
	sub := subName(c)
	var exact map[int]bool // components exactly on a kink, lazily
	exempt := func(v Variant, comp numgrad.Component, t int) bool {
		if v.Pieces || comp.Status != numgrad.Kink {
			return false
		}
		if exact == nil {
			exact = map[int]bool{}
		}
		on, ok := exact[t]
		if !ok {
			on = o.onKink(t)
			exact[t] = on
		}
		if !on {
			return false
		}
		l, r := o.oneSided(t)
		slack := o.margin[t] + 1e-9*o.scale
		return comp.Claimed >= math.Min(l, r)-slack && comp.Claimed <= math.Max(l, r)+slack
	}
	rs := opt.Rs
	if k := opt.RPerCase; k > 0 && k < len(rs) {
		rs = nil
		for j := range k {
			rs = append(rs, opt.Rs[(c.Index*k+j)%len(opt.Rs)])
		}
	}
	for _, v := range c.Variants() {
		k := Key{c.Category, v.Method, v.Pieces}
		st := &Stats{Cases: 1, ByR: map[float64][2]int{}}
		cr.stats[k] = st
		sk := SubKey{c.Category, sub, v.Pieces}
		ss := cr.subs[sk]
		if ss == nil {
			ss = &SubStats{Cases: 1}
			if finite(c.Reached) {
				ss.Reached = []float64{c.Reached}
			}
			cr.subs[sk] = ss
		}
		viol := func(x Violation) {
			x.Case, x.Variant = c, v
			cr.viol = append(cr.viol, x)
			st.Violations++
			if x.Delta != 0 {
				st.PlantViolations++
			}
			ss.Violations++
		}
		// The correct claim.
		r, err := c.Check(v, nil)
		st.Runs++
		if err != nil {
			viol(Violation{Class: "error", Comp: -1, Note: err.Error()})
			continue
		}
		st.Comps += r.N
		ss.Comps += r.N
		if len(r.Components) == 0 {
			st.Screened += r.N
		}
		var floors []float64
		for _, comp := range r.Components {
			switch {
			case comp.Status.Failed():
				st.Fails++
				ss.Fails++
				viol(Violation{Class: "false " + comp.Status.String(), Comp: comp.Index, Status: comp.Status.String(), Floor: comp.Floor, Note: comp.Note})
			case comp.Status == numgrad.Undecided:
				st.Undecided++
				ss.Undecided++
				cr.und = append(cr.und, Violation{Class: "undecided", Case: c, Variant: v, Comp: comp.Index, Status: "undecided", Floor: comp.Floor, Note: comp.Note})
				if catSmooth(c.Category) {
					viol(Violation{Class: "undecided on smooth-ordinary", Comp: comp.Index, Status: comp.Status.String(), Floor: comp.Floor, Note: comp.Note})
				}
			case comp.Status == numgrad.Kink:
				st.Kinks++
				ss.Kinks++
			}
			if finite(comp.Floor) {
				floors = append(floors, comp.Floor/o.scale)
			}
		}
		if len(floors) > 0 {
			sort.Float64s(floors)
			st.FloorMed = append(st.FloorMed, floors[len(floors)/2])
			st.FloorMax = append(st.FloorMax, floors[len(floors)-1])
		}
		if !r.OK() && r.Failed == 0 {
			st.FalseWrong++
			viol(Violation{Class: "false WRONG (no failed component)", Comp: -1, Status: "WRONG", Note: fmt.Sprint(r.Flags, " fast ", fastStatus(r))})
		} else if !r.OK() {
			st.FalseWrong++
		}
		falseBefore := map[int]bool{}
		for _, comp := range r.Components {
			if comp.Status.Failed() {
				falseBefore[comp.Index] = true
			}
		}
		// The planted claims.
		for _, t := range targets {
			for _, rel := range rs {
				delta := sign * rel * o.scale
				claimed := append([]float64(nil), o.grad...)
				claimed[t] += delta
				if claimed[t] == o.grad[t] {
					continue // below the ulp of the component: nothing planted
				}
				errLo := math.Abs(claimed[t]-o.grad[t]) - o.margin[t]
				r, err := c.Check(v, claimed)
				st.Planted++
				ss.Planted++
				if err != nil {
					viol(Violation{Class: "error", Comp: t, Delta: delta, R: rel, Note: err.Error()})
					continue
				}
				base := Violation{Comp: t, Delta: delta, R: rel, ErrLo: errLo}
				var comp *numgrad.Component
				for k := range r.Components {
					if r.Components[k].Index == t {
						comp = &r.Components[k]
					}
					if ck := r.Components[k]; ck.Index != t && ck.Status.Failed() && !falseBefore[ck.Index] {
						falseBefore[ck.Index] = true
						x := base
						x.Class, x.Comp, x.Status, x.Floor, x.Note = "false "+ck.Status.String()+" beside a planted error", ck.Index, ck.Status.String(), ck.Floor, ck.Note
						viol(x)
					}
				}
				w := st.ByR[rel]
				w[0]++
				var floor float64
				failed := false
				if comp == nil {
					// A fast check whose projections all passed: its floor
					// for an error in component t alone is the size that
					// escapes every projection with probability ≤ 1e-6.
					if r.Fast == nil {
						viol(Violation{Class: "error", Comp: t, Delta: delta, R: rel, Note: "no component and no fast check in the report"})
						continue
					}
					floor = r.Fast.Detects(1e-6) / math.Max(1, math.Abs(o.theta[t]))
					failed = !r.OK()
					if !failed && errLo > floor {
						x := base
						x.Class, x.Status, x.Floor = "fast screen passes a wrong component", "RIGHT (screened)", floor
						viol(x)
					}
				} else {
					floor = comp.Floor
					switch {
					case comp.Status.Failed():
						failed = true
						if r.OK() {
							x := base
							x.Class, x.Status, x.Floor, x.Note = "Fail but the report is RIGHT", comp.Status.String(), floor, comp.Note
							viol(x)
						}
					case !(errLo > floor):
						// at or below its floor (or no floor): undetectable
					case exempt(v, *comp, t):
						st.Exempt++
					default:
						x := base
						x.Status, x.Floor, x.Note = comp.Status.String(), floor, comp.Note
						switch comp.Status {
						case numgrad.Pass:
							x.Class = "Pass of a wrong component"
						case numgrad.Kink:
							x.Class = "wrong component hidden as Kink"
						case numgrad.Undecided:
							x.Class = "Undecided above a finite floor"
						default:
							x.Class = "not Fail above the floor: " + comp.Status.String()
						}
						viol(x)
					}
				}
				if failed {
					st.Detected++
					w[1]++
				}
				st.ByR[rel] = w
				if !finite(floor) {
					st.NoFloor++
					continue
				}
				st.PlantFloor = append(st.PlantFloor, floor/o.scale)
				switch {
				case errLo > 2*floor:
					st.Above2++
					if failed {
						st.Above2Fail++
					}
				case errLo > floor:
					st.Band++
					if !failed {
						st.BandNotFail++
					}
				}
			}
		}
	}
	cr.d = time.Since(start)
	return cr
}

func catSmooth(name string) bool {
	for _, c := range Mix {
		if c.Name == name {
			return c.Smooth
		}
	}
	return false
}

func fastStatus(r *numgrad.Report) string {
	if r.Fast == nil {
		return "-"
	}
	return r.Fast.Status().String()
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func parseMethod(s string) (numgrad.Method, error) { return numgrad.ParseMethod(s) }
