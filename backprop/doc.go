// Package backprop is the reference implementation of a dense feed-forward
// network trained by backpropagation, on the CPU, in float64.
//
// It is written to be read: every other package of gradcheck (the numerical
// checker, the property suites, the GPU port, the cost report) refers to the
// definitions stated here.
//
// # The network
//
// A network of L dense layers maps an input a⁰ ∈ ℝ^{n₀} to an output
// aᴸ ∈ ℝ^{n_L}. Layer l (1 ≤ l ≤ L) holds a weight matrix Wˡ of shape
// n_l × n_{l−1} and a bias vector bˡ ∈ ℝ^{n_l}, and computes
//
//	zˡ = Wˡ aˡ⁻¹ + bˡ      (pre-activation)
//	aˡ = fˡ(zˡ)            (activation, elementwise)
//
// Wˡ[j][i] is the weight from unit i of layer l−1 (the input side) to unit j
// of layer l (the output side): the same orientation as PyTorch's
// nn.Linear.weight, whose shape is [out, in].
//
// # The cost
//
// For one sample (x, y) the error e is
//
//	squared error:            e = Σ_k (aᴸ_k − y_k)²              (no ½)
//	softmax cross-entropy:    e = −Σ_k y_k log softmax(aᴸ)_k
//
// and the cost of a batch of B samples is the mean of their errors,
//
//	C = (1/B) Σ_s e_s.
//
// Every reduction over samples (cost, gradient, the GPU's bias-gradient sum)
// divides by the batch's own size B, also for the last, smaller mini-batch of
// an epoch. For the cross-entropy the network's last activation is usually
// the identity, so that aᴸ are the logits; y may be one-hot or any vector of
// non-negative weights.
//
// # The flat parameter vector
//
// All parameters live in one []float64 that the layer matrices view, so that
// any checker sees the model as a function C(θ) of one vector θ. The order is
// layer by layer; within a layer first Wˡ row-major (n_l rows of n_{l−1}
// values), then bˡ. [Network.Layout] maps a flat index back to
// (layer, group, row, col).
//
// # Backward
//
// The gradient is computed right to left by the chain rule. With ⊙ the
// elementwise product and δˡ = ∂C/∂zˡ (one row per sample):
//
//	δᴸ = (1/B) ∂e/∂aᴸ ⊙ fᴸ′(zᴸ)
//	δˡ = (δˡ⁺¹ Wˡ⁺¹) ⊙ fˡ′(zˡ)
//	∂C/∂Wˡ = δˡᵀ aˡ⁻¹,   ∂C/∂bˡ = Σ_samples δˡ
//
// The deltas are the stored products of one-layer Jacobians: each is
// computed once and reused for every layer to its left. They stay available
// after a call, read-only, through [Network.Delta].
//
// # Other element types and second order
//
// The forward pass is also written once over [Scalar] ([CostAt]), with
// every activation ([Activate], [DerivAt]) and loss ([SampleError],
// [SampleErrorGrad]) defined for any element type, so that the complex
// step and dual numbers differentiate the same definitions; [Abs], [Max]
// and [Min] decide their branch on the real part, as ReLU does, and are
// kinked. [GradientAt] is the backward pass over [Scalar]: over dual
// numbers at θ + ε·v it differentiates the gradient itself, forward over
// reverse, and [Network.HessianVector] is the Hessian–vector product
// ∇²C·v it gives, exact up to rounding.
//
// # Updates
//
// A training step moves every parameter against its slope,
// θ ← θ − η·∂C/∂θ. The product η·g is rounded before the subtraction (no
// fused multiply-add), so that the step is reproducible bit for bit and
// checkable as w − η·g. [Train] applies it per sample (online), once per
// epoch (full batch) or per mini-batch of B samples.
//
// # Models
//
// [Model] is the small interface that every consumer of gradcheck speaks:
// a parameter vector copied in and out, and the cost and its gradient on a
// [Batch]. [Network] implements it; so can a user's own model in a dozen
// lines (see the package example).
//
// # Speed
//
// The matrix products go through gonum's BLAS interface, which package blas
// points at OpenBLAS where it is installed. The elementwise work (the
// sigmoid and its derivative, the output gradient, the bias sums, the
// update) runs in AVX2 kernels where the CPU has AVX2 and FMA
// (kernels_amd64.s), which compute each element with the same IEEE
// operations in the same order as the Go loops, math.Exp's included, so
// that the results are the same bits with and without them
// (TestKernelsMatchGo); the build tag noasm leaves only the Go loops. Large
// elementwise arrays are split among GOMAXPROCS goroutines. A Network's
// buffers are reused: a training step allocates nothing once they have
// grown to the batch.
//
// # Determinism
//
// Everything random takes a seed (math/rand/v2 PCG). The same seed gives the
// same bits: initial weights, shuffling orders and hence trained weights.
// GOMAXPROCS changes no bit: the goroutines that split the elementwise work
// and gonum's blocks of a product each compute their own elements, in a
// fixed order (TestElementwiseSameBits). Measured on a [64 1024 1024 10]
// batch of 256, GOMAXPROCS 1 and 2 gave the same bits of the gradient and
// of a step, with gonum's products and with OpenBLAS's. The BLAS library's
// own threads do change bits: OpenBLAS 0.3.21 on 1 and on 2 threads splits a
// product's sums differently, and 1,526 of the 1,126,410 gradient
// components differed, by up to 1.1e-15 relative (up to 8e-12 on another
// machine and data, issue 14); gonum's pure Go products differ from
// OpenBLAS's in most components' last bits. So the bits repeat on one
// machine with one library and one thread count (OPENBLAS_NUM_THREADS,
// blas.SetThreads); elsewhere they agree to the rounding bound of the
// products (see package blas).
package backprop
