package numgrad_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/numgrad/zoo"
)

// TestZooCaughtAndLocated: the default check (central differences) catches
// every mutant of the bug zoo on the data of seeds 1 to 3, fails exactly
// the blocks the mutant gets wrong (zoo.Mutant.Expect), and locates the
// error at the highest of them, the layer whose code holds the bug. The
// other methods catch and locate every mutant too (on seed 1's data).
func TestZooCaughtAndLocated(t *testing.T) {
	t.Parallel()
	for _, m := range zoo.Mutants() {
		want := m.Expect[0]
		for _, w := range m.Expect[1:] {
			if w.Layer > want.Layer || w.Layer == want.Layer && want.Group == backprop.Biases {
				want = w
			}
		}
		for seed := uint64(1); seed <= 3; seed++ {
			methods := allMethods
			if seed > 1 {
				methods = methods[:1] // the default check on more data
			}
			for _, meth := range methods {
				net := backprop.MustNew(m.Config)
				b := backprop.All(m.Data(seed))
				s := &numgrad.CheckSettings{Method: meth}
				r, err := numgrad.CheckModel(m.New(net), b, s)
				if err != nil {
					t.Fatalf("%s: %v", m.Name, err)
				}
				name := fmt.Sprintf("%s, seed %d, %v", m.Name, seed, meth)
				if r.OK() {
					t.Errorf("%s: missed", name)
					continue
				}
				var failed []zoo.Where
				for _, g := range r.Groups {
					if g.Failed > 0 {
						failed = append(failed, zoo.Where{Layer: g.Block.Layer, Group: g.Block.Group})
					}
				}
				if !slices.Equal(failed, m.Expect) {
					t.Errorf("%s: wrong blocks %v, want %v", name, failed, m.Expect)
				}
				g, _ := r.Located()
				if got := (zoo.Where{Layer: g.Block.Layer, Group: g.Block.Group}); got != want {
					t.Errorf("%s: located %v, want %v", name, got, want)
				}
			}
		}
	}
}

// TestZooCorrectPasses: the zoo's bug-free backward pass passes every
// method on every mutant's network and data: the check fails the mutants
// for their bugs, not for the networks.
func TestZooCorrectPasses(t *testing.T) {
	t.Parallel()
	for _, m := range zoo.Mutants() {
		net := backprop.MustNew(m.Config)
		b := backprop.All(m.Data(1))
		for _, meth := range allMethods {
			r, err := numgrad.CheckModel(zoo.Correct(net), b, &numgrad.CheckSettings{Method: meth})
			if err != nil {
				t.Fatal(err)
			}
			if !r.OK() {
				t.Errorf("%s, %v: the correct pass failed:\n%s", m.Name, meth, r)
			}
		}
	}
}
