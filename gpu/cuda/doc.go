// Package cuda binds the parts of the CUDA driver API (libcuda.so.1) and of cuBLAS
// (libcublas.so.13) that the GPU network needs, from pure Go: no cgo, the libraries are
// opened at run time with purego.
//
// # Availability
//
// Nothing is loaded until first use. Every way of not having a usable GPU — no libcuda,
// a missing symbol, cuInit failing, no device, a driver older than [MinDriverVersion] or
// than the PTX being loaded needs — returns an error that wraps [ErrUnavailable] and says
// why, so callers and tests can test for it with errors.Is and skip:
//
//	if err := cuda.Available(); errors.Is(err, cuda.ErrUnavailable) { ... }
//
// A failing CUDA call returns an [*Error] carrying the code, its CUDA name and the
// function that failed.
//
// # Threads
//
// A CUDA context is current per OS thread. A [Context] therefore owns one goroutine locked
// to one OS thread with the device's primary context current, and runs every driver call
// there: [Context.Do] hands that goroutine a function, which receives a [*Thread] whose
// methods are the driver calls. Calls from many goroutines are serialized in arrival
// order. A *Thread is valid only inside the function it was passed to; its methods panic
// elsewhere. Do must not be called from inside Do (it would wait for itself).
//
// # Memory
//
// Device pointers are plain uint64 values, never unsafe.Pointer: the Go garbage collector
// must not see them, and it does not see the memory either. Free what you allocate;
// [Context.Close] frees whatever is still allocated and unloads every module, so the
// device's free memory returns to where it was.
//
// # Launches
//
// Kernel arguments are passed as [Arg] values built by [Ptr], [I32], [U32], [I64], [U64],
// [F32] and [F64], each of which must match the type of the kernel's parameter in that
// position: the driver reads as many bytes as the kernel declares. Launches are
// asynchronous; a fault in a kernel surfaces at the next [Thread.Synchronize] or copy
// back, and leaves the context unusable.
//
// # Testing
//
// The raw driver calls go through a table of function values (driver.go), so the
// package's own tests run everywhere against a fake driver written in Go. Packages built on
// cuda test the same way through [OpenDriver] and the fake of package fakedriver. Tests
// that need a real GPU use package cudatest, which skips them without one unless
// GPU_REQUIRED=1.
package cuda
