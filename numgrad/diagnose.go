package numgrad

import (
	"fmt"
	"math"
	"sort"

	"github.com/gradcheck/gradcheck/backprop"
)

// summarise fills the report's counts and groups.
func (c *checker) summarise(r *Report) {
	blocks := c.layout().Blocks
	flat := blocks == nil
	if flat {
		blocks = []backprop.Block{{Rows: len(c.x), Cols: 1}}
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
		case Undecided:
			g.Undecided++
		case Fail, Nondeterministic:
			g.Failed++
		case NonFinite:
			g.Failed++
			g.NonFinite++
		}
		if comp.Status != Kink && comp.Status != Undecided && !(comp.RelErr <= g.MaxRelErr) {
			g.MaxRelErr = comp.RelErr
		}
		if !(comp.Score <= g.MaxScore) {
			g.MaxScore = comp.Score
		}
		if finite(comp.Floor) && comp.Status != Undecided {
			g.MaxFloor = math.Max(g.MaxFloor, comp.Floor)
		}
		// The worst is a failed component where one failed.
		switch {
		case g.Worst < 0:
			g.Worst = k
		case comp.Status.Failed() != r.Components[g.Worst].Status.Failed():
			if comp.Status.Failed() {
				g.Worst = k
			}
		case comp.Worse(r.Components[g.Worst]):
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
		r.Undecided += g.Undecided
		r.NonFinite += g.NonFinite
	}
}

// diagnose names likely causes from the evidence: per group, a constant
// factor (2, ½, −1, B, 1/B, B/N, other), a zero gradient or a transposed
// block; across groups, a factor shared by every layer from the output
// layer down, the group where the error enters the backward pass, an error
// in the weights alone, and a claim that float32 rounding explains. A cause
// is named only where the pattern supports it.
func diagnose(r *Report, batch, data int, c *checker) {
	byGroup := make([][]Component, len(r.Groups))
	gi := 0
	for _, comp := range r.Components {
		for gi < len(r.Groups)-1 && !inBlock(r.Groups[gi], comp.Index) {
			gi++
		}
		byGroup[gi] = append(byGroup[gi], comp)
	}
	if r.Failed == 0 {
		return
	}
	// A claim that a float32 allowance would pass everywhere it fails is
	// float32 rounding, not a wrong formula: say so, and nothing else.
	if c != nil && c.s.ClaimEps < Float32/2 && c.float32Explains(r) {
		r.Causes = append(r.Causes, "every disagreement is within float32 rounding of the claim: consistent with a gradient computed in float32; check it with --claimed-precision float32 (CheckSettings.ClaimEps = numgrad.Float32)")
		return
	}
	// The blocks of a function's named arguments (a layer's x, gamma) are
	// no layers of a network: the causes below, which read the backward
	// pass of a dense network into the pattern, are for a dense layout
	// only, and the group causes use no network's words there.
	named := false
	for _, g := range r.Groups {
		named = named || g.Block.Named()
	}
	for g := range r.Groups {
		if r.Groups[g].Failed == 0 || r.Groups[g].NonFinite > 0 {
			continue
		}
		r.Groups[g].Ratio, r.Groups[g].Cause = groupCause(r.Groups[g], byGroup[g], batch, data, named)
	}
	if r.Groups[0].Flat || named {
		return
	}
	last := 0
	for _, g := range r.Groups {
		last = max(last, g.Block.Layer)
	}
	wrong := func(layer int, grp backprop.Group) (bool, bool) {
		for _, g := range r.Groups {
			if g.Block.Layer == layer && g.Block.Group == grp {
				return g.Failed > 0, true
			}
		}
		return false, false
	}
	// A factor common to every failing group, the output layer's among
	// them, points at the output delta, which every layer inherits.
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
	lastBiasWrong, lastBiasSeen := wrong(last, backprop.Biases)
	if len(layers) > 1 && layers[last] && finite(common) && common != 0 {
		why := factorName(common, batch, data, false)
		if why != "" {
			why = " (" + why + ")"
		}
		r.Causes = append(r.Causes, fmt.Sprintf("every wrong layer, the output layer among them, is off by the same factor %.4g%s: the error is in the output delta δᴸ or in a scaling every layer shares", common, why))
	}
	g, ok := r.Located()
	if !ok {
		return
	}
	onlyBiases, onlyWeights := true, true
	for _, gr := range r.Groups {
		if gr.Failed == 0 {
			continue
		}
		if gr.Block.Group == backprop.Biases {
			onlyWeights = false
		} else {
			onlyBiases = false
		}
	}
	biasesChecked := false
	for _, gr := range r.Groups {
		if gr.Block.Group == backprop.Biases && gr.Checked > 0 {
			biasesChecked = true
		}
	}
	switch {
	case onlyBiases:
		r.Causes = append(r.Causes, "only bias gradients are wrong: ∂C/∂bˡ = Σ_samples δˡ (the sum over the batch's rows of the deltas)")
	case onlyWeights && biasesChecked:
		r.Causes = append(r.Causes, "only weight gradients are wrong and every bias gradient is right: the deltas δˡ are right (∂C/∂bˡ = Σ δˡ), so the error is in the product with the activations, ∂C/∂Wˡ = Σ δˡ (aˡ⁻¹)ᵀ, or in a term of the weights alone (a penalty λ‖W‖² whose 2λW is missing or mis-scaled)")
	case g.Block.Layer == last && (lastBiasWrong || !lastBiasSeen):
		r.Causes = append(r.Causes, fmt.Sprintf("the last layer (%d) is already wrong: the output delta δᴸ = (1/B)·∂e/∂aᴸ ⊙ f′(zᴸ) — the loss derivative (such as the softmax cross-entropy's softmax(a) − y, or the squared error's 2(a − y)), the 1/B or the output activation's derivative", g.Block.Layer))
	case g.Block.Layer < last:
		r.Causes = append(r.Causes, fmt.Sprintf("layers above %d are right and layer %d is wrong: the error enters the backward pass at δ%s = (δ%s W%s) ⊙ f′(z%s) — a missing or wrong activation derivative, transposed weights, or deltas or activations taken from the wrong layer", g.Block.Layer, g.Block.Layer, sup(g.Block.Layer), sup(g.Block.Layer+1), sup(g.Block.Layer+1), sup(g.Block.Layer)))
	}
}

