package blas

import (
	"runtime"
	"sync"
	"unsafe"

	"gonum.org/v1/gonum/blas"
)

// GemmMinWork is the smallest m·n·k for which Dgemm and Sgemm call the
// native library; smaller products run in gonum's pure Go code, where the
// foreign call's fixed cost would dominate.
//
// Measured with BenchmarkGemmCrossover on a 2-core AMD EPYC (Turin) VM
// shared with other jobs (load average 10 to 30), OpenBLAS 0.3.21 pthread
// (Haswell kernels), Go 1.26, the two interleaved in one process; best of
// 5, non-transposed, CPU time per call in ns (cpu-ns/op; wall times under
// that load were up to 2.5 times larger), gonum / native:
//
//	shape m×n×k   m·n·k   float64       float32
//	1×1×1             1     23 /  176     19 /  162
//	4×4×4            64     96 /  202    147 /  185
//	6×6×6           216    212 /  292    241 /  211
//	16×4×4          256    344 /  260    460 /  267
//	4×4×16          256    345 /  244    272 /  242
//	8×8×8           512    391 /  220    303 /  207
//	16×16×2         512    301 /  266    252 /  243
//	12×12×12       1728    858 /  324    670 /  258
//	16×16×16       4096   1698 /  662   1745 /  479
//	4×32×32        4096   1275 /  562    875 /  384
//	32×4×32        4096   5203 /  920   4552 /  483
//	2×64×64        8192   1982 / 2037   1242 /  836
//	32×32×32      32768   9696 / 2613   6791 / 1174
//	64×64×64     262144  69648 /19729  40438 / 8488
//
// The native call, through the Fortran interface and purego.SyscallN, costs
// about 0.2 µs however small the product (it was 1.1 µs and 12 allocations
// through the CBLAS interface and purego.RegisterFunc), so gonum wins
// below 6³ = 216, the two tie from there to 256, and from 512 on the native
// library is ahead for every shape measured, up to 4× at 12³ (except the flat
// 2×64×64, a tie). The threshold is 512 for both precisions.
const GemmMinWork = 512

// smallWork is the largest m·n·k that smallGemm computes. Measured as
// GemmMinWork was (cpu-ns/op, float64, best of 3, gonum / smallGemm):
// 1×1×1 20 / 10, 2×2×2 39 / 22, 4×4×4 93 / 87, 16×3×3 317 / 220,
// 3×3×16 210 / 156, then 6×6×6 209 / 265 and 16×4×4 338 / 451: the plain
// loop is ahead up to 144 (the products of a [2 3 3 1] network at batch 16)
// and behind from 216.
const smallWork = 144

