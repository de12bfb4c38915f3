package zoo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
)

// TestCorrectMatchesNetwork compares the reference pass without a bug with
// backprop's gradient on random networks of every activation and both
// losses, random biases, and batches of 1 to 8 samples, whole or a
// selection of rows. The two compute the same formulas in different orders
// of summation, so they agree within roundingBound (2·γ_K·m_i, where m_i is
// the gradient of absolute values); a wrong term would be off by the order
// of m_i itself, about 10¹⁴ times the bound.
func TestCorrectMatchesNetwork(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	for _, loss := range backprop.Losses() {
		for _, act := range backprop.Activations() {
			for trial := range 8 {
				cfg := randomConfig(rng, act, loss)
				net := backprop.MustNew(cfg)
				randomBiases(rng, net)
				d := randomData(rng, cfg, 1+rng.IntN(8))
				b := backprop.All(d)
				if trial%2 == 1 {
					b.Rows = rng.Perm(d.N)[:1+rng.IntN(d.N)]
				}
				t.Run(fmt.Sprintf("%v/%v/%d", loss, act, trial), func(t *testing.T) {
					want := make([]float64, net.NumParams())
					wantCost, err := net.Gradient(want, b)
					if err != nil {
						t.Fatal(err)
					}
					bound := roundingBound(net, b)
					got := make([]float64, net.NumParams())
					gotCost, err := Correct(net).Gradient(got, b)
					if err != nil {
						t.Fatal(err)
					}
					if gotCost != wantCost {
						t.Errorf("cost %v, network's %v", gotCost, wantCost)
					}
					for i := range got {
						if !(math.Abs(got[i]-want[i]) <= bound[i]) {
							loc, _ := net.Layout().Locate(i)
							t.Errorf("%v: reference %g, backprop %g, |difference| %.3g > bound %.3g", loc, got[i], want[i], math.Abs(got[i]-want[i]), bound[i])
						}
					}
				})
			}
		}
	}
}
