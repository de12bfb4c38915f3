package naive

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/datasets"
)

// randomNet returns a network of 1 to 3 layers of widths 1 to 5 whose
// activations are drawn from acts, with n samples of data: inputs uniform
// in [−1, 1], targets uniform in [0, 1] for the squared error and one-hot
// for the cross-entropy.
func randomNet(rng *rand.Rand, acts []backprop.Activation, loss backprop.Loss) (*backprop.Network, backprop.Batch) {
	L := 1 + rng.IntN(3)
	c := backprop.Config{Loss: loss, Seed: rng.Uint64(), Sizes: []int{1 + rng.IntN(5)}}
	for range L {
		c.Sizes = append(c.Sizes, 1+rng.IntN(5))
		c.Activations = append(c.Activations, acts[rng.IntN(len(acts))])
	}
	if loss == backprop.SoftmaxCrossEntropy {
		c.Sizes[L] = 2 + rng.IntN(4)
	}
	net := backprop.MustNew(c)
	return net, randomBatch(rng, net, 1+rng.IntN(4))
}

func randomBatch(rng *rand.Rand, net *backprop.Network, n int) backprop.Batch {
	return backprop.All(datasets.Random(rng, net.Config(), n))
}

// reference returns backprop's gradient.
func reference(t *testing.T, net *backprop.Network, b backprop.Batch) []float64 {
	t.Helper()
	g := make([]float64, net.NumParams())
	if _, err := net.Gradient(g, b); err != nil {
		t.Fatal(err)
	}
	return g
}

// absScale returns, for each parameter, S_i = (1/B) Σ_s Σ_paths |product|:
// the sum of the magnitudes of every term that the exact methods add up for
// ∂C/∂θ_i. It is the chain rule run on magnitudes, |δˡ| = |f′| ⊙ (|δˡ⁺¹||Wˡ⁺¹|),
// which expands to exactly that sum over paths. For the cross-entropy the
// output factor is softmax_k·Σ|y| + |y_k| rather than |softmax_k·Σy − y_k|,
// the magnitudes whose difference ∂e/∂a_k is.
func absScale(net *backprop.Network, b backprop.Batch) []float64 {
	sh := shapeOf(net)
	theta := net.ParamsTo(nil)
	p := newPass(sh, b)
	p.forward(theta, nil)
	L := sh.layers()
	S := make([]float64, len(theta))
	for s := range p.bs {
		_, y := b.Sample(s)
		out := sh.sizes[L]
		a := p.a[L-1][s*out : (s+1)*out]
		d := make([]float64, out)
		switch sh.loss {
		case backprop.SquaredError:
			for k := range d {
				d[k] = math.Abs(2 * (a[k] - y[k]))
			}
		case backprop.SoftmaxCrossEntropy:
			m := a[0]
			for _, v := range a {
				m = math.Max(m, v)
			}
			var sum, sy float64
			for k, v := range a {
				sum += math.Exp(v - m)
				sy += math.Abs(y[k])
			}
			for k, v := range a {
				d[k] = math.Exp(v-m)/sum*sy + math.Abs(y[k])
			}
		}
		for l := L - 1; l >= 0; l-- {
			in, n := sh.sizes[l], sh.sizes[l+1]
			for j := range n {
				zj := p.z[l][s*n+j]
				d[j] *= math.Abs(sh.acts[l].Deriv(zj, p.a[l][s*n+j]))
			}
			bw, bb := sh.blocks[2*l], sh.blocks[2*l+1]
			prev := p.input(l)[s*in : (s+1)*in]
			w, _ := sh.params(theta, l)
			next := make([]float64, in)
			for j := range n {
				S[bb.Offset+j] += d[j] / float64(p.bs)
				for k := range in {
					S[bw.Offset+j*in+k] += d[j] * math.Abs(prev[k]) / float64(p.bs)
					next[k] += math.Abs(w[j*in+k]) * d[j]
				}
			}
			d = next
		}
	}
	return S
}

// exactTolerance returns the bound on |x − y| for two exact methods'
// values of one component: each is a sum of at most T terms of at most
// 2L+2 factors, formed in some order of products and nested sums, so each
// is within γ_M·S of the true value (Higham, Accuracy and Stability,
// §3.1–3.5, the bounds for inner and matrix products), with
// M = 2L+2 + T + Σn_l (the nested sums of the chain rule) + n_L + 16 (the
// few ulps of the loss derivative and of the final division by B), and
// γ_M = M·u/(1 − M·u), u = 2⁻⁵³. Two methods differ by at most twice that.
// T is B·max_m R_m, the most paths any component sums.
func exactTolerance(net *backprop.Network, b backprop.Batch, S float64) float64 {
	sizes := net.Config().Sizes
	L := len(sizes) - 1
	M := 2*L + 2 + sizes[L] + 16
	R := 1
	for l := L; l >= 1; l-- {
		M += sizes[l]
		if l > 1 {
			R *= sizes[l]
		}
	}
	M += b.Len() * R
	u := math.Ldexp(1, -53)
	gamma := float64(M) * u / (1 - float64(M)*u)
	return 2 * gamma * S
}

// checkExactMethod compares the gradient that run computes with backprop's
// on 20 random networks of every activation for each loss, within the
// rounding bound of exactTolerance (both are exact up to rounding, summed in
// other orders); it also checks that run leaves the parameters unchanged and
// that the work it counts is the closed form work gives. what names the
// method in failures.
func checkExactMethod(t *testing.T, what string, run func(net *backprop.Network, b backprop.Batch, c *Count) ([]float64, error), work func(cfg backprop.Config, batch int) Count) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 1))
	for _, loss := range backprop.Losses() {
		for trial := range 20 {
			net, b := randomNet(rng, backprop.Activations(), loss)
			t.Run(fmt.Sprintf("%v/%d/%v", loss, trial, net.Config().Sizes), func(t *testing.T) {
				before := net.ParamsTo(nil)
				var c Count
				got, err := run(net, b, &c)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(before, net.ParamsTo(nil)); diff != "" {
					t.Errorf("parameters changed (-before +after):\n%s", diff)
				}
				if w := work(net.Config(), b.Len()); c != w {
					t.Errorf("counted %+v, closed form %+v", c, w)
				}
				want := reference(t, net, b)
				S := absScale(net, b)
				for i := range want {
					if tol := exactTolerance(net, b, S[i]); math.Abs(got[i]-want[i]) > tol {
						loc, _ := net.Layout().Locate(i)
						t.Errorf("%v: %s %v, backprop %v, |diff| > %.3g", loc, what, got[i], want[i], tol)
					}
				}
			})
		}
	}
}
