// Package fakedriver is a CUDA driver and cuBLAS written in Go, for testing code built on
// package cuda on machines without a GPU.
//
// A [GPU] keeps device memory in Go byte slices and runs each launched kernel with a Go
// function registered under the kernel's name; [InstallKernels] registers Go versions of
// every entry point of package kernels, written from the contracts in kernels.cu (same
// formulas, same order of every sum, every product rounded before it is added). Kernel
// parameters are decoded from the launch's argument block with the sizes that the loaded
// PTX declares, as the real driver does, so a wrong argument order or type shows up as a
// wrong result or a fault. A kernel that reads or writes outside an allocation, or is
// launched with a shape its contract forbids, faults the fake: like a real context after
// an illegal address, every later call then fails with CUDA_ERROR_ILLEGAL_ADDRESS, and
// [GPU.Fault] says what happened.
//
// The fake says nothing about the GPU's own arithmetic (its libm, cuBLAS's summation
// order) or timing; tests on a real GPU (package cudatest) do.
//
// It is a test helper: programs use [cuda.Open].
package fakedriver
