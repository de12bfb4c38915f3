package zoo

import (
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gradcheck/gradcheck/backprop"
)

// Every block in a mutant's Expect must differ from the true gradient, in
// its largest component gap = max_i |g̃_i − g_i|, by at least
// minGap·max_i |g_i| and by minAbsGap. Central differences on these
// networks are accurate to about 1e-10 (backprop's
// TestGradientMatchesCentral), and the default check of cmd/gradcheck
// passes |a − n| ≤ 1e-6·max(1, |a|, |n|): a gap of 1% and of 1e-4 is two
// orders above that rule even where it scales by 1, so a sound checker
// cannot excuse it as noise.
const (
	minGap    = 1e-2
	minAbsGap = 1e-4
)

// TestMutantsExpect checks each mutant's Expect: on its configuration and
// the data of several seeds, the blocks whose gradient differs from the
// network's by more than the rounding bound (see roundingBound) are exactly
// those listed, and each by at least minGap.
func TestMutantsExpect(t *testing.T) {
	t.Parallel()
	for _, m := range Mutants() {
		t.Run(m.Name, func(t *testing.T) {
			least := math.Inf(1)
			for seed := uint64(1); seed <= 10; seed++ {
				net := backprop.MustNew(m.Config)
				b := backprop.All(m.Data(seed))
				want := make([]float64, net.NumParams())
				if _, err := net.Gradient(want, b); err != nil {
					t.Fatal(err)
				}
				bound := roundingBound(net, b)
				got := make([]float64, net.NumParams())
				if _, err := m.New(net).Gradient(got, b); err != nil {
					t.Fatal(err)
				}
				var wrong []Where
				for _, blk := range net.Layout().Blocks {
					differs := false
					var gap, norm float64
					for i := blk.Offset; i < blk.Offset+blk.Len(); i++ {
						d := math.Abs(got[i] - want[i])
						differs = differs || !(d <= bound[i])
						gap = math.Max(gap, d)
						norm = math.Max(norm, math.Abs(want[i]))
					}
					w := Where{blk.Layer, blk.Group}
					if differs {
						wrong = append(wrong, w)
					}
					if slices.Contains(m.Expect, w) {
						if !(gap >= minGap*norm && gap >= minAbsGap) {
							t.Errorf("seed %d: %v: gap %.3g, want at least %g and %g·‖g‖∞ = %.3g", seed, w, gap, minAbsGap, minGap, minGap*norm)
						}
						least = math.Min(least, gap/norm)
					}
				}
				if diff := cmp.Diff(m.Expect, wrong); diff != "" {
					t.Errorf("seed %d: wrong blocks mismatch (-Expect +got):\n%s", seed, diff)
				}
			}
			t.Logf("least relative gap over the expected blocks: %.3g", least)
		})
	}
}