// float32Explains reports whether every failed component would pass, or
// be undecided, were the claim declared float32: with the allowance of a
// claim computed in float32, or, where x's piece is ambiguous at float32's
// rounding, as the derivative of a piece next to x (see ambiguity).
func (c *checker) float32Explains(r *Report) bool {
	s := c.s
	s.ClaimEps = Float32
	c32 := *c
	c32.s = s
	amb32 := false
	if c.p.Ambiguous != nil {
		amb32, _ = c.p.Ambiguous(Float32)
	}
	n := 0
	for k, comp := range r.Components {
		if comp.Status != Fail {
			if comp.Status.Failed() {
				return false
			}
			continue
		}
		n++
		if judge(comp.Claimed, comp.Estimate, bound{comp.Bound, comp.Bound}, c32.allow(k), &s).status != Fail {
			continue
		}
		if sw := c.st[k].sweep; amb32 && sw != nil && sw.pieces {
			if lo, hi, ok := c.otherPieces(sw); ok && comp.Claimed >= lo && comp.Claimed <= hi {
				continue
			}
		}
		return false
	}
	return n > 0
}

func inBlock(g Group, i int) bool {
	return g.Flat || i >= g.Block.Offset && i < g.Block.Offset+g.Block.Len()
}

// Cause names the likely cause of the failures among comps, the checked
// components of one block of a function's arguments (or of the same block
// under several directions), from their pattern alone: a claim that is
// zero where the estimate is not, or a constant factor claimed/estimate
// (a sign flip, 2, ½, another constant) common to the failures. It returns
// the factor (NaN where there is none) and the cause ("" where no single
// cause fits). It is the per-group diagnosis of a report, in words that
// assume no network: package numgrad/vector calls it for the blocks of
// the checks it merges.
func Cause(comps []Component) (ratio float64, cause string) {
	return groupCause(Group{Flat: true}, comps, 0, 0, true)
}

