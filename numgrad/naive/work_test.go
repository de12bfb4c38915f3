package naive

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// TestWorkByHand checks the closed forms on two networks counted by hand.
func TestWorkByHand(t *testing.T) {
	t.Parallel()
	tanh, id := backprop.Tanh, backprop.Identity
	for _, tc := range []struct {
		name   string
		cfg    backprop.Config
		batch  int
		method func(backprop.Config, int) Count
		want   Count
	}{
		// Sizes [2 3 1], tanh then identity, B = 2: F = 2·3 + 3·1 = 9,
		// W = 3·3 + 1·4 = 13, N′ = 3, n_0·n_1 = 6.
		{"forward", cfg([]int{2, 3, 1}, tanh, id), 2, ForwardWork,
			Count{MulAdds: 2 * 9, Passes: 1}},
		{"chain rule", cfg([]int{2, 3, 1}, tanh, id), 2, ChainRuleWork,
			// 2·(3·9 − 6 + 3)
			Count{MulAdds: 48, Passes: 1}},
		{"central differences", cfg([]int{2, 3, 1}, tanh, id), 2, fdWork(numgrad.Central),
			// 2·13 passes of 2·9
			Count{MulAdds: 26 * 18, Passes: 26}},
		{"forward differences", cfg([]int{2, 3, 1}, tanh, id), 2, fdWork(numgrad.Forward),
			// 13 + 1 passes of 2·9
			Count{MulAdds: 14 * 18, Passes: 14}},
		{"forward mode", cfg([]int{2, 3, 1}, tanh, id), 2, ForwardModeWork,
			// 13 dual passes of 2·(2·9 + 3)
			Count{MulAdds: 13 * 42, Passes: 13}},
		// Path enumeration on [2 3 1]: a layer-1 weight has 1 path with the
		// factors ∂e/∂a², W²_{0j}, f¹′(z¹_j), a⁰_k (f²′ = 1 is left out):
		// 3 multiplications; a layer-1 bias 2; a layer-2 weight has the
		// factors ∂e/∂a², a¹_k: 1; the layer-2 bias none. Per sample:
		// 6·3 + 3·2 + 3·1 + 0 = 27, plus the forward pass 9; 6+3+3+1 = 13
		// paths.
		{"paths", cfg([]int{2, 3, 1}, tanh, id), 2, PathEnumerationWork,
			Count{MulAdds: 2 * (27 + 9), Passes: 1, Paths: 2 * 13}},
		// Sizes [1 2 2], tanh, tanh, B = 1: F = 2 + 4 = 6. A layer-1 weight
		// has 2 paths of the factors ∂e/∂a², f²′, W², f¹′, a⁰: 4
		// multiplications each; a layer-1 bias 2 paths of 3; a layer-2 weight
		// 1 path of ∂e/∂a², f²′, a¹: 2; a layer-2 bias 1. In all
		// 2·2·4 + 2·2·3 + 4·2 + 2·1 = 38, plus 6; paths 2·2 + 2·2 + 4 + 2 = 14.
		{"paths deep", cfg([]int{1, 2, 2}, tanh, tanh), 1, PathEnumerationWork,
			Count{MulAdds: 38 + 6, Passes: 1, Paths: 14}},
		// 3·6 − 1·2 + 4
		{"chain rule deep", cfg([]int{1, 2, 2}, tanh, tanh), 1, ChainRuleWork,
			Count{MulAdds: 20, Passes: 1}},
	} {
		if diff := cmp.Diff(tc.want, tc.method(tc.cfg, tc.batch)); diff != "" {
			t.Errorf("%s: mismatch (-want +got):\n%s", tc.name, diff)
		}
	}
}

// TestWorkSaturates checks that counts too large for an int64 saturate
// instead of wrapping to negative numbers.
func TestWorkSaturates(t *testing.T) {
	t.Parallel()
	sizes := make([]int, 41)
	acts := make([]backprop.Activation, 40)
	for i := range sizes {
		sizes[i] = 1000 // 1000⁴¹ paths
	}
	c := backprop.Config{Sizes: sizes, Activations: acts}
	if w := PathEnumerationWork(c, 1); w.Paths != math.MaxInt64 || w.MulAdds != math.MaxInt64 {
		t.Errorf("got %+v, want saturated counts", w)
	}
}

func cfg(sizes []int, acts ...backprop.Activation) backprop.Config {
	return backprop.Config{Sizes: sizes, Activations: acts}
}

func fdWork(f numgrad.Formula) func(backprop.Config, int) Count {
	return func(c backprop.Config, b int) Count { return FiniteDifferencesWork(c, b, f) }
}
