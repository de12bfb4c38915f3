package zoo

import (
	"math"
	"math/rand/v2"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/datasets"
)

// randomConfig returns a network of 1 to 3 layers of widths 1 to 5, every
// layer with activation a (2 to 5 outputs for the cross-entropy).
func randomConfig(rng *rand.Rand, a backprop.Activation, loss backprop.Loss) backprop.Config {
	L := 1 + rng.IntN(3)
	c := backprop.Config{Loss: loss, Seed: rng.Uint64()}
	c.Sizes = append(c.Sizes, 1+rng.IntN(5))
	for range L {
		c.Sizes = append(c.Sizes, 1+rng.IntN(5))
		c.Activations = append(c.Activations, a)
	}
	if loss == backprop.SoftmaxCrossEntropy {
		c.Sizes[L] = 2 + rng.IntN(4)
	}
	return c
}

// randomBiases sets every bias of net uniform in [−½, ½], so that the tests
// do not only see the zero biases that [backprop.New] starts with.
func randomBiases(rng *rand.Rand, net *backprop.Network) {
	theta := net.ParamsTo(nil)
	for _, blk := range net.Layout().Blocks {
		if blk.Group == backprop.Biases {
			for i := blk.Offset; i < blk.Offset+blk.Len(); i++ {
				theta[i] = rng.Float64() - 0.5
			}
		}
	}
	net.SetParams(theta)
}

// randomData returns n samples for c: inputs uniform in [−1, 1], targets
// uniform in [0, 1] (squared error) or one-hot (cross-entropy).
func randomData(rng *rand.Rand, c backprop.Config, n int) *backprop.Dataset {
	return datasets.Random(rng, c, n)
}

// roundingBound returns, per component, a bound on the difference between
// two float64 evaluations of the true gradient of net on b that differ only
// in the order of their sums (the reference pass and backprop's BLAS one).
//
// A sum of n products computed in any order is within γ_n·Σ|terms| of the
// exact sum, γ_n = n·u/(1 − n·u), u = 2⁻⁵³ (Higham, Accuracy and Stability
// of Numerical Algorithms, §3.1). Chained through the layers, every
// computed gradient component is within γ_K·m_i of the exact one, where m_i
// is the same backward pass run on absolute values (|δ|, |W|, |f′|, |a|) and
// K counts the roundings along the longest chain: the output gradient
// (n_L + 8 covers the softmax's sum of n_L exponentials, the division and
// the scaling), each propagation through layer l (a sum of n_{l+1}
// products, times f′: n_{l+1} + 2) and the sum over the B samples (B + 1).
// The derivatives f′ are the same bits in both, computed by the same
// function from the same forward pass. Two evaluations differ by at most
// twice that: 2·γ_K·m_i.
func roundingBound(net *backprop.Network, b backprop.Batch) []float64 {
	cfg := net.Config()
	if _, err := net.Cost(b); err != nil {
		panic(err)
	}
	L, B := net.NumLayers(), b.Len()
	K := cfg.Sizes[L] + 8 + B + 1
	for l := 1; l < L; l++ {
		K += cfg.Sizes[l+1] + 2
	}
	u := math.Ldexp(1, -53)
	gamma := float64(K) * u / (1 - float64(K)*u)

	absDeriv := func(l, s, j int) float64 {
		return math.Abs(cfg.Activations[l].Deriv(net.PreActivation(l).At(s, j), net.Activation(l).At(s, j)))
	}
	delta := make([][][]float64, L)
	for l := range L {
		delta[l] = make([][]float64, B)
		for s := range B {
			delta[l][s] = make([]float64, cfg.Sizes[l+1])
		}
	}
	for s := range B {
		_, y := b.Sample(s)
		aL := net.Activation(L-1).Row(nil, s)
		var g []float64
		switch cfg.Loss {
		case backprop.SquaredError:
			for k := range aL {
				g = append(g, 2*math.Abs(aL[k]-y[k]))
			}
		case backprop.SoftmaxCrossEntropy:
			p := softmax(aL)
			var sy float64
			for _, v := range y {
				sy += math.Abs(v)
			}
			for k := range aL {
				g = append(g, p[k]*sy+math.Abs(y[k]))
			}
		}
		for j := range g {
			delta[L-1][s][j] = g[j] / float64(B) * absDeriv(L-1, s, j)
		}
	}
	for l := L - 1; l > 0; l-- {
		w, _ := net.Weights(l)
		for s := range B {
			for i := range delta[l-1][s] {
				var sum float64
				for j, dj := range delta[l][s] {
					sum += dj * math.Abs(w[j][i])
				}
				delta[l-1][s][i] = sum * absDeriv(l-1, s, i)
			}
		}
	}
	bound := make([]float64, net.NumParams())
	for l := range L {
		blkW, blkB := net.Layout().Blocks[2*l], net.Layout().Blocks[2*l+1]
		for j := range blkW.Rows {
			for i := range blkW.Cols {
				var sum float64
				for s := range B {
					var in float64
					if l == 0 {
						x, _ := b.Sample(s)
						in = math.Abs(x[i])
					} else {
						in = math.Abs(net.Activation(l-1).At(s, i))
					}
					sum += delta[l][s][j] * in
				}
				bound[blkW.Offset+j*blkW.Cols+i] = 2 * gamma * sum
			}
			var sum float64
			for s := range B {
				sum += delta[l][s][j]
			}
			bound[blkB.Offset+j] = 2 * gamma * sum
		}
	}
	return bound
}
