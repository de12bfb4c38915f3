// Package netfd computes the central-difference gradient of a dense
// network's cost fast, by evaluating only what each perturbation changes.
//
// The result is the same quantity as numgrad.Gradient with numgrad.Central
// on the network's cost, component by component:
//
//	g_i = (C(θ + h_i e_i) − C(θ − h_i e_i)) / 2h_i,  h_i = ((θ_i + s) − θ_i),  s = Step·max(1, |θ_i|)
//
// (the step is made exactly representable, so that the perturbed parameter
// is θ_i ± h_i exactly). Only the rounding differs.
//
// # Why it is fast
//
// Perturbing a weight Wˡ_{ji} by h changes only zˡ_j, by h·aˡ⁻¹_i in each
// sample. The next layer's pre-activation then changes by a rank-one term,
//
//	zˡ⁺¹′ = zˡ⁺¹ + Wˡ⁺¹_{:,j} (fˡ(zˡ_j + h aˡ⁻¹_i) − aˡ_j),
//
// which costs n_{l+1} multiply-adds instead of n_{l+1}·n_l; only the layers
// after that are recomputed in full, and those for many perturbations into
// the same unit at once, as one matrix product of 2·B rows per perturbation
// (in chunks of perturbations small enough to stay in cache). A plain
// per-weight central difference costs two whole forward passes per weight.
//
// Most of the remaining time goes to the n_{l+1} activations after each
// rank-one change. For a sigmoid layer they are computed from the stored
// e^{−|z|} of the unperturbed pass and a short polynomial for e^{±ε}, the
// same function with other roundings (see shiftedSigmoid), instead of a
// math.Exp each, about three times as fast. Units are spread over
// goroutines; each component is computed by one goroutine in a fixed order,
// with chunks fixed by the network's shape, so the result does not depend
// on their number.
package netfd
