// Package numgrad computes numerical derivatives and checks claimed
// gradients against them: whether a gradient is right, how sure the check
// is, and where it is wrong.
//
// # The guarantee
//
// A check judges a [Problem]: a function f, a point x, a claimed gradient,
// and what the caller declares besides (pieces, exact extensions, a term
// scale, copies, a fast stencil). Every component gets an estimate of
// ∂f/∂x_i with a bound on its error from the arithmetic, and one judge
// (judge, in bound.go) compares the claim with it. The verdicts mean:
//
//   - Pass: the claim's error is at most the component's detection floor
//     (Component.Floor); an error above the floor always fails.
//   - Fail: the claim is wrong: it differs from the estimate by more than
//     the bound plus the largest rounding a correct claim can carry.
//   - Kink: the point is on a kink of f along this coordinate and the
//     claim is the one-sided derivative of x's own piece (or, without
//     piece information, lies between the one-sided derivatives).
//   - Undecided: the evidence cannot decide — no estimate's bound settles
//     the component, a budget ran out, x's piece is ambiguous at the
//     claim's precision, or the disagreement is one the rounding of a model
//     that declares nothing could explain. Never a guess either way.
//   - NonFinite and Nondeterministic: NaN or ±Inf, or a claim that changes
//     between two calls at the same x. Failures.
//
// A report with a failure (or a flag, or a failed projection of the fast
// check) is WRONG: [Report.OK] is false, and `gradcheck check` exits 1. A
// report with Undecided components and no failure is RIGHT where decided:
// OK is true, the report names them, and strict mode
// ([CheckSettings.Strict], --strict) makes them fail. The bound of each
// estimate assumes rounding noise within 5.7 standard deviations and at
// most one kink within the steps on each side. One limit no finite
// difference passes: without piece information, a piece of f around x
// whose width w times the jump J of the slope is below the noise (J·w/2
// under the noise's bound over the steps: two ReLU units 1e-15 from their
// kinks on either side of x, whose slope changes undo each other) is
// invisible, and a claim that is the derivative of that piece alone is
// judged by the slope f shows around it. A wider piece, still narrower
// than the smallest step (2⁻⁴⁰ of the coordinate's scale: below it a
// step's change may vanish in f's own rounding), shows as f jumping at x
// on the steps' scale and leaves the component Undecided. A model that
// declares its pieces (numgrad.Signs) is judged on its own piece.
//
// Each component states its own floor. Measured over the soundness suite
// (numgrad/soundness, `make soundness`, reports/soundness.md: 2,550
// random correct networks and models, each also with one component
// planted wrong by 1e-2 … 1e-12 of the largest, under every method), the
// median floor relative to the largest component max|g| is 5e-10 … 3e-9
// by central differences (9e-9 on a confident softmax, 2e-7 with x exactly
// on kinks), 2e-12 … 6e-12 by Richardson and 1e-14 by the complex step and
// dual numbers for a backprop.Network or any model that declares its term
// scale; about 1e-8 (√u) for a model that declares no term scale, under
// every method. Every planted error above twice its component's floor
// failed, no correct component failed, and at most 0.38 % of a category's
// components were Undecided (0 on smooth cases).
//
// # The problem
//
// [Problem] is what a check judges; [FuncProblem] builds one for a plain
// function, [ModelProblem] for any backprop.Model from the declarations it
// makes through interfaces ([Piecewise], [PieceAmbiguity], [TermScaler],
// [ComplexExtender], [DualExtender], [Cloner], [Dense], backprop.Layouter),
// and [NetworkProblem] for a *backprop.Network, which makes all of them. A
// model that embeds a network makes them too; one that hides it declares
// nothing. No verdict depends on a Go type: two problems that offer the
// same get the same report. Declarations that can be tested are: a copy,
// an extension or a dense network whose cost at x differs from the model's
// is not used, and the report's notes say so. [CheckProblem] checks a
// problem; [Check], [CheckModel] and [CheckClaimed] are its shorthands.
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
// error from an extension of f to complex or dual arguments. [Noise]
// estimates the rounding noise ε_f of f, the quantity that limits every
// difference quotient.
//
// # The bounds
//
// All of them live in bound.go:
//   - the rounding of a linear combination of values of f, noiseBound:
//     5.7·σ·‖c‖₂ for noise σ (measured by ECnoise on x's own piece, at
//     least eps·|f| at the largest value of the stencil): 4σ/h for a
//     central difference, 8σ/h for a one-sided one;
//   - the truncation of a central difference D₁ at h₁ from the difference
//     D₂ at a step at least twice as large, pairBound: 2|D₁ − D₂| plus the
//     rounding of both;
//   - without piece information, a kink within both steps that the gaps
//     f(x+h) − 2f(x) + f(x−h) cannot show, gapRatioOK: the test is tight
//     (a smooth f's gap grows like h), and the jump it could still hide
//     is added to the bound;
//   - the rounding of an exact reference's value, refBound: γ_K·M_i where
//     the problem declares the term scale; where it does not, the running
//     error bound of the dual extension over runerr.Value
//     (Problem.Bounded), computed in the extension's own order of
//     evaluation, where runerr trusts it; otherwise the blind band below,
//     an assumption, under which a reference's disagreement alone fails
//     nothing (refKnown);
//   - the claim's rounding allowance: 2γ_K(u)·M_i where the problem
//     declares the magnitude M_i of the terms summed into component i and
//     the longest chain K of roundings among them (u the claim's unit
//     roundoff, [CheckSettings.ClaimEps], float64 or [Float32]); where it
//     does not, the band [min(2¹³u, √u/4), √u]·G, G the scale of the
//     gradient measured on f: a difference below the band passes, one
//     above it fails, one inside it is Undecided. Nothing measured from the
//     claim enlarges its allowance: a claim that varies between calls is
//     Nondeterministic, never given slack.
//
// # The stages
//
// Each runs only where the one before could not decide, and each returns
// estimates with bounds that the same judge weighs:
//  1. the first comparison: the central difference at c = 6e-6 with its
//     bound from the step 2c (4 evaluations; a network's are computed at
//     once by package netfd, kinks included); Richardson's ladder; the exact
//     reference; or the fast check's projections ([Fast]), a screen in
//     front of the rest;
//  2. the step sweep ([Sweep]): central differences at thirteen steps, a
//     quarter apart, for the components the first comparison did not
//     settle, MaxResolve of them at most — a component not examined for
//     lack of budget is Undecided, never failed on no evidence;
//  3. kinks: with piece information, the one-sided difference on x's own
//     piece; without it, the one-sided derivatives must bracket the claim;
//  4. the exact reference (the problem's complex or dual extension; the
//     dual one first where the problem declares no term scale and offers
//     it over runerr.Value, whose rounding is then known) settles what
//     finite differences cannot, away from kinks; at a kink it can only
//     confirm a claim;
//  5. ambiguity: where x's piece depends on the order of evaluation at
//     the claim's precision, a claim that another piece next to x explains
//     is Undecided.
//
// # Causes
//
// A cause is printed only where the pattern of failures across groups
// supports it: a constant factor in a group (2, ½, −1, B, 1/B, B/N), a zero
// or transposed block, a factor every layer shares from the output down, an
// error in the weights alone, a claim that float32 rounding explains, the
// layer where the error enters the backward pass. A layout of named blocks
// (backprop.NamedLayout: the arguments x, gamma, beta of a function, which
// package numgrad/vector checks) gets the per-block causes alone, in words
// that assume no network ([Cause]), and its verdict names the wrong
// blocks.
//
// # Replay
//
// Every report carries a [Record]: the settings (embedded), the point, the
// claim and the fast check's directions, in JSON ([Record.MarshalJSON],
// [ReadRecord]). [ReplayProblem], [Replay] and [ReplayModel] run it again;
// the same function and declarations give the same report, bit for bit,
// also with [CheckSettings.Concurrent], because every component is
// computed alone in a fixed order of operations (with OpenBLAS, for the
// same library and thread count).
package numgrad
