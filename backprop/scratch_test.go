package backprop

import (
	"runtime"
	"testing"
	"time"

	bl "github.com/gradcheck/gradcheck/blas"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

func TestScratchPhases(t *testing.T) {
	bl.SetThreads(runtime.GOMAXPROCS(0))
	for _, sizes := range [][]int{{784, 256, 256, 10}, {1024, 1024, 1024, 1024}} {
		n, batch := benchNet(sizes, 256)
		n.Cost(batch)
		grad := make([]float64, len(n.params))
		T := map[string]time.Duration{}
		tick := time.Now()
		lap := func(name string) { now := time.Now(); T[name] += now.Sub(tick); tick = now }
		const reps = 20
		start := time.Now()
		for range reps {
			tick = time.Now()
			bs := batch.Len()
			prev := n.inputs(batch)
			lap("inputs")
			for l := range n.NumLayers() {
				in, out := n.cfg.Sizes[l], n.cfg.Sizes[l+1]
				w, bias := n.weights(n.params, l)
				z := n.z[l]
				for i := range bs {
					copy(z[i*out:(i+1)*out], bias)
				}
				lap("fwd bias")
				blas64.Gemm(blas.NoTrans, blas.Trans, 1, general(bs, in, prev), general(out, in, w), 1, general(bs, out, z))
				lap("fwd gemm")
				if act := n.cfg.Activations[l]; act == Sigmoid {
					elementwise(&n.wg, elemJob{op: opSigmoidExp, a: n.a[l], b: n.e[l], c: z}, len(z))
				} else {
					elementwise(&n.wg, elemJob{op: opActivate, act: act, a: n.a[l], b: z}, len(z))
				}
				lap("fwd act")
				prev = n.a[l]
			}
			L := n.NumLayers()
			outN := n.cfg.Sizes[L]
			d := n.delta[L-1]
			for i := range bs {
				_, y := batch.Sample(i)
				n.cfg.Loss.outputGrad(d[i*outN:(i+1)*outN], n.a[L-1][i*outN:(i+1)*outN], y, 1/float64(bs))
			}
			n.mulDeriv(L-1, d)
			lap("outgrad")
			for l := L - 1; l >= 0; l-- {
				in, out := n.cfg.Sizes[l], n.cfg.Sizes[l+1]
				prev := n.in
				if l > 0 {
					prev = n.a[l-1]
				}
				d := n.delta[l]
				gw, gb := n.weights(grad, l)
				blas64.Gemm(blas.Trans, blas.NoTrans, 1, general(bs, out, d), general(bs, in, prev), 0, general(out, in, gw))
				lap("bwd gw gemm")
				clear(gb)
				for i := range bs {
					addTo(gb, d[i*out:(i+1)*out])
				}
				lap("bwd bias")
				if l == 0 {
					break
				}
				w, _ := n.weights(n.params, l)
				blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, general(bs, out, d), general(out, in, w), 0, general(bs, in, n.delta[l-1]))
				lap("bwd delta gemm")
				n.mulDeriv(l-1, n.delta[l-1])
				lap("bwd deriv")
			}
			n.cost(batch)
			lap("cost")
			elementwise(&n.wg, elemJob{op: opUpdate, a: n.params, eta: 1e-9, b: grad}, len(n.params))
			lap("update")
		}
		total := time.Since(start) / reps
		t.Logf("%v total %v", sizes, total)
		for k, v := range T {
			t.Logf("  %-16s %v", k, v/reps)
		}
	}
}
