package numgrad

import (
	"fmt"
	"math"
	"sort"

	"github.com/gradcheck/gradcheck/backprop"
)

// summarise fills the report's counts and groups.
func (c *checker) summarise(r *Report) {
	blocks := c.p.layout.Blocks
	flat := blocks == nil
	if flat {
		blocks = []backprop.Block{{Rows: len(c.p.x), Cols: 1}}
	}
	groups := make([]Group, len(blocks))
	for g := range groups {
		groups[g] = Group{Block: blocks[g], Flat: flat, Worst: -1, Ratio: math.NaN()}
	}
	for k, comp := range r.Components {
		g := &groups[c.groupOf(comp.Index)]
		g.Checked++
		switch comp.Status {
		case Pass:
			g.Passed++
		case Kink:
			g.Kinks++
		case Fail:
			g.Failed++
		case NonFinite:
			g.Failed++
			g.NonFinite++
		}
		if comp.Status != Kink && !(comp.RelErr <= g.MaxRelErr) {
			g.MaxRelErr = comp.RelErr
		}
		if !(comp.Score <= g.MaxScore) {
			g.MaxScore = comp.Score
		}
		if g.Worst < 0 || comp.Worse(r.Components[g.Worst]) {
			g.Worst = k
		}
	}
	for _, g := range groups {
		if g.Checked == 0 {
			continue
		}
		r.Groups = append(r.Groups, g)
		r.Passed += g.Passed
		r.Failed += g.Failed
		r.Kinks += g.Kinks
		r.NonFinite += g.NonFinite
	}
}

// diagnose names likely causes: per group, a constant factor (2, ½, −1, B,
// 1/B, other), a zero gradient or a transposed block; across groups, a
// factor shared by every layer, and the layer where the error enters the
// backward pass.
func diagnose(r *Report, batch int) {
	byGroup := make([][]Component, len(r.Groups))
	gi := 0
	for _, comp := range r.Components {
		for gi < len(r.Groups)-1 && !inBlock(r.Groups[gi], comp.Index) {
			gi++
		}
		byGroup[gi] = append(byGroup[gi], comp)
	}
	for g := range r.Groups {
		if r.Groups[g].Failed == 0 || r.Groups[g].NonFinite > 0 {
			continue
		}
		r.Groups[g].Ratio, r.Groups[g].Cause = groupCause(r.Groups[g], byGroup[g], batch)
	}
	// A factor common to every failing group points at the output delta,
	// which every layer inherits.
	common := math.NaN()
	nFail := 0
	layers := map[int]bool{}
	for _, g := range r.Groups {
		if g.Failed == 0 {
			continue
		}
		nFail++
		layers[g.Block.Layer] = true
		switch {
		case math.IsNaN(g.Ratio) || (nFail > 1 && !near(g.Ratio, common)):
			common = math.Inf(1)
		case nFail == 1:
			common = g.Ratio
		}
	}
	if len(layers) > 1 && finite(common) && common != 0 && !r.Groups[0].Flat {
		why := factorName(common, batch)
		if why != "" {
			why = " (" + why + ")"
		}
		r.Causes = append(r.Causes, fmt.Sprintf("every wrong layer is off by the same factor %.4g%s: the error is in the output delta δᴸ or in a scaling every layer shares", common, why))
	}
	if g, ok := r.Located(); ok && !g.Flat {
		last := 0
		onlyBiases := true
		for _, gr := range r.Groups {
			last = max(last, gr.Block.Layer)
			if gr.Failed > 0 && gr.Block.Group != backprop.Biases {
				onlyBiases = false
			}
		}
		switch {
		case onlyBiases:
			r.Causes = append(r.Causes, "only bias gradients are wrong: ∂C/∂bˡ = Σ_samples δˡ (the sum over the batch's rows of the deltas)")
		case g.Block.Layer == last:
			r.Causes = append(r.Causes, fmt.Sprintf("the last layer (%d) is already wrong: the output delta δᴸ = (1/B)·∂e/∂aᴸ ⊙ f′(zᴸ) — the loss derivative (such as the softmax cross-entropy's softmax(a) − y, or the squared error's 2(a − y)), the 1/B or the output activation's derivative", g.Block.Layer))
		default:
			r.Causes = append(r.Causes, fmt.Sprintf("layers above %d are right and layer %d is wrong: the error enters the backward pass at δ%s = (δ%s W%s) ⊙ f′(z%s) — a missing or wrong activation derivative, transposed weights, or deltas or activations taken from the wrong layer", g.Block.Layer, g.Block.Layer, sup(g.Block.Layer), sup(g.Block.Layer+1), sup(g.Block.Layer+1), sup(g.Block.Layer)))
		}
	}
}

