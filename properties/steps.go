package properties

import (
	"fmt"
	"math"
	"slices"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
)

// stepGap is where an update leaves the allowance of its tolerance: the
// parameter, the value found, the reference, and the allowance (0 for
// Bitwise).
type stepGap struct {
	i        int
	got, ref float64
	tol      float64
}

// stepMismatch compares got, the parameters after one update of rate eta
// on the rows from theta, with θ − η·g under tol, and returns the first
// parameter outside the allowance; ok is true when there is none. It
// leaves the model at theta.
func (c *instance) stepMismatch(t *rapid.T, tol Tolerance, theta []float64, eta float64, rows []int, got []float64) (gap stepGap, ok bool) {
	t.Helper()
	c.Model.SetParams(theta)
	g, _ := c.gradient(t, backprop.Batch{Data: c.data, Rows: rows})
	ref := slices.Clone(theta)
	backprop.Update(ref, eta, g)
	if tol == Bitwise {
		if i := firstBitDiff(got, ref); i >= 0 {
			return stepGap{i: i, got: got[i], ref: ref[i]}, false
		}
		return stepGap{}, true
	}
	// Accumulated: the second reference sums the one-sample gradients in
	// batch order and divides by B.
	b := len(rows)
	per := make([][]float64, b)
	for k, r := range rows {
		per[k], _ = c.gradient(t, one(c.data, r))
	}
	abs := absSums(per)
	mean := make([]float64, len(theta))
	for _, gs := range per {
		for i, v := range gs {
			mean[i] += v
		}
	}
	for i := range mean {
		mean[i] /= float64(b)
	}
	acc := slices.Clone(theta)
	backprop.Update(acc, eta, mean)
	c.Model.SetParams(theta)
	for i := range got {
		near := acc[i]
		if math.Abs(ref[i]-got[i]) < math.Abs(acc[i]-got[i]) {
			near = ref[i]
		}
		bound := accumulatedStep(eta, abs[i], b, got[i], math.Max(math.Abs(ref[i]), math.Abs(acc[i])))
		if !withinHull(got[i], ref[i], acc[i], bound) {
			return stepGap{i: i, got: got[i], ref: near, tol: bound}, false
		}
	}
	return stepGap{}, true
}

// describe says how an update missed: "θ[3] = v, want w" for Bitwise, with
// the allowance for Accumulated.
func (g stepGap) describe(c *instance, tol Tolerance) string {
	if tol == Bitwise {
		return fmt.Sprintf("%s = %v, want %v", c.param(g.i), g.got, g.ref)
	}
	return fmt.Sprintf("%s = %v, want %v within %.3g (%v: the rounding of a sum of the batch's one-sample gradients)", c.param(g.i), g.got, g.ref, g.tol, tol)
}

// costMismatch compares got, a cost the trainer reports for the whole
// dataset, with the model's cost at its current parameters under tol; for
// Accumulated it also accepts the mean of the one-sample costs (see
// [Accumulated]). It returns the reference and the allowance when got is
// outside it.
func (c *instance) costMismatch(t *rapid.T, tol Tolerance, got float64) (ref, bound float64, ok bool) {
	t.Helper()
	ref = c.cost(t, backprop.All(c.data))
	if math.Float64bits(got) == math.Float64bits(ref) {
		return ref, 0, true
	}
	if tol == Bitwise {
		return ref, 0, false
	}
	var sum, abs float64
	for s := range c.data.N {
		e := c.cost(t, one(c.data, s))
		sum += e
		abs += math.Abs(e)
	}
	mean := sum / float64(c.data.N)
	bound = accumulatedCost(abs, c.data.N)
	return ref, bound, withinHull(got, ref, mean, bound)
}
