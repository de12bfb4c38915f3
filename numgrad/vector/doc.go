// Package vector checks the derivatives of any differentiable code: a
// vector-valued function of several named inputs and its claimed
// vector–Jacobian product (a backward pass, [CheckVJP]), Jacobian–vector
// product (forward mode, [CheckJVP]), full Jacobian ([CheckJacobian], or
// Settings.Full), and a scalar function's Hessian–vector product
// ([CheckHVP]), with the guarantee of package numgrad: every entry an
// estimate with a bound from the arithmetic, one judge, and Pass, Fail,
// Kink, NonFinite or Undecided with the evidence.
//
// # Reductions to numgrad
//
// Each check is a set of numgrad problems, checked by numgrad as it is:
//
//   - VJP: for each direction dy, the claim dx = Jᵀ·dy is the gradient of
//     the scalar φ(x) = ⟨dy, F(x)⟩ over the packed inputs, one problem with
//     n components located by the inputs' layout;
//   - Jacobian: row j is the gradient of F_j, one problem per output;
//   - JVP: for each direction dx, entry j of the claim dy = J·dx is the
//     derivative at 0 of the line t ↦ F_j(x + t·σ·dx), σ a power of two
//     that keeps the steps relative to x, one problem of one component per
//     output;
//   - HVP: H·v is the JVP of the gradient, after the gradient itself has
//     passed its own check; forward over reverse over dual numbers is the
//     exact reference where the gradient is generic over backprop.Scalar
//     (backprop.GradientAt for a network); plus the symmetry
//     vᵀ(Hw) = wᵀ(Hv) of two claims.
//
// The problems of one check evaluate F at the same points (x ± h·e_i,
// the noise samples of every problem, drawn from the same seed) and share
// one evaluation of each: k directions of a VJP, or the m rows of a
// Jacobian, cost about what one numgrad check of φ costs. F is called on
// one goroutine.
//
// # Names
//
// Inputs and outputs are blocks of a backprop.Layout, named ones
// (backprop.NamedBlock: "x" 3×5, "gamma" 5) for a layer's arguments: every
// entry of a report is located by them ("x[1][2] (dy 0)",
// "∂y[0][3]/∂gamma[3]"), each block summarised, and the causes are the
// ones numgrad finds from a block's pattern (numgrad.Cause: a sign flip,
// a factor, a block not computed), in words that assume no network.
//
// # Random directions
//
// With k random directions (Settings.Directions, default 2) the report
// states what they can miss ([Miss]), the fast check's formula: an error
// linear in the direction whose column (VJP) or row (JVP, HVP) at one
// entry has size ‖E_j‖₂ escapes all k with probability at most
// (√(2/π)·τ/‖E_j‖₂)ᵏ. Settings.Full checks every basis direction instead.
//
// # Floors
//
// A function declares no term scale: the allowance for the claim's
// rounding is numgrad's blind band [min(2¹³u, √u/4), √u]·G, G the scale of
// the sub-check's derivative (of φ's gradient for a VJP, of the line's
// one entry for a JVP or HVP), and a disagreement inside it is Undecided.
// The detection floor of an entry is therefore of order √u·G ≈ 1.5e-8·G
// whatever the method: the exact references remove the step's error, not
// the claim's unknown arithmetic. Their own rounding is unknown too,
// unless F is offered over runerr.Value (Function.Bounded, a forward pass
// over backprop.Scalar gives it as it gives Dual): that dual reference
// bounds its rounding as it evaluates, so that a disagreement it resolves
// is decided where the band of an unknown reference leaves it Undecided
// (a confident softmax, whose derivatives the extensions compute by a
// cancellation).
package vector
