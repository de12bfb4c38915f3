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
// rank-one change (and, for a cross-entropy, to the exponentials of the
// sample errors). For a sigmoid layer they are computed from the stored
// e^{−|z|} of the unperturbed pass and a short polynomial for e^{±ε}, the
// same function with other roundings (see shiftedSigmoid), instead of a
// math.Exp each, about three times as fast; where the CPU has AVX2 four
// lanes at a time in an assembly kernel that gives the Go loop's bits
// (kernels_amd64.s, TestShiftedSigmoidKernel), three times as fast again.
// With leaner loops around it, a stencil on the peer's [64 64 64 1] and
// [128 128 128 1] sigmoid networks takes a third to a quarter of the CPU
// time it took with the Go loop alone (BenchmarkStencilSigmoid); the
// kernel is then half of it, and the output layer's matrix product, whose
// rounding the native library decides, a ninth to a quarter. The build
// tag noasm keeps to the Go loops. Units are spread over
// goroutines; each component is computed by one goroutine in a fixed order,
// with chunks fixed by the network's shape, so the result does not depend
// on their number. A ReLU or leaky-ReLU layer is applied by fused kernels
// that select on the bits, without a branch on the unpredictable sign
// (kink.go).
//
// # Subsets
//
// [Settings.Indices] restricts a run to some parameters. A component is
// then the same bits as in a full run, whatever the subset, the number of
// workers and the scheduling: a matrix product's rounding may depend on its
// number of rows, so the chunk that holds a requested perturbation is
// evaluated whole, at the boundaries of a full run, and only the requested
// components are emitted. k scattered parameters cost about k chunks
// (4 perturbations each in the large layers of a [256 256 256 10] network
// at batch 16, about 100 in its output layer).
//
// # Crossings
//
// [Stencil] also reports, per component and sign, whether the perturbed
// point lies on another smooth piece than θ: whether some ReLU or
// leaky-ReLU pre-activation, of any sample, lies on the other side of 0
// (z > 0 against z ≤ 0, the convention of the network's piece signature)
// than in the unperturbed pass. A perturbation changes the pre-activations
// of unit j of its own layer, of the whole next layer (the rank-one change)
// and of every layer recomputed after it; each is compared, before its
// activation is applied, with the unperturbed pass's. The comparison runs
// in the same pass as the activation, while the row is in cache, and is
// skipped for a rank-one row whose step is too small to reach 0 from any
// of its pre-activations (safeRadius), which is nearly every row: the
// crossing bits cost a full stencil little. They are the sides of the
// values the stencil's costs are computed from; a pre-activation within a
// rounding of 0 may be seen on the other side by a plain forward pass.
package netfd
