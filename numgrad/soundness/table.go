package soundness

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/gradcheck/gradcheck/numgrad"
)

var methodOrder = []numgrad.Method{numgrad.MethodCentral, numgrad.MethodRichardson, numgrad.MethodFast, numgrad.MethodComplex, numgrad.MethodDual}

func pcs(p bool) string {
	if p {
		return "yes"
	}
	return "no"
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func maxOf(v []float64) float64 {
	m := math.NaN()
	for _, x := range v {
		if !(x <= m) {
			m = x
		}
	}
	return m
}

func pct(n, d int) string {
	if d == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f %%", 100*float64(n)/float64(d))
}

func e(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.1e", v)
}

// UndecidedCap is the largest share of Undecided components a category
// may have (1 %); a Smooth category may have none.
const UndecidedCap = 0.01

// CategoryUndecided returns, per category, the Undecided components and
// the components checked, over every method and both piece columns.
func (r *Result) CategoryUndecided() map[string][2]int {
	out := map[string][2]int{}
	for k, s := range r.Stats {
		v := out[k.Category]
		out[k.Category] = [2]int{v[0] + s.Undecided, v[1] + s.Comps}
	}
	return out
}

// CapBreaches lists the categories whose Undecided share exceeds the cap
// in one piece column (every method together): what the suite enforces.
func (r *Result) CapBreaches() []string {
	var out []string
	for _, cat := range Mix {
		for _, p := range []bool{true, false} {
			var und, comps int
			for _, m := range methodOrder {
				if s := r.Stats[Key{cat.Name, m, p}]; s != nil {
					und, comps = und+s.Undecided, comps+s.Comps
				}
			}
			if over(cat, und, comps) {
				out = append(out, fmt.Sprintf("%s, pieces %s: %d undecided of %d components (%s)", cat.Name, pcs(p), und, comps, pct(und, comps)))
			}
		}
	}
	return out
}

func over(cat Category, und, comps int) bool {
	lim := UndecidedCap
	if cat.Smooth {
		lim = 0
	}
	return comps > 0 && float64(und) > lim*float64(comps)
}

// CellBreaches lists the rows (category, method, pieces) over the cap.
func (r *Result) CellBreaches() []string {
	var out []string
	r.rows(func(cat Category, k Key, s *Stats) {
		if over(cat, s.Undecided, s.Comps) {
			out = append(out, fmt.Sprintf("%s, %v, pieces %s: %d of %d (%s)", cat.Name, k.Method, pcs(k.Pieces), s.Undecided, s.Comps, pct(s.Undecided, s.Comps)))
		}
	})
	return out
}

// WriteMarkdown writes the report: the run, the correct-claim table, the
// planted table, the breakdown by condition, the violations by class with
// one reproducer each.
func (r *Result) WriteMarkdown(w io.Writer, header string) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format+"\n", a...) }
	p("%s", header)
	form := "short"
	if r.Options.Full {
		form = "full"
	}
	total := 0
	for _, n := range r.CaseCount {
		total += n
	}
	var rs []string
	for _, x := range r.Options.Rs {
		rs = append(rs, fmt.Sprintf("%.0e", x))
	}
	per := ""
	if k := r.Options.RPerCase; k > 0 && k < len(r.Options.Rs) {
		per = fmt.Sprintf(" (%d per case, in turn)", k)
	}
	p("Form: %s, %d cases (seed %d), planted r ∈ {%s}%s, %d workers, %.0f s wall, %.0f s CPU.", form, total, r.Options.Seed, strings.Join(rs, ", "), per, r.Options.Workers, r.Elapsed.Seconds(), r.CPU.Seconds())
	p("")
	p("## Categories")
	p("")
	p("| category | cases | wide (hidden ≥ 32) | widest | batch | most parameters | models | generator |")
	p("|---|---:|---:|---:|---|---:|---|---|")
	for _, c := range Mix {
		if n, ok := r.CaseCount[c.Name]; ok {
			sh := r.Shapes[c.Name]
			if sh == nil {
				continue
			}
			var kinds []string
			for k := Kind(0); k < numKinds; k++ {
				if v := sh.Kinds[k]; v > 0 {
					kinds = append(kinds, fmt.Sprintf("%s %d", k, v))
				}
			}
			p("| %s | %d | %d | %d | %d–%d | %d | %s | %s |", c.Name, n, sh.Wide, sh.MaxWidth, sh.MinBatch, sh.MaxBatch, sh.MaxParams, strings.Join(kinds, ", "), c.doc)
		}
	}
	p("")
	p("## Correct claims")
	p("")
	p("Every component of every case under every method that applies; \"pieces\" says whether the problem had piece information. Fail must be 0; Undecided at most 1 %% of a row's components, 0 on smooth-ordinary. \"screened\": components a passing fast check did not look at one by one. Floor/G: the median over the runs of the median component floor, and the largest floor, relative to max|g|.")
	p("")
	p("| category | method | pieces | cases | components | Fail | not OK | Undecided | Kink | screened | violations | floor/G median | floor/G max |")
	p("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	r.rows(func(cat Category, k Key, s *Stats) {
		p("| %s | %v | %s | %d | %d | %d | %d | %d (%s) | %d | %d | %d | %s | %s |", cat.Name, k.Method, pcs(k.Pieces), s.Cases, s.Comps, s.Fails, s.FalseWrong, s.Undecided, pct(s.Undecided, s.Comps), s.Kinks, s.Screened, s.Violations-s.PlantViolations, e(median(s.FloorMed)), e(maxOf(s.FloorMax)))
	})
	p("")
	p("Undecided per category (all methods, both columns):")
	p("")
	p("| category | undecided | components | share | pieces yes | pieces no |")
	p("|---|---:|---:|---:|---:|---:|")
	for _, cat := range Mix {
		var y, yn, n, nn int
		for _, m := range methodOrder {
			if s := r.Stats[Key{cat.Name, m, true}]; s != nil {
				y, yn = y+s.Undecided, yn+s.Comps
			}
			if s := r.Stats[Key{cat.Name, m, false}]; s != nil {
				n, nn = n+s.Undecided, nn+s.Comps
			}
		}
		if yn+nn == 0 {
			continue
		}
		p("| %s | %d | %d | %s | %s | %s |", cat.Name, y+n, yn+nn, pct(y+n, yn+nn), pct(y, yn), pct(n, nn))
	}
	p("")
	p("## Planted errors")
	p("")
	p("One component per case (the largest, the one nearest a kink, the smallest, in turn) moved by r·max|g|. \"> 2×floor\": planted errors (less the claim's own rounding bound) above twice that component's stated floor, and how many of them Fail (must be all); \"1–2×\": those between one and two floors, and how many were not Fail; \"exempt\": Kink exactly on a kink without pieces, within the one-sided derivatives; \"no floor\": the component's floor is infinite (Undecided with no bound). Violations (of the planted claims only): Pass, Kink or Undecided above the floor, a Fail in a RIGHT report, a passing fast screen above its floor, a false Fail of another component. Floor/G: the planted component's stated floor relative to max|g| (median, max): the measured floor. \"all Fail down to\": the smallest r at and above which every planted error was Fail.")
	p("")
	p("| category | method | pieces | planted | Fail | > 2×floor (Fail) | 1–2× (not Fail) | exempt | no floor | violations | floor/G median | floor/G max | all Fail down to |")
	p("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	r.rows(func(cat Category, k Key, s *Stats) {
		p("| %s | %v | %s | %d | %d | %d (%d) | %d (%d) | %d | %d | %d | %s | %s | %s |", cat.Name, k.Method, pcs(k.Pieces), s.Planted, s.Detected, s.Above2, s.Above2Fail, s.Band, s.BandNotFail, s.Exempt, s.NoFloor, s.PlantViolations, e(median(s.PlantFloor)), e(maxOf(s.PlantFloor)), downTo(s.ByR))
	})
	p("")
	p("## By condition")
	p("")
	p("All methods together. \"reached\": the median over the cases of the smallest |z| reached at the placed units (kink-near: the distance got by the float64 solve; kink-exact: 0 where exact in backprop's order).")
	p("")
	p("| category | condition | pieces | cases | components | Fail | Undecided | Kink | planted | violations | reached |")
	p("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	var sk []SubKey
	for k := range r.Subs {
		if k.Sub != "" {
			sk = append(sk, k)
		}
	}
	catIdx := map[string]int{}
	for i, c := range Mix {
		catIdx[c.Name] = i
	}
	sort.Slice(sk, func(a, b int) bool {
		x, y := sk[a], sk[b]
		if x.Category != y.Category {
			return catIdx[x.Category] < catIdx[y.Category]
		}
		if x.Sub != y.Sub {
			return subLess(x.Sub, y.Sub)
		}
		return x.Pieces && !y.Pieces
	})
	for _, k := range sk {
		s := r.Subs[k]
		p("| %s | %s | %s | %d | %d | %d | %d (%s) | %d | %d | %d | %s |", k.Category, k.Sub, pcs(k.Pieces), s.Cases, s.Comps, s.Fails, s.Undecided, pct(s.Undecided, s.Comps), s.Kinks, s.Planted, s.Violations, e(median(s.Reached)))
	}
	p("")
	if b := r.CapBreaches(); len(b) > 0 {
		p("## Over the Undecided cap")
		p("")
		p("Categories whose Undecided share exceeds 1 %% (0 on smooth-ordinary) in a piece column, every method together (the suite fails on these):")
		p("")
		for _, x := range b {
			p("- %s", x)
		}
		p("")
		p("Rows over the cap:")
		p("")
		for _, x := range r.CellBreaches() {
			p("- %s", x)
		}
		p("")
	}
	p("## Violations")
	p("")
	classes := r.Classes()
	if len(classes) == 0 {
		p("None.")
	}
	for _, cl := range classes {
		vs := cl.V
		p("### %s (%d)", cl.Name, len(vs))
		p("")
		var where []string
		seen := map[string]bool{}
		for _, v := range vs {
			s := v.Case.Category + " / " + v.Variant.String()
			if !seen[s] {
				seen[s] = true
				where = append(where, s)
			}
		}
		if len(where) > 8 {
			where = append(where[:8], fmt.Sprintf("and %d more", len(where)-8))
		}
		p("In: %s.", strings.Join(where, "; "))
		p("")
		for i, v := range vs {
			if i == 3 {
				break
			}
			p("- %s, %s, component %d: %s, floor %.3g, planted %.3g (r %.0e), error ≥ %.3g. %s", v.Case.Name(), v.Variant, v.Comp, v.Status, v.Floor, v.Delta, v.R, v.ErrLo, v.Note)
		}
		p("")
		p("Reproducer (the smallest case of the class):")
		p("")
		p("```go")
		p("%s", cl.Smallest().Repro())
		p("```")
		p("")
	}
	p("## Slowest cases")
	p("")
	for _, s := range r.Slowest {
		p("- %s (%d parameters): %.1f s", s.Name, s.N, s.D.Seconds())
	}
}

