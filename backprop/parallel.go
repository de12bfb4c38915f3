package backprop

import (
	"runtime"
	"sync"
)

// Elementwise work on several cores.
//
// The activations, their derivatives and the update of the parameters are
// independent per element, so splitting them among goroutines changes no
// bit of the result. Arrays of at least parallelMin elements are split into
// up to GOMAXPROCS parts: the caller computes the first and worker
// goroutines the others. The workers are started once (more are started if
// GOMAXPROCS grows) and wait on a channel; a part travels as a value, so a
// call allocates nothing.

// parallelMin is the smallest part worth a worker: 2¹⁸ elements take 0.2 to
// 0.5 ms in the vector kernels (a sigmoid costs 1 to 2 ns, an update is
// bound by memory), against microseconds to wake a goroutine. Smaller parts
// lost: with the native matrix product, OpenBLAS's idle thread spins on the
// second core between products, and a worker there has to share it. On the
// 2-core test machine (BenchmarkStep -cpu 2, [1024 1024 1024 1024] batch
// 256, OpenBLAS with 2 threads) a step took 66 ms with parts of 2¹⁵, 58 to
// 62 ms with 2¹⁸ and 64 to 66 ms with everything on one core; at [784 256
// 256 10] the three were within the noise (5.4 to 6.3 ms). Once package
// blas yielded before large products, which keeps the runtime's monitor
// thread from interrupting OpenBLAS, parts of 2¹⁵, 2¹⁷, 2¹⁸ and serial work
// all took 54.9 to 57 ms and 4.9 to 5.4 ms: the threshold no longer matters
// there, and 2¹⁸ stays.
const parallelMin = 1 << 18

// elemOp says what an elemJob computes on its part [lo, hi).
type elemOp int

const (
	opSigmoidExp   elemOp = iota // sigmoidExp(a, b, c)
	opSigmoidDeriv               // sigmoidDeriv(a, b, c, d)
	opActivate                   // act.activate(a, b)
	opMulDeriv                   // act.mulDeriv(a, b, c)
	opUpdate                     // Update(a, eta, b)
)

type elemJob struct {
	op         elemOp
	act        Activation
	eta        float64
	a, b, c, d []float64
	lo, hi     int
	wg         *sync.WaitGroup
}

func (j *elemJob) run() {
	lo, hi := j.lo, j.hi
	switch j.op {
	case opSigmoidExp:
		sigmoidExp(j.a[lo:hi], j.b[lo:hi], j.c[lo:hi])
	case opSigmoidDeriv:
		sigmoidDeriv(j.a[lo:hi], j.b[lo:hi], j.c[lo:hi], j.d[lo:hi])
	case opActivate:
		j.act.activate(j.a[lo:hi], j.b[lo:hi])
	case opMulDeriv:
		j.act.mulDeriv(j.a[lo:hi], j.b[lo:hi], j.c[lo:hi])
	case opUpdate:
		Update(j.a[lo:hi], j.eta, j.b[lo:hi])
	}
}

var workers struct {
	sync.Mutex
	n    int // started
	jobs chan elemJob
}

// elementwise runs j on [0, n), split as described above; wg must be unused
// by others during the call (each Network has its own).
func elementwise(wg *sync.WaitGroup, j elemJob, n int) {
	parts := 1
	if n >= 2*parallelMin { // GOMAXPROCS takes a lock: ask only when it matters
		parts = min(runtime.GOMAXPROCS(0), n/parallelMin)
	}
	if parts <= 1 {
		j.lo, j.hi = 0, n
		j.run()
		return
	}
	startWorkers(parts - 1)
	j.wg = wg
	wg.Add(parts - 1)
	for p := 1; p < parts; p++ {
		j.lo, j.hi = p*n/parts, (p+1)*n/parts
		workers.jobs <- j
	}
	j.lo, j.hi = 0, n/parts
	j.run()
	wg.Wait()
}

// startWorkers makes sure at least k workers run.
func startWorkers(k int) {
	workers.Lock()
	defer workers.Unlock()
	if workers.jobs == nil {
		workers.jobs = make(chan elemJob)
	}
	for ; workers.n < k; workers.n++ {
		go func() {
			for j := range workers.jobs {
				j.run()
				j.wg.Done()
			}
		}()
	}
}
