// Package blas provides a fast matrix product without cgo: where an optimised
// CBLAS library (OpenBLAS, or any library exporting cblas_dgemm) is installed,
// it is loaded at run time with purego and plugged in behind gonum's BLAS
// interface, so that
//
//	blas.Use()
//
// makes gonum's mat.Dense.Mul, mat.VecDense.MulVec and gonum's LAPACK run
// their matrix products in the native library. Everything else, and any
// product too small to pay for the foreign call, stays in gonum's pure Go
// implementation. Programs build and run with CGO_ENABLED=0; where no library
// is found the package still works, in pure Go.
//
// # Routines
//
// [Implementation] embeds gonum's blas/gonum.Implementation and overrides
//
//	Dgemm, Sgemm  C = alpha * op(A) * op(B) + beta * C
//	Dgemv, Sgemv  y = alpha * op(A) * x + beta * y
//
// with the arguments, row-major layout and panics of gonum's versions: the
// arguments are checked by the same rules, and a call that gonum would reject
// is handed to gonum, which panics with its own message. A call is sent to the
// native library only when it is large enough (see [GemmMinWork] and
// [GemvMinWork]) and its sizes fit the library's 32-bit integers.
//
// # Loading
//
// The library is loaded once, on first use ([Load], or the first large call).
// The environment variable GRADCHECK_BLAS, read at that moment, chooses:
//
//	unset, "" or "auto"  search the usual names (libopenblas.so.0, libcblas.so.3,
//	                     libblas.so.3, ...; see the search list in load_purego.go)
//	"go"                 use gonum's pure Go implementation, load nothing
//	anything else        the file name or path of the library to load, and only it
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
// All routines are safe for concurrent use. OpenBLAS runs its own threads;
// a program that already keeps every core busy with goroutines may do better
// with SetThreads(1).
package blas
