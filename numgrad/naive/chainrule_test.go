package naive

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"gonum.org/v1/gonum/blas"
)

// countedChainRule is an instrumented copy of backprop's forward and
// backward passes (backprop/forward.go, backprop/backward.go): the same
// matrix products in the same order, each counted by gemm. It exists to
// check ChainRuleWork, the count that ChainRule reports for
// Network.Gradient, against work that is counted rather than derived.
func countedChainRule(net *backprop.Network, b backprop.Batch, c *Count) []float64 {
	sh := shapeOf(net)
	theta := net.ParamsTo(nil)
	p := newPass(sh, b)
	p.forward(theta, c)
	bs, L := p.bs, sh.layers()
	dst := make([]float64, len(theta))
	delta := make([][]float64, L)
	for l := range L {
		delta[l] = make([]float64, len(p.z[l]))
	}
	mulDeriv := func(l int) {
		if sh.acts[l] == backprop.Identity {
			return
		}
		for i := range delta[l] {
			delta[l][i] *= sh.acts[l].Deriv(p.z[l][i], p.a[l][i])
			c.MulAdds++
		}
	}
	out := sh.sizes[L]
	for i := range bs {
		d := delta[L-1][i*out : (i+1)*out]
		p.outputGrad(d, b, i)
		for k := range d {
			d[k] *= 1 / float64(bs) // part of ∂e/∂aᴸ's scaling: not counted
		}
	}
	mulDeriv(L - 1)
	for l := L - 1; l >= 0; l-- {
		in, n := sh.sizes[l], sh.sizes[l+1]
		gw, gb := sh.params(dst, l)
		gemm(c, blas.Trans, blas.NoTrans, n, in, bs, delta[l], p.input(l), 0, gw)
		for i := range bs {
			for j, v := range delta[l][i*n : (i+1)*n] {
				gb[j] += v
			}
		}
		if l == 0 {
			break
		}
		w, _ := sh.params(theta, l)
		gemm(c, blas.NoTrans, blas.NoTrans, bs, in, n, delta[l], w, 0, delta[l-1])
		mulDeriv(l - 1)
	}
	return dst
}

// TestChainRuleWork checks the closed form that ChainRule reports for
// Network.Gradient against an instrumented copy of its passes. For the
// squared error the copy reproduces Network.Gradient bit for bit, which
// shows it performs the same products; for the cross-entropy ∂e/∂aᴸ is
// computed another way (dual numbers) and the two agree within the
// rounding bound of exactTolerance.
func TestChainRuleWork(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	for _, loss := range backprop.Losses() {
		for trial := range 20 {
			net, b := randomNet(rng, backprop.Activations(), loss)
			t.Run(fmt.Sprintf("%v/%d/%v", loss, trial, net.Config().Sizes), func(t *testing.T) {
				var counted, reported Count
				got := countedChainRule(net, b, &counted)
				want, err := ChainRule(nil, net, b, &reported)
				if err != nil {
					t.Fatal(err)
				}
				if w := ChainRuleWork(net.Config(), b.Len()); counted != w || reported != w {
					t.Errorf("counted %+v, reported %+v, closed form %+v", counted, reported, w)
				}
				S := absScale(net, b)
				for i := range want {
					if loss == backprop.SquaredError && math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Errorf("parameter %d: instrumented copy %v, Network.Gradient %v: not the same bits", i, got[i], want[i])
					}
					if tol := exactTolerance(net, b, S[i]); math.Abs(got[i]-want[i]) > tol {
						t.Errorf("parameter %d: instrumented copy %v, Network.Gradient %v, |diff| > %.3g", i, got[i], want[i], tol)
					}
				}
			})
		}
	}
}

func TestChainRuleBadBatch(t *testing.T) {
	t.Parallel()
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 1}, Activations: []backprop.Activation{backprop.Identity}})
	if _, err := ChainRule(nil, net, backprop.Batch{}, nil); err == nil {
		t.Error("empty batch: no error")
	}
}