func inBlock(g Group, i int) bool {
	return g.Flat || i >= g.Block.Offset && i < g.Block.Offset+g.Block.Len()
}

// groupCause fits the failing pattern of one group.
func groupCause(g Group, comps []Component, batch int) (float64, string) {
	// The ratio analytic/numerical over the components whose numerical
	// value stands clearly above its tolerance.
	var ratios []float64
	zero := true
	for _, c := range comps {
		if c.Status == Kink {
			continue
		}
		if c.Status == Fail && math.Abs(c.Numerical) > 8*c.Tol {
			ratios = append(ratios, c.Analytic/c.Numerical)
		}
		if c.Status == Fail && math.Abs(c.Analytic) > c.Tol {
			zero = false
		}
	}
	if zero {
		return 0, "the analytic gradient is zero here and the numerical one is not: this group's gradient is not computed (missing or zeroed)"
	}
	if !g.Flat && g.Block.Rows == g.Block.Cols && g.Block.Rows > 1 && transposed(g.Block, comps) {
		return math.NaN(), "the analytic block is the transpose of the numerical one: ∂C/∂W[j][i] and ∂C/∂W[i][j] swapped (aˡ⁻¹ δˡᵀ instead of δˡᵀ aˡ⁻¹, or Wᵀ where W belongs)"
	}
	if len(ratios) == 0 {
		return math.NaN(), ""
	}
	sort.Float64s(ratios)
	med := ratios[len(ratios)/2]
	agree := 0
	for _, q := range ratios {
		if near(q, med) {
			agree++
		}
	}
	if agree*10 < len(ratios)*9 || near(med, 1) {
		return math.NaN(), ""
	}
	name := factorName(med, batch)
	if len(ratios) == 1 && name == "" {
		return math.NaN(), ""
	}
	if name == "" {
		name = fmt.Sprintf("a constant factor %.4g", med)
	}
	return med, fmt.Sprintf("analytic = %.4g × numerical throughout: %s", med, name)
}

// transposed reports whether the analytic square block equals the
// transposed numerical one within the tolerances (and is not symmetric
// enough to equal the block itself).
func transposed(b backprop.Block, comps []Component) bool {
	if len(comps) != b.Len() {
		return false
	}
	n := b.Rows
	for r := range n {
		for c := range n {
			a, t := comps[r*n+c], comps[c*n+r]
			if !Within(a.Analytic, t.Numerical, a.Tol+t.Tol, 0) {
				return false
			}
		}
	}
	return true
}

// near reports whether two ratios agree to 1e-3 relative.
func near(a, b float64) bool { return math.Abs(a-b) <= 1e-3*math.Max(math.Abs(a), math.Abs(b)) }

// factorName explains a constant factor it recognises, or returns "".
func factorName(q float64, batch int) string {
	B := float64(batch)
	switch {
	case near(q, -1):
		return "a sign flip (gradient ascent, or y − a for a − y)"
	case near(q, 0.5):
		return "a factor 2 dropped (the squared error e = Σ(a − y)² has no ½: ∂e/∂a = 2(a − y))"
	case near(q, 2):
		return "a factor 2 too many (a ½ missing, or a term counted twice)"
	case batch > 1 && near(q, B):
		return fmt.Sprintf("B = %d times too large: summed over the batch instead of averaged (C is the mean over B samples)", batch)
	case batch > 1 && near(q, 1/B):
		return fmt.Sprintf("1/B = 1/%d of the true value: divided by the batch size once too often", batch)
	case batch > 1 && near(q, -B):
		return fmt.Sprintf("−B = −%d: summed over the batch and the sign flipped", batch)
	}
	return ""
}

var superscripts = []rune("⁰¹²³⁴⁵⁶⁷⁸⁹")

// sup writes n in superscript digits.
func sup(n int) string {
	s := fmt.Sprint(n)
	out := make([]rune, 0, len(s))
	for _, d := range s {
		out = append(out, superscripts[d-'0'])
	}
	return string(out)
}