// rows calls fn for each row of the table in order.
func (r *Result) rows(fn func(Category, Key, *Stats)) {
	for _, cat := range Mix {
		for _, m := range methodOrder {
			for _, pc := range []bool{true, false} {
				k := Key{cat.Name, m, pc}
				if s := r.Stats[k]; s != nil {
					fn(cat, k, s)
				}
			}
		}
	}
}

func subLess(a, b string) bool {
	var x, y float64
	if _, err := fmt.Sscanf(a, "%g", &x); err == nil {
		if _, err := fmt.Sscanf(b, "%g", &y); err == nil && x != y {
			return x > y
		}
	}
	return a < b
}

func downTo(by map[float64][2]int) string {
	var rs []float64
	for r := range by {
		rs = append(rs, r)
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(rs)))
	best := math.NaN()
	for _, r := range rs {
		if v := by[r]; v[0] > 0 && v[1] < v[0] {
			break
		}
		best = r
	}
	if math.IsNaN(best) {
		return "–"
	}
	return fmt.Sprintf("%.0e", best)
}

// Class is the violations of one class.
type Class struct {
	Name string
	V    []Violation
}

// Smallest returns the class's violation on the case with the fewest
// parameters × samples.
func (c Class) Smallest() *Violation {
	best := 0
	size := func(v Violation) int { return v.Case.NumParams() * v.Case.batchLen() }
	for i, v := range c.V {
		if size(v) < size(c.V[best]) {
			best = i
		}
	}
	return &c.V[best]
}

// Classes groups the violations by class and category-free method (the
// class name and, for planted ones, whether pieces were known), sorted by
// class.
func (r *Result) Classes() []Class {
	m := map[string][]Violation{}
	for _, v := range r.Violations {
		name := v.Class + " (" + v.Variant.Method.String() + ", pieces " + pcs(v.Variant.Pieces) + ")"
		m[name] = append(m[name], v)
	}
	var out []Class
	for k, v := range m {
		sort.Slice(v, func(a, b int) bool {
			if v[a].Case.Category != v[b].Case.Category {
				return v[a].Case.Category < v[b].Case.Category
			}
			return v[a].Case.Index < v[b].Case.Index
		})
		out = append(out, Class{k, v})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}
