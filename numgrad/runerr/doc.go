// Package runerr evaluates a dense network's cost and its exact gradient
// with a running bound on their rounding (running error analysis: N. J.
// Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., §3.3):
// forward-mode dual numbers that carry, beside each value and derivative,
// the bound of the errors made computing them. [Gradient] gives every
// ∂C/∂θ_i with its bound, [Cost] the cost alone; either says, through
// [Ref.Slack], how far another correct evaluation of the same definitions
// in another order (backprop's, another framework's) may lie from it, and,
// through [Ref.Near], [Ref.Rel] and [Ref.Underflow], when that first-order
// statement is not to be trusted.
//
// [Value] carries the same arithmetic for a caller's own code written over
// backprop.Scalar (a layer's forward pass): [Seed] makes the inputs of one
// evaluation for ∂/∂x_i, [Value.Bounds] reads the derivative and the bound
// on its rounding, and [Value.Trusted] says whether that bound holds.
// Package numgrad takes such code as a problem's dual reference with a
// known rounding (numgrad.Problem.Bounded).
//
// Package claimed bounds a claimed loss with it; package fuzz holds a
// model's gradient against it.
package runerr
