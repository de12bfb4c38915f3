package properties

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
)

// Descent checks that −g is a descent direction to first order: for a
// non-zero gradient g at θ and small enough η,
//
//	C(θ − η·g) < C(θ)   and   Δ(η) = C(θ) − C(θ − η·g) = η·‖g‖²·(1 + O(η)).
//
// It evaluates Δ at η = η₀·2⁻ᵏ, k = 0, 1, …, from η₀ = max(|C|, 2⁻¹⁰⁰⁰)/‖g‖²
// (a predicted decrease as large as the cost) down past the rate whose
// predicted decrease η‖g‖² is 2⁻⁴⁵·|C| and until |Δ| falls below a quarter
// of the threshold μ = 2⁻⁴⁰·max(|C|, 1). It passes at the first η with
// Δ > 0 and Δ/(η‖g‖²) ∈ [1/2, 3/2]. It fails if no η passes and the regime
// that crosses μ on the way down is linear with another slope: at the last
// rate with |Δ| > μ and at its two neighbours, Δ halves with η, each ratio
// Δ(η)/Δ(η/2) within 1/8 of 2, and the steps there are local: no parameter
// moves by more than 2⁻¹⁰·(1 + ‖θ‖∞). Otherwise nothing is decided (the
// gradient is lost in rounding noise, or Δ is never linear near μ with
// small steps) and it passes.
//
// The reasoning:
//
//   - With Δ(η) = η‖g‖²(1 − aη + …), the ratio Δ(η)/Δ(η/2) is
//     2(1 − aη/2 + …); within 1/8 of 2 means aη ≲ 1/8, where
//     Δ/(η‖g‖²) ≈ 1 − aη is inside the window. A wrong gradient g′ has a
//     first-order regime of slope ∇Cᵀg′ instead: a gradient with the wrong
//     sign gives a ratio near −1, one off by a factor 2 or more a ratio at
//     most 1/2. Smaller errors are for a numerical gradient check.
//   - The regime must reach down to μ because the first-order regime is the
//     one at the smallest steps; a linear stretch at larger steps can be
//     another piece of the cost (the far field of a piecewise-linear or
//     saturated network) that ends abruptly where the step becomes local.
//   - Steps must be local because "small enough η" means steps small
//     against the scale on which C varies, which a step larger than the
//     parameters is not; 2⁻¹⁰·(1 + ‖θ‖∞) is the size of the move off kinks
//     below. A gradient near its own rounding error is wrong in direction,
//     and with a cost that is linear over long stretches (a confident
//     softmax cross-entropy is linear in the logits) a wrong slope shows
//     only at such steps. Seen with backprop's cross-entropy gradient
//     p·Σy − y for targets (1, 2⁻⁵³): Σy rounds to 1, and the gradient,
//     itself of order 2⁻⁵³, loses its direction.
//   - μ and the factor 2 below it assume the cost is computed with an
//     absolute error below μ/64 = 2⁻⁴⁶·max(|C|, 1), so that Δ near μ/2 is
//     accurate to 1/32. Relative to |C| alone this would not do: a small
//     cost is often computed by cancellation from larger quantities
//     (outputs, log-sum-exps), and its rounding error is relative to those.
//
// The cost must be differentiable at θ: at a kink of ReLU or leaky ReLU
// (a pre-activation exactly 0, as zero weights and biases make) the
// one-sided derivative along −g need not be −‖g‖². So the property first
// moves θ to a nearby generic point, θᵢ + ξᵢ with ξᵢ uniform in
// ±2⁻¹⁰·(1 + |θᵢ|), and checks descent there.
func Descent(t *rapid.T, f Factory, s *Settings) {
	t.Helper()
	set := s.withDefaults()
	c := newInstance(t, f, samples(set.MaxSamples))
	rng := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "perturbation"), 1))
	theta := slices.Clone(c.theta0)
	for i, w := range theta {
		theta[i] = w + 0x1p-10*(1+math.Abs(w))*(2*rng.Float64()-1)
	}
	c.Model.SetParams(theta)
	all := backprop.All(c.data)
	g, cost := c.gradient(t, all)
	var gg float64
	for _, v := range g {
		gg += v * v
	}
	if math.IsNaN(cost) || math.IsInf(cost, 0) || math.IsNaN(gg) || math.IsInf(gg, 0) {
		c.fatalf(t, "at the perturbed parameters %s the cost is %v and ‖g‖² is %v", goFloats(theta), cost, gg)
	}
	if gg == 0 {
		return // a stationary point: nothing to descend
	}
	const tiny = 0x1p-1000
	lowest := 0x1p-45*math.Abs(cost) + tiny
	mu := 0x1p-40 * math.Max(math.Abs(cost), 1)
	eta0 := math.Max(math.Abs(cost), tiny) / gg
	var etas, deltas, preds []float64
	trial := make([]float64, len(theta))
	for k := 0; k < 2200; k++ {
		eta := math.Ldexp(eta0, -k)
		pred := eta * gg
		if eta == 0 || pred < lowest && len(deltas) > 0 && math.Abs(deltas[len(deltas)-1]) < mu/4 {
			break
		}
		copy(trial, theta)
		backprop.Update(trial, eta, g)
		c.Model.SetParams(trial)
		delta := cost - c.cost(t, all)
		if ratio := delta / pred; delta > 0 && ratio >= 0.5 && ratio <= 1.5 {
			return
		}
		etas, deltas, preds = append(etas, eta), append(deltas, delta), append(preds, pred)
	}
	last := len(deltas) - 1
	for last >= 0 && !(math.Abs(deltas[last]) > mu) {
		last--
	}
	doubles := func(a, b float64) bool { q := a / b; return q >= 2-0.125 && q <= 2+0.125 }
	var gmax, tmax float64
	for i, v := range g {
		gmax, tmax = math.Max(gmax, math.Abs(v)), math.Max(tmax, math.Abs(theta[i]))
	}
	local := func(k int) bool { return etas[k]*gmax <= 0x1p-10*(1+tmax) }
	if k := last; k >= 1 && k+1 < len(deltas) && local(k-1) && doubles(deltas[k-1], deltas[k]) && doubles(deltas[k], deltas[k+1]) {
		var tried strings.Builder
		for j := range deltas {
			fmt.Fprintf(&tried, "\tη = %-10.4g Δ = %-11.4g η‖g‖² = %-11.4g ratio %.4g\n", etas[j], deltas[j], preds[j], deltas[j]/preds[j])
		}
		c.fatalf(t, "−g is not a descent direction to first order at the perturbed parameters\n\tθ = %s\n(cost %v, ‖g‖² = %v): Δ is linear in η near η = %.4g with slope %.4g·‖g‖², want ‖g‖²:\n%s",
			goFloats(theta), cost, gg, etas[k], deltas[k]/preds[k], tried.String())
	}
}
