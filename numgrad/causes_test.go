package numgrad_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// A sign flipped in a lower layer's delta (layers 0 and 1 of three wrong by
// −1, the output layer right) is a sign flip entering at layer 1, never an
// error of the output delta δᴸ, which the right output layer rules out.
func TestCauseLowerLayerSignFlip(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 7))
	net := backprop.MustNew(backprop.Config{Sizes: []int{3, 4, 4, 2}, Activations: []backprop.Activation{backprop.Tanh, backprop.Sigmoid, backprop.Identity}, Seed: 5})
	d := randomData(rng, net, 6)
	blocks := net.Layout().Blocks
	flip := scaled{net, func(g []float64) {
		for _, b := range blocks[:4] { // layers 0 and 1, weights and biases
			for i := b.Offset; i < b.Offset+b.Len(); i++ {
				g[i] = -g[i]
			}
		}
	}}
	r, err := numgrad.CheckModel(flip, backprop.All(d), nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() {
		t.Fatal("a sign flip passed")
	}
	all := strings.Join(append(r.Causes, r.Failures()...), "\n")
	if strings.Contains(all, "output delta") || strings.Contains(all, "δᴸ") {
		t.Errorf("the output layer is right, yet a cause blames the output delta:\n%s", r)
	}
	if !strings.Contains(all, "sign flip") || !strings.Contains(all, "enters the backward pass at δ¹") {
		t.Errorf("the causes do not name a sign flip entering at layer 1:\n%s", r)
	}
}

// A gradient ten times too small whose components lie below the check's
// resolution passes — its error is within the floor — but the verdict says
// that the components are below their floor, that is, that their ratio is
// not resolved, rather than that the gradient is right without qualification.
func TestBelowResolutionIsSaid(t *testing.T) {
	t.Parallel()
	// f(x) = 1 + 1e-14·(x₀ + x₁): a gradient of 1e-14 under a cost of 1,
	// whose rounding alone (1e-16/h ≈ 2e-11) hides it.
	f := func(x []float64) float64 { return 1 + 1e-14*(x[0]+x[1]) }
	r, err := numgrad.Check(f, []float64{1e-15, 1e-15}, []float64{0.3, -0.2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := r.String()
	if !strings.Contains(s, "below their floor") {
		t.Errorf("the verdict does not say that the components are below the floor:\n%s", s)
	}
}
