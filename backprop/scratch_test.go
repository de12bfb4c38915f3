package backprop

import (
	"runtime"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	bl "github.com/gradcheck/gradcheck/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

func TestScratchPhases(t *testing.T) {
	benchThreadsT(runtime.GOMAXPROCS(0))
	n, batch := benchNet([]int{1024, 1024, 1024, 1024}, 256)
	n.Cost(batch)
	var tb, tg, ts, tc time.Duration
	for range 30 {
		bs := batch.Len()
		prev := n.inputs(batch)
		for l := range n.NumLayers() {
			in, out := n.cfg.Sizes[l], n.cfg.Sizes[l+1]
			w, bias := n.weights(n.params, l)
			z := n.z[l]
			t0 := time.Now()
			for i := range bs {
				copy(z[i*out:(i+1)*out], bias)
			}
			t1 := time.Now()
			blas64.Gemm(blas.NoTrans, blas.Trans, 1, general(bs, in, prev), general(out, in, w), 1, general(bs, out, z))
			t2 := time.Now()
			if act := n.cfg.Activations[l]; act == Sigmoid {
				elementwise(&n.wg, elemJob{op: opSigmoidExp, a: n.a[l], b: n.e[l], c: z}, len(z))
			} else {
				elementwise(&n.wg, elemJob{op: opActivate, act: act, a: n.a[l], b: z}, len(z))
			}
			t3 := time.Now()
			prev = n.a[l]
			tb += t1.Sub(t0); tg += t2.Sub(t1); ts += t3.Sub(t2)
		}
		t4 := time.Now()
		n.cost(batch)
		tc += time.Since(t4)
	}
	t.Logf("per forward: bias %v gemm %v act %v cost %v", tb/30, tg/30, ts/30, tc/30)
}
func benchThreadsT(n int) { /* set below */ setThreadsForScratch(n) }
func setThreadsForScratch(n int) { bl.SetThreads(n) }