// groupCause fits the failing pattern of one group; named says that the
// group is a function's named argument, not a network's layer, and
// chooses the words.
func groupCause(g Group, comps []Component, batch, data int, named bool) (float64, string) {
	// The ratio claimed/estimate over the components whose estimate stands
	// clearly above its tolerance.
	var ratios []float64
	zero := true
	for _, c := range comps {
		if c.Status != Fail {
			continue
		}
		if math.Abs(c.Estimate) > 8*c.Tol {
			ratios = append(ratios, c.Claimed/c.Estimate)
		}
		if math.Abs(c.Claimed) > c.Tol {
			zero = false
		}
	}
	if zero {
		return 0, "the claimed gradient is zero here and the estimate is not: this group's gradient is not computed (missing or zeroed)"
	}
	if !g.Flat && g.Block.Rows == g.Block.Cols && g.Block.Rows > 1 && transposed(g.Block, comps) {
		if named {
			return math.NaN(), fmt.Sprintf("the claimed block is the transpose of the estimated one: %s[j][i] and %s[i][j] swapped (a matrix transposed where it should not be)", g.Block.Name, g.Block.Name)
		}
		return math.NaN(), "the claimed block is the transpose of the estimated one: ∂C/∂W[j][i] and ∂C/∂W[i][j] swapped (aˡ⁻¹ δˡᵀ instead of δˡᵀ aˡ⁻¹, or Wᵀ where W belongs)"
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
	name := factorName(med, batch, data, named)
	if len(ratios) == 1 && name == "" {
		return math.NaN(), ""
	}
	if name == "" {
		name = fmt.Sprintf("a constant factor %.4g", med)
	}
	return med, fmt.Sprintf("claimed = %.4g × estimate throughout: %s", med, name)
}

// transposed reports whether the claimed square block equals the
// transposed estimated one within the tolerances (and is not symmetric
// enough to equal the block itself).
func transposed(b backprop.Block, comps []Component) bool {
	if len(comps) != b.Len() {
		return false
	}
	n := b.Rows
	for r := range n {
		for c := range n {
			a, t := comps[r*n+c], comps[c*n+r]
			if !Within(a.Claimed, t.Estimate, a.Tol+t.Tol, 0) {
				return false
			}
		}
	}
	return true
}

// near reports whether two ratios agree to 1e-3 relative.
func near(a, b float64) bool { return math.Abs(a-b) <= 1e-3*math.Max(math.Abs(a), math.Abs(b)) }

// factorName explains a constant factor it recognises, or returns "". A
// batch that is part of a larger dataset (data > batch) is checked for
// B/N and N/B first: a mean over the dataset's size instead of the
// batch's, whose ratio may also be ½ or 2. named chooses words that
// assume no network (no loss, no gradient ascent) for −1, ½ and 2.
func factorName(q float64, batch, data int, named bool) string {
	B, N := float64(batch), float64(data)
	if named {
		switch {
		case near(q, -1):
			return "a sign flip"
		case near(q, 0.5):
			return "half the true value (a factor 2 dropped, or a term of two counted once)"
		case near(q, 2):
			return "twice the true value (a ½ missing, or a term counted twice)"
		}
	}
	switch {
	case batch > 0 && data > batch && near(q, B/N):
		return fmt.Sprintf("B/N = %d/%d: averaged over the dataset's N = %d samples instead of the batch's B = %d", batch, data, data, batch)
	case batch > 0 && data > batch && near(q, N/B):
		return fmt.Sprintf("N/B = %d/%d: scaled by the dataset's N = %d samples over the batch's B = %d", data, batch, data, batch)
	case near(q, -1):
		return "a sign flip (gradient ascent, or y − a for a − y)"
	case near(q, 0.5):
		return "a factor 2 dropped (the squared error e = Σ(a − y)² has no ½: ∂e/∂a = 2(a − y)), or a mean over two outputs as well as the samples"
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
