// Package gpu runs backprop's network on an NVIDIA GPU: the same model, the same cost
// and gradient definitions, the same trainer semantics, with parameters and data kept on
// the device.
//
// # The model
//
// [New] copies a [backprop.Network]'s configuration and parameters to the device. The
// returned [Network] implements [backprop.Model], [backprop.Stepper] and
// [backprop.Layouter] with backprop's definitions (see backprop's package
// documentation): the flat parameter vector in backprop's layout, the cost as the mean
// over a batch's samples of their errors, the squared error without ½, every reduction
// over samples divided by the batch's own size. [backprop.Train] and [backprop.Step]
// work on it unchanged: the trainer calls Step, which updates the parameters in place on
// the device, and Cost on the whole dataset after each epoch.
//
// # Precision
//
// The interface speaks float64 at its edges. A network computes in float64 or, with
// [Settings].Precision = [Float32], in float32: parameters and data are rounded to
// float32 on the way in (SetParams, the first use of a dataset), results are widened
// exactly on the way out (ParamsTo, Gradient, Cost).
//
// # Data on the device
//
// A [backprop.Batch] names a dataset and row indices. A network uploads each dataset
// the first time it sees it and keeps it, keyed by the *Dataset pointer (at most
// [Settings].MaxDatasets of them, the least recently used freed first). Every later
// batch of it costs no copy: all samples in order, or a run of consecutive rows, are
// read where they are; other rows (a shuffled mini-batch) are gathered on the device
// from their indices, the only upload of a step. A dataset changed in place after its
// upload must be dropped with [Network.Forget]; one given new slices is noticed.
//
// Parameters leave the device only when asked: ParamsTo and Gradient copy back, Step and
// SetParams do not.
//
// # Kernels
//
// The work is done by the kernels of package kernels (forward with bias and activation,
// activation derivatives, losses and their gradients, a fixed-shape tree reduction for
// the bias gradient and the cost, row gathering, the SGD update) and by matrix products:
// cuBLAS's Dgemm and Sgemm in pedantic math mode (no TF32) where libcublas loads, the
// package's own GEMM kernels otherwise or with [Settings].OwnGEMM. The own kernels sum
// each dot product in order; cuBLAS's order is its own. [Settings].DefaultMath runs
// cuBLAS in its default math mode, as PyTorch does with TF32 off (still no TF32). No
// kernel uses atomics, so repeated runs give the same bits.
//
// The kernels compute f′ of the sigmoid and tanh from f as a(1−a) and 1−a², where
// backprop uses σ(z)σ(−z) and sech²z; the two agree to rounding, apart from the
// cancellation of 1−a² where tanh saturates, which the float32 error bound in the tests
// accounts for.
//
// # Checkers
//
// [Network.Piece] tells package numgrad which smooth piece of a ReLU network the last
// cost lay on (numgrad's Piecewise interface), as it reads it from a backprop network.
//
// # Memory
//
// Device memory is invisible to Go's garbage collector: [Network.Close] frees a
// network's, [Device.Close] a device's.
//
// # Without a GPU
//
// Every way of having no usable GPU (no libcuda, no device, an old driver) makes [New]
// and [Open] return an error wrapping cuda.ErrUnavailable that says why; callers fall
// back to the CPU network. Tests that need a GPU skip without one, and fail instead
// under GPU_REQUIRED=1 (package cudatest). The host-side logic is tested everywhere on
// the fake driver of package fakedriver.
package gpu
