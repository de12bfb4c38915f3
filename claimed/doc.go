// Package claimed checks a gradient computed by another implementation —
// a port of backpropagation to C++, a GPU kernel, another framework —
// against the function that a model file defines. A framework's own
// gradient checker can only check that framework; here the model file fixes
// the function, backprop's forward pass evaluates it in float64, and numgrad
// judges whatever gradient anyone hands in.
//
// # The claim
//
// A claim is the mean cost C of a [backprop.Network] on a batch and its
// gradient ∂C/∂θ, either per layer ([netio.GradientFile], the layout that
// `gradcheck grad` prints and `gradcheck check --claimed` reads) or flat,
// in backprop's flat order. The layout — which index is the input and
// which the output unit, row-major order, the definition of the cost, and
// how PyTorch's nn.Linear maps onto it — is written once, in the README's
// section "Checking a gradient from another implementation". A per-layer
// claim of the wrong shape is an error that names the layer and both
// shapes ([Flatten]).
//
// # The gradient
//
// [numgrad.CheckClaimed] judges the claimed gradient exactly as it judges
// backprop's own: per component against numerical derivatives, per layer
// and group (weights, biases), with the group where the error enters the
// backward pass and the likely cause (a factor, a sign, a transposed block,
// a missing activation derivative). [Report.Hints] adds causes typical of a
// gradient from another framework, such as F.mse_loss's mean over B·n_out.
//
// # The loss
//
// The claimed loss comes from an implementation that sums the same terms in
// another order and calls its own exp, log and tanh, so it need not equal
// ours bit for bit. The tolerance is derived from the arithmetic of the very
// case, not chosen: [fuzz.ReferenceCost] evaluates C with a running bound
// CostErr on its rounding (N. J. Higham, Accuracy and Stability of
// Numerical Algorithms, §3.3), and any correct float64 evaluation of the
// same definitions lies within Slack·CostErr of it, Slack = 2n + 2 with n
// the longest sum (the widest layer plus its bias, or the batch): a sum of
// n terms in any order is within (n − 1)·u·Σ|terms| of exact, and each
// library function within a few ulps. A claimed loss passes when
//
//	|claimed − C| ≤ Slack·CostErr.
//
// The bound is first order; where it is not trusted (a relative
// perturbation of some argument above fuzz.MaxRel) the loss is
// [LossUnverified], neither right nor wrong. A wrong loss fails the claim
// even when the gradient is right: they come from one computation, and a
// loss off by a factor (a ½, F.mse_loss's 1/n_out) shows a different cost
// function.
package claimed
