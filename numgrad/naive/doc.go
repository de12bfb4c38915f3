// Package naive computes the gradient of a network's mean cost one weight at
// a time, the ways the chain rule makes unnecessary, and counts the work
// each way does, so that reports can measure what backpropagation saves.
//
// Every method returns the full gradient ∂C/∂θ of the mean cost
// C = (1/B) Σ_s e_s of [backprop.Network] on a batch of B samples (see
// backprop's documentation for the definitions), and adds its work to a
// [Count]:
//
//	FiniteDifferences  every stencil point of every weight is a whole forward pass (approximate)
//	ForwardMode        one forward pass in dual numbers per weight (exact)
//	PathEnumeration    per weight, the sum over every path to the output of the product
//	                   of one-layer derivatives (exact; refuses networks with too many paths)
//	ChainRule          backprop.Network.Gradient, the reference (exact)
//
// # What is counted
//
// MulAdds counts real multiplications, each with the addition it feeds if
// any (x·y + s counts once): the products of the dense layers, of the
// chain rule and of the dual numbers' tangents, and the factors of each path
// product. Matrix products of m×k by k×n count m·n·k. Not counted:
// evaluations of an activation f or its derivative f′ and of the loss and
// its derivative ∂e/∂aᴸ (O(N) per pass, N the number of units, against
// O(F) for the products), additions of biases and of seeds, and the
// division by B. A multiplication by a constant 1 is not performed and not
// counted: identity layers contribute no f′ factor. Passes counts forward
// passes over the whole batch (the evaluations of C); Paths counts the path
// products that PathEnumeration forms.
//
// The counters are incremented by the code that does the work (each
// matrix product adds its m·n·k; each path multiplication adds 1), and the
// tests check them against the closed forms below.
//
// # Closed forms
//
// For a network of sizes n_0, …, n_L (layer l maps n_{l−1} units to n_l),
// let
//
//	F  = Σ_l n_l·n_{l−1}        weights: the multiply-adds of one sample's forward pass
//	W  = Σ_l n_l·(n_{l−1} + 1)  parameters
//	N′ = Σ_{l: f_l ≠ id} n_l    units whose activation is not the identity
//	ι_l = 1 if f_l ≠ id, else 0
//
// Then, for a batch of B samples:
//
//	forward pass        B·F                          1 pass
//	ChainRule           B·(3F − n_0·n_1 + N′)        1 pass
//	FiniteDifferences   p·B·F                        p = k·W (+1) passes
//	ForwardMode         W·B·(2F + N′)                W dual passes
//	PathEnumeration     B·(F + Σ_m n_m·R_m·(n_{m−1}(λ_m + 1) + λ_m))   1 pass
//
// Chain rule: the forward pass does B·F; the backward pass forms
// ∂C/∂Wˡ = δˡᵀaˡ⁻¹ for every layer (B·F), propagates δˡ⁻¹ = (δˡWˡ) ⊙ f′ for
// every layer but the first (B·(F − n_0·n_1)), and multiplies by f′ once per
// non-identity unit (B·N′). Its ratio to the forward pass,
// 3 − n_0·n_1/F + N′/F, is the cheap-gradient principle's constant: about
// 3 for a wide network, below 3 for a shallow one.
//
// Finite differences: k is the number of stencil points off the centre
// (1 for numgrad.Forward, 2 for numgrad.Central); a point at the centre is
// one shared pass. Each pass is B·F, so the work is about k·W·B·F ∝ W² at
// fixed depth, against the chain rule's ∝ W.
//
// Forward mode: each dual pass computes the values (B·F), the tangents
// Żˡ = Ȧˡ⁻¹Wˡᵀ (B·F) and Ȧˡ = f′ ⊙ Żˡ (B·N′), for each of the W
// parameters.
//
// Path enumeration: R_m = Π_{l>m} n_l is the number of paths from one unit
// of layer m to the outputs, and λ_m = ι_m + Σ_{l>m} (1 + ι_l) the number of
// multiplications on each such path after its first factor ∂e/∂aᴸ (one per
// weight and one per f′ ≠ 1); a weight's path has one more, its input
// activation. Path products number B·Σ_m n_m(n_{m−1} + 1)·R_m. At a fixed
// width n this is about B·n^{L+1}: exponential in the depth L, and
// polynomial, ∝ W^{(L+1)/2}, in the width at a fixed depth.
package naive
