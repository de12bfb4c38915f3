// Package blas provides a fast matrix product without cgo: where an optimised
// CBLAS library (OpenBLAS, or any library exporting cblas_dgemm) is installed,
// it is loaded at run time with purego and plugged in behind gonum's BLAS
// interface, so that
//
//	blas.Use()
//
// makes gonum's mat.Dense.Mul and gonum's LAPACK run their matrix-matrix
// products in the native library. Everything else, and any product too small
// to pay for the foreign call, stays in gonum's pure Go implementation.
// Programs build and run with CGO_ENABLED=0; where no library is found the
// package still works, in pure Go.
//
// # Routines
//
// [Implementation] embeds gonum's blas/gonum.Implementation and overrides
//
//	Dgemm, Sgemm  C = alpha * op(A) * op(B) + beta * C
//
// with the arguments, row-major layout and panics of gonum's versions: the
// arguments are checked by the same rules, and a call that gonum would reject
// is handed to gonum, which panics with its own message. A call is sent to the
// native library only when it is large enough (see [GemmMinWork]), or when
// gonum would split it among goroutines, and its sizes fit the library's
// 32-bit integers. The tiniest products (at most 144 multiply-adds) are
// computed by a plain loop, which is ahead of gonum's general code there.
//
// The native call goes to the library's Fortran interface (dgemm_, sgemm_),
// whose arguments are all pointers, through purego.SyscallN, with the
// arguments kept in pooled memory: it allocates nothing and costs a few
// hundred nanoseconds. Together with gonum's serial code for the small
// products, a program that reuses its buffers (backprop's training step)
// runs without allocating. Gonum's own Dgemm, the pure Go fallback, starts a
// goroutine per 64×64 block of C once C has 4 blocks or more, which
// allocates.
//
// Matrix-vector products (Dgemv, Sgemv) stay in gonum: they are bound by
// memory bandwidth, and OpenBLAS 0.3.21 on a 2-core machine was measured at
// 0.03× to 1.5× gonum's speed from 8×8 to 2048×2048, slower up to 512×512
// (0.1× to 0.3× at 96×96 and 128×128, where it starts its threads) and at
// most 1.5× faster beyond.
//
// # Loading
//
// The library is loaded once, on first use ([Load], or the first large call).
// The environment variable GRADCHECK_BLAS, read at that moment, chooses:
//
//	unset, "" or "auto"  search the usual names, below
//	"go"                 use gonum's pure Go implementation, load nothing
//	anything else        the file name or path of the library to load, and only it
//
// The search tries, on Linux, libopenblas.so.0, libopenblasp.so.0 and
// libopenblas.so through the dynamic loader's path, then Debian's
// /usr/lib/*-linux-gnu/openblas-{pthread,openmp,serial}/libopenblas.so.0,
// then libblis.so.4, libcblas.so.3 and libblas.so.3 (which serves only where
// it is OpenBLAS or BLIS: the reference BLAS has no cblas_dgemm); on macOS,
// Homebrew's OpenBLAS, then Accelerate. The first that exports cblas_dgemm,
// the mark of an optimised library, and the Fortran dgemm_ and sgemm_, the
// functions called, is used. Other platforms run in pure Go: the loader is
// built only for Linux and macOS on amd64 and arm64, where purego calls C
// functions without cgo.
//
// [LoadFrom] loads a given library and makes it the one in use. Every failure
// to load wraps [ErrUnavailable]. [Info] says what was loaded, for version
// output; OpenBLAS's thread count can be read there and changed with
// [SetThreads] (OpenBLAS also honours OPENBLAS_NUM_THREADS at load time).
//
// # Numerical results
//
// The native library sums in a different order from gonum and may use fused
// multiply-adds, so results differ from gonum's in the last bits. Both obey
// the usual bound for a k-term inner product,
//
//	|fl(c_ij) − c_ij| ≤ γ_{k+2} (|alpha| (|op(A)| |op(B)|)_ij + |beta| |c_ij|),  γ_n = n u / (1 − n u),
//
// with u the unit round-off (2⁻⁵³ for float64, 2⁻²⁴ for float32); the tests
// check the two against each other with twice that bound.
//
// # Concurrency
//
// All routines are safe for concurrent use. OpenBLAS runs its own threads,
// which wait for each other inside a product; a program that already keeps
// every core busy with goroutines, or a machine shared with other busy
// processes, may do better with SetThreads(1). On the 2-core test machine
// with other jobs running on both cores, a 1024³ float64 product took 46 to
// 53 ms on 1 thread and 47 to 116 ms on 2 (numpy, on the same library, 50
// to 75 and 75 to 115 ms).
//
// Called from Go, OpenBLAS's threads can be interrupted more often than when
// called from C or Python. A goroutine that the scheduler has not switched
// for 10 ms is due for preemption; if it is then in a foreign call, the
// runtime's monitor thread (sysmon) takes its P and goes back to waking
// every 20 µs (golang.org/issue/18236), and each wake-up takes a core from an
// OpenBLAS thread while the other waits for it. A training loop of products
// and arithmetic never yields by itself, so Dgemm and Sgemm yield
// (runtime.Gosched) before every product of 2²² multiply-adds or more, which
// keeps sysmon asleep (see yieldBefore). Measured on the 2-core test machine
// with OpenBLAS on 2 threads: before that change, the eight products of a
// [784 256 256 10] batch-256 training step made about 8,000 context switches
// a second against PyTorch's 50, and took 4.6 to 5.2 ms against its 4.3.
package blas
