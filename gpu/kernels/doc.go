// Package kernels holds the CUDA kernels of the GPU network: their source (kernels.cu),
// the PTX that nvcc made from it (kernels.ptx, embedded), and the names and launch
// constants a caller needs to run them through package cuda.
//
// # Contracts
//
// kernels.cu documents each kernel's formula and argument order. In short: matrices are
// row-major; arguments go sizes, inputs, outputs, scalar options; every kernel exists for
// float64 (names ending _f64, scalar arguments double) and float32 (_f32, scalar
// arguments float). GEMM kernels take blocks of [GemmTile]×[GemmTile] threads, colsum
// takes [ReduceThreads] threads per block, all others any one-dimensional shape.
//
// # Reproducibility
//
// The PTX is built with -fmad=false and no kernel uses atomics, so each result is a fixed
// sequence of rounded operations: the GEMM kernels' dot products run over k in order and
// SGD computes w − float(eta·g), exactly as the plain Go loops do; colsum's order is the
// fixed tree described in kernels.cu.
//
// # Regenerating
//
// After editing kernels.cu, run gen-ptx.sh (make ptx) where nvcc exists and commit
// kernels.cu, kernels.ptx and kernels.cu.sha256 together; the tests check that they match.
package kernels