// Dgemm computes
//
//	C = alpha * op(A) * op(B) + beta * C
//
// like gonum's Dgemm, whose arguments and panics it shares: by a plain loop
// when m·n·k ≤ 144 (see smallWork), in the native library when m·n·k ≥
// GemmMinWork or when gonum would split C among goroutines (at least 4
// blocks of 64×64), and by gonum otherwise.
func (impl Implementation) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if !gemmNative(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc) {
		impl.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if m*n*k <= smallWork {
		smallGemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if !gemmLarge(m, n, k) {
		impl.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	l := current()
	if l == nil {
		impl.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	yieldBefore(m, n, k)
	l.dgemmRaw(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Sgemm is the float32 version of Dgemm.
func (impl Implementation) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if !gemmNative(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc) {
		impl.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if m*n*k <= smallWork {
		smallGemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if !gemmLarge(m, n, k) {
		impl.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	l := current()
	if l == nil {
		impl.Implementation.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	yieldBefore(m, n, k)
	l.sgemmRaw(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// yieldWork is the smallest m·n·k before which the calling goroutine yields
// (see yieldBefore): 2²² multiply-adds take 0.1 to 0.2 ms on one core, and a
// yield with nothing else to run about 0.2 µs.
const yieldWork = 1 << 22

// yieldBefore yields the processor (runtime.Gosched) before a product of at
// least yieldWork multiply-adds. A goroutine that the scheduler has not
// switched for 10 ms is due for preemption: the runtime's monitor thread,
// sysmon, then takes its P away while it is in the foreign call and goes
// back to polling every 20 µs, and each of its wake-ups takes a core from an
// OpenBLAS thread while the other one waits for it. A training loop that
// calls nothing but products and arithmetic never yields by itself. Yielding
// before each large product keeps the goroutine's scheduling count moving,
// and sysmon backs off to sleeping 10 ms. Measured on the 2-core test
// machine, [1024 1024 1024 1024] batch-256 training steps with OpenBLAS on 2
// threads: 10,200 to 11,200 context switches in 30 steps and 65 ms a step
// without it, 2,200 to 2,300 and 59 to 60 ms with it (perf stat,
// BenchmarkStep -cpu 2).
func yieldBefore(m, n, k int) {
	if m*n*k >= yieldWork {
		runtime.Gosched()
	}
}

// gemmLarge reports whether a product is worth the native call: m·n·k ≥
// GemmMinWork, or C has at least 4 blocks of 64×64 (m = 193 and n = 1 is
// enough), where gonum's Dgemm and Sgemm start a goroutine per block, which
// allocates and costs microseconds. The sizes must fit in 32 bits (then
// where m·n·k overflows, C has far more than 4 blocks).
func gemmLarge(m, n, k int) bool {
	const block, minBlocks = 64, 4 // gonum's blockSize and minParBlock
	return m*n*k >= GemmMinWork || ((m+block-1)/block)*((n+block-1)/block) >= minBlocks
}

// gemmNative reports whether a gemm call with these arguments is valid by
// gonum's rules, non-empty, and within the library's C ints, so that it
// may go to the native library. Calls that fail are left to gonum, which
// panics on the invalid ones with its own message.
func gemmNative(tA, tB blas.Transpose, m, n, k, lenA, lda, lenB, ldb, lenC, ldc int) bool {
	if !validTranspose(tA) || !validTranspose(tB) {
		return false
	}
	if m < 1 || n < 1 || k < 1 || !fitsInt32(m, n, k, lda, ldb, ldc) {
		return false
	}
	// Rows and columns of A and B as stored (row-major).
	rowA, colA := m, k
	if tA != blas.NoTrans {
		rowA, colA = k, m
	}
	rowB, colB := k, n
	if tB != blas.NoTrans {
		rowB, colB = n, k
	}
	return lda >= colA && ldb >= colB && ldc >= n &&
		lenA >= (rowA-1)*lda+colA &&
		lenB >= (rowB-1)*ldb+colB &&
		lenC >= (m-1)*ldc+n
}

// gemmArgs holds the arguments of one call of the Fortran dgemm_ or sgemm_,
// which takes every argument by reference:
//
//	dgemm_(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, len(transa), len(transb))
//
// Calling it with integer and pointer arguments only lets purego.SyscallN
// make the call, without the reflection of purego.RegisterFunc (about 1 µs
// and 12 allocations a call; see GemmMinWork). SyscallN's arguments are
// variadic and escape, so a list written in the call would be allocated
// each time; the list is kept in args instead, and the gemmArgs come from a
// pool, so that concurrent callers each have their own and the steady state
// allocates nothing.
//
// args holds the addresses as uintptrs, which the garbage collector does not
// see. They stay valid because every object they point to is on the heap,
// where objects never move: the scalars are fields of this heap-allocated
// struct, and the matrices are stored in a, b and c, pointer fields of a
// heap object, which makes the compiler allocate the caller's slices on the
// heap and keeps them alive until the call returns.
type gemmArgs struct {
	transA, transB byte
	m, n, k        int32
	lda, ldb, ldc  int32
	alpha, beta    float64 // dgemm_
	alpha32        float32 // sgemm_
	beta32         float32
	a, b, c        unsafe.Pointer // the matrices, in column-major order
	args           [15]uintptr
}

var gemmArgsPool = sync.Pool{New: func() any { return new(gemmArgs) }}

// colMajor fills p for the row-major product C = op(A) op(B) (m×n) as the
// column-major product Cᵀ = op(B)ᵀ op(A)ᵀ (n×m), the same memory read the
// other way: the operands swap places and keep their transposes, and each
// row-major matrix with stride ld is the column-major transpose with
// leading dimension ld. alpha and beta point to p's own fields.
func (p *gemmArgs) colMajor(tA, tB blas.Transpose, m, n, k int, a unsafe.Pointer, lda int, b unsafe.Pointer, ldb int, c unsafe.Pointer, ldc int, alpha, beta unsafe.Pointer) {
	p.transA, p.transB = fortranTranspose(tB), fortranTranspose(tA)
	p.m, p.n, p.k = int32(n), int32(m), int32(k)
	p.a, p.b, p.c = b, a, c
	p.lda, p.ldb, p.ldc = int32(ldb), int32(lda), int32(ldc)
	p.args = [15]uintptr{
		uintptr(unsafe.Pointer(&p.transA)), uintptr(unsafe.Pointer(&p.transB)),
		uintptr(unsafe.Pointer(&p.m)), uintptr(unsafe.Pointer(&p.n)), uintptr(unsafe.Pointer(&p.k)),
		uintptr(alpha), uintptr(p.a), uintptr(unsafe.Pointer(&p.lda)),
		uintptr(p.b), uintptr(unsafe.Pointer(&p.ldb)),
		uintptr(beta), uintptr(p.c), uintptr(unsafe.Pointer(&p.ldc)),
		1, 1, // the hidden lengths of the two character arguments
	}
}

// release drops p's references to the caller's matrices and returns it to
// the pool.
func (p *gemmArgs) release() {
	p.a, p.b, p.c = nil, nil, nil
	gemmArgsPool.Put(p)
}

// dgemmRaw calls dgemm_; the arguments must pass gemmNative.
func (l *library) dgemmRaw(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	p := gemmArgsPool.Get().(*gemmArgs)
	p.alpha, p.beta = alpha, beta
	p.colMajor(tA, tB, m, n, k, unsafe.Pointer(&a[0]), lda, unsafe.Pointer(&b[0]), ldb, unsafe.Pointer(&c[0]), ldc,
		unsafe.Pointer(&p.alpha), unsafe.Pointer(&p.beta))
	callGemm(l.dgemm, p)
	p.release()
}

// sgemmRaw calls sgemm_; the arguments must pass gemmNative.
func (l *library) sgemmRaw(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	p := gemmArgsPool.Get().(*gemmArgs)
	p.alpha32, p.beta32 = alpha, beta
	p.colMajor(tA, tB, m, n, k, unsafe.Pointer(&a[0]), lda, unsafe.Pointer(&b[0]), ldb, unsafe.Pointer(&c[0]), ldc,
		unsafe.Pointer(&p.alpha32), unsafe.Pointer(&p.beta32))
	callGemm(l.sgemm, p)
	p.release()
}
