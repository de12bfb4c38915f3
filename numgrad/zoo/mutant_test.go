package zoo

import (
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gradcheck/gradcheck/backprop"
)

// minGap is the least relative gap max_i |g̃_i − g_i| / max_i |g_i| that
// every block in a mutant's Expect must show on its configuration. A
// central-difference gradient on these networks is accurate to about 1e-10
// relative (see backprop's TestGradientMatchesCentral), so a gap of 1% is
// eight orders of magnitude above what any sound checker must tolerate.
const minGap = 1e-2

// TestMutantsExpect checks each mutant's Expect: on its configuration and
// the data of several seeds, the blocks whose gradient differs from the
// network's by more than the rounding bound (see roundingBound) are exactly
// those listed, and each by at least minGap.
func TestMutantsExpect(t *testing.T) {
	t.Parallel()
	for _, m := range Mutants() {
		t.Run(m.Name, func(t *testing.T) {
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
						t.Logf("seed %d: %v: gap %.3g of ‖g‖∞ %.3g", seed, w, gap, norm)
						if !(gap >= minGap*norm) {
							t.Errorf("seed %d: %v: gap %.3g < %g·‖g‖∞ = %.3g", seed, w, gap, minGap, minGap*norm)
						}
					}
				}
				if diff := cmp.Diff(m.Expect, wrong); diff != "" {
					t.Errorf("seed %d: wrong blocks mismatch (-Expect +got):\n%s", seed, diff)
				}
			}
		})
	}
}
