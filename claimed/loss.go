package claimed

import (
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
)

// LossCheck is the check of a claimed loss.
type LossCheck struct {
	// Claimed is the claimed loss; Computed is C(θ; b) evaluated by
	// runerr.Cost; Tol is Slack·CostErr, the largest difference two
	// correct float64 evaluations can have.
	Claimed, Computed, Tol float64
	// Status is numgrad's: Pass (within Tol), Fail (not, or not finite),
	// Undecided (the first-order rounding bound is not trusted at this
	// point, or the model's cost is not finite: nothing to compare with).
	Status numgrad.Status
	// Note says why a loss is wrong or unverified, and the likely cause of
	// a wrong one when its ratio to ours is recognisable.
	Note string
}

// checkLoss compares the claimed loss, computed in unit roundoff u, with
// net's cost on b at θ. The bound Slack·CostErr is first order in u, so a
// claim computed in float32 (u = 2⁻²⁴) is allowed u/2⁻⁵³ times the float64
// bound: the same terms, each rounded to u.
func checkLoss(net *backprop.Network, b backprop.Batch, claimed, u float64) (LossCheck, error) {
	ref, err := runerr.Cost(net, net.ParamsTo(nil), b)
	if err != nil {
		return LossCheck{}, err
	}
	c := LossCheck{Claimed: claimed, Computed: ref.Cost, Tol: ref.Slack * ref.CostErr * math.Max(1, u/numgrad.Float64)}
	switch {
	case math.IsNaN(claimed) || math.IsInf(claimed, 0):
		c.Status, c.Note = numgrad.Fail, "the claimed loss is not finite"
	case math.IsNaN(c.Computed) || math.IsInf(c.Computed, 0) || math.IsNaN(c.Tol) || math.IsInf(c.Tol, 0):
		c.Status, c.Note = numgrad.Undecided, fmt.Sprintf("the model's cost on these data is %v (bound %v): nothing to compare with", c.Computed, c.Tol)
	case ref.Overflow:
		c.Status, c.Note = numgrad.Undecided, "an intermediate of the cost overflows before a branch in the reference's order of evaluation (ReLU maps the NaN to 0): its value need not be the cost's"
	case math.Abs(claimed-c.Computed) <= c.Tol:
		c.Status = numgrad.Pass
		if ref.Rel > runerr.MaxRel {
			// Agreement within a bound that may be too small still agrees;
			// disagreement below would be no verdict.
			c.Note = "within the first-order bound, which is not trusted here"
		}
	case ref.Rel > runerr.MaxRel:
		c.Status = numgrad.Undecided
		c.Note = fmt.Sprintf("an argument of exp, log or tanh is perturbed by %.1e relative by rounding, above the %.0e where the first-order bound holds", ref.Rel, runerr.MaxRel)
	default:
		c.Status = numgrad.Fail
		c.Note = lossCause(claimed/c.Computed, net.Config(), b.Len())
	}
	return c, nil
}

// lossCause names a recognisable ratio claimed/ours, or returns "".
func lossCause(q float64, c backprop.Config, batch int) string {
	out := c.Sizes[len(c.Sizes)-1]
	B := float64(batch)
	switch {
	case c.Loss == backprop.SquaredError && near(q, 0.5):
		return "claimed = ½ × ours: a ½ in the claimed loss; gradcheck's squared error has no ½, e = Σ_k (ŷ_k − y_k)²"
	case c.Loss == backprop.SquaredError && out > 1 && near(q, 1/float64(out)):
		return fmt.Sprintf("claimed = ours / %d, the number of outputs: a mean over B·n_out entries, as F.mse_loss(reduction='mean') takes; gradcheck's cost sums over the outputs and averages over the samples, ((ŷ − y)**2).sum(1).mean()", out)
	case c.Loss == backprop.SquaredError && out > 1 && near(q, 0.5/float64(out)):
		return fmt.Sprintf("claimed = ours / (2·%d): a ½ and a mean over the %d outputs as well as the samples", out, out)
	case batch > 1 && near(q, B):
		return fmt.Sprintf("claimed = %d × ours: summed over the %d samples instead of averaged", batch, batch)
	case batch > 1 && near(q, 1/B):
		return fmt.Sprintf("claimed = ours / %d: divided by the batch size once too often", batch)
	case near(q, -1):
		return "claimed = −ours: a sign flip"
	case near(q, 2):
		return "claimed = 2 × ours: a term counted twice"
	}
	return fmt.Sprintf("claimed/ours = %.6g", q)
}

// near reports whether two ratios agree to 1e-3 relative (numgrad's rule
// for recognising a factor).
func near(a, b float64) bool { return math.Abs(a-b) <= 1e-3*math.Max(math.Abs(a), math.Abs(b)) }
