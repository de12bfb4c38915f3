// Package numgrad computes numerical derivatives and checks claimed
// gradients against them: whether a gradient is right, how sure the check
// is, and where it is wrong.
//
// # Numerical derivatives
//
// Finite-difference schemes are data ([Formula]: [Forward], [Backward],
// [Central], [Central5]), evaluated one coordinate at a time by [Gradient]
// from a fresh copy of the point, which is never modified. The step is
// relative, h = c·max(1, |x_i|), and made exact by [Step] so that x + h is
// representable. [Richardson] extrapolates central differences over a
// ladder of halving steps and returns an error estimate per component.
// [ComplexStep] and [DualNumbers] give derivatives with no subtraction
// error from an extension of f to complex or dual arguments, and
// [NetworkComplexStep] and [NetworkDual] build them for a
// backprop.Network from backprop.CostAt. [Noise] estimates the rounding
// noise ε_f of f, the quantity that limits every difference quotient.
//
// # The check
//
// [Check] compares a claimed gradient of a function of a flat vector with
// its numerical derivatives; [CheckModel] does it for a backprop.Model's
// own gradient on a batch, [CheckClaimed] for a gradient computed anywhere
// else (read from a file, a GPU). [CheckSettings.Method] chooses central
// differences (the default), Richardson extrapolation, the complex step,
// dual numbers, or the fast check by random projections ([Fast]). The
// [Report] gives, per component, the analytic and numerical values, the
// tolerance, the relative error and a verdict; per layer and group
// (weights, biases) when a layout is known; the worst components first
// ([Report.Worst]); the group where the error enters the backward pass
// ([Report.Located]); and likely causes.
//
// # The comparison rule
//
// One rule decides everywhere. With a the analytic value, n the numerical
// one and τ its absolute tolerance, a component passes when
//
//	|a − n| ≤ τ   or   RelErr(a, n) ≤ ρ,   RelErr(a, n) = |a − n|/max(|a|, |n|)
//
// ([Within]; gonum's scalar.EqualWithinAbsOrRel except that no non-finite
// value ever passes). [RelErr] is 0 for a == b (±0 included) and at most 2
// otherwise, so a tiny value is judged by τ, not by a relative error that
// cannot be small. NaN or ±Inf in f(x), in the point, in the claimed
// gradient or in a numerical value makes the component [NonFinite] and the
// report fail, with the reason in [Report.Flags]. ρ is 0 by default
// ([CheckSettings.RelTol]) because τ carries the arithmetic. [Score]
// measures |a − n| in units of the allowed tolerance (≤ 1 passes) and
// orders the report.
//
// # Tolerances from the arithmetic
//
// τ is the sum of the error bound of the numerical value and an allowance
// for the rounding of the analytic one; [CheckSettings.AbsTol] overrides
// it. The pieces, with σ the noise of f measured by [Noise] and
// eps the unit roundoff ([CheckSettings.Eps]):
//   - rounding of a central difference at step h: 4σ/h (f(x ± h) each carry
//     noise σ; the quotient's standard deviation is σ/(√2h)), with σ at
//     least eps·|f| at the largest value of the stencil;
//   - truncation, for components that do not agree at once: |D(h) − D(2h)|,
//     three times the estimate of the h² term;
//   - Richardson: twice Ridders' error estimate plus twice the rounding at
//     the smallest step used;
//   - exact references: only the rounding allowance 2¹³·eps·max(‖n‖∞, 1),
//     which also enters every other τ: analytic and reference sum the same
//     products in different orders, of terms of order one at least;
//   - for a model ([CheckModel], [CheckClaimed]) that allowance is at least
//     8 times the measured noise of the model's own gradient component
//     ([GradientNoise]): a component that is the small difference of large
//     terms carries their rounding, which no fixed allowance knows;
//   - for a *backprop.Network it is also at least 2γ_K·M_i, where M_i is the
//     magnitude of the terms that backpropagation sums into component i (the
//     backward pass in absolute values) and K the longest chain of roundings
//     among them: the first-order bound on the rounding of the analytic value
//     and of an exact reference alike.
//
// # The step sweep
//
// A component that still disagrees is not failed on one step. Its central
// difference is taken at thirteen steps, h = 2⁻⁴ … 2⁻²⁸ (relative), each a
// quarter of the one before. For a right value the error shrinks like h²
// (16-fold per level) until rounding takes over; for a wrong one it levels
// off at the gap |a − f′|. The step with the least bound 2|D_j − D_{j+1}| +
// 4σ/h_j + 4σ/h_{j+1} decides ([Sweep]); the report keeps the sweeps of the
// worst components as evidence ([Report.Sweeps]). At most
// [CheckSettings.MaxResolve] components per group are swept; the rest of a
// group with more failures is failed without.
//
// # When the finite differences cannot decide
//
// On a network of extreme gain no step may be both above f's rounding and
// below its curvature: the sweep's best level is then rounding over h, and
// the component fails though the gradient may be right. Where an exact
// reference exists ([CheckSettings.Reference], or the complex step for a
// smooth *backprop.Network), every component that still fails after its
// sweep is compared with it within the analytic allowance alone: it passes
// if they agree, its note saying that the finite differences could not
// settle it, and otherwise stays failed with the reference's value in its
// note, confirmed by a method without a step.
//
// # Kinks
//
// ReLU and leaky ReLU make the cost piecewise smooth. A stencil that
// straddles a point where a pre-activation changes sign does not measure
// a derivative, and at such a point itself no derivative exists. A model
// that can tell which piece its last cost lay on ([Piecewise]; a
// backprop.Network is read directly) lets the checker know for certain
// which stencils cross: those steps are left out of the sweep, and if
// every step crosses, the point is on a kink and the analytic value —
// the derivative of the piece the model's convention puts x on — is
// compared with the one-sided difference on the side that stays on that
// piece. Without piece information the checker infers a kink from
// one-sided derivatives whose gap does not shrink with h, and checks that
// the analytic value lies between them. Either way the component is
// reported as [Kink], neither pass nor fail, unless it disagrees. Where
// several kinks meet (a zero input row with zero biases puts consecutive
// ReLU layers at 0 together), no side stays on x's piece and the chain
// rule's conventional value need not equal any one-sided derivative: with
// piece information that is an unverifiable Kink; without it, such a point
// can be reported as a failure.
//
// # Fast mode
//
// [MethodFast] compares k random projections vᵀ∇f with directional
// differences and states the probability that an error of a given size
// escapes ([Fast.MissProbability], [Fast.Detects]). If a projection
// disagrees it runs the full central check, so that the report still says
// which component is wrong.
//
// # Replay
//
// Every report carries a [Record]: method, seed, step, tolerances, the
// point, the claimed gradient and the fast check's directions, in JSON
// ([Record.MarshalJSON], [ReadRecord]). [Replay] and [ReplayModel] run it
// again; the same function gives the same report, bit for bit, also with
// [CheckSettings.Concurrent], because every component is computed alone in
// a fixed order of operations.
package numgrad
