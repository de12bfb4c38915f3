package properties_test

import (
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/properties"
)

func TestConfigRangeValid(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		minD := rapid.IntRange(1, 3).Draw(t, "min depth")
		maxD := rapid.IntRange(minD, 4).Draw(t, "max depth")
		minW := rapid.IntRange(1, 3).Draw(t, "min width")
		maxW := rapid.IntRange(minW, 5).Draw(t, "max width")
		c := properties.ConfigRange(minD, maxD, minW, maxW).Draw(t, "config")
		if err := c.Validate(); err != nil {
			t.Fatalf("drew an invalid configuration: %v", err)
		}
		if L := len(c.Sizes) - 1; L < minD || L > maxD {
			t.Fatalf("%d layers, want %d to %d", L, minD, maxD)
		}
		for _, w := range c.Sizes {
			if w < minW || w > maxW {
				t.Fatalf("width %d, want %d to %d", w, minW, maxW)
			}
		}
	})
}

func TestConfigFromRestricts(t *testing.T) {
	t.Parallel()
	acts := []backprop.Activation{backprop.Tanh, backprop.Softplus}
	g := properties.ConfigFrom(1, 3, 1, 4, acts, []backprop.Loss{backprop.SoftmaxCrossEntropy})
	rapid.Check(t, func(t *rapid.T) {
		c := g.Draw(t, "config")
		for _, a := range c.Activations {
			if !slices.Contains(acts, a) {
				t.Fatalf("activation %v not among %v", a, acts)
			}
		}
		if c.Loss != backprop.SoftmaxCrossEntropy {
			t.Fatalf("loss %v", c.Loss)
		}
	})
}

// TestConfigCoversEveryActivationAndLoss requires every activation and loss
// among 500 examples of Config.
func TestConfigCoversEveryActivationAndLoss(t *testing.T) {
	t.Parallel()
	seenA, seenL := map[backprop.Activation]bool{}, map[backprop.Loss]bool{}
	for seed := range 500 {
		c := properties.Config().Example(seed)
		for _, a := range c.Activations {
			seenA[a] = true
		}
		seenL[c.Loss] = true
	}
	if len(seenA) != len(backprop.Activations()) || len(seenL) != len(backprop.Losses()) {
		t.Errorf("saw activations %v and losses %v", seenA, seenL)
	}
}

func TestConfigRangePanics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"depth 0", func() { properties.ConfigRange(0, 2, 1, 2) }},
		{"depth reversed", func() { properties.ConfigRange(3, 2, 1, 2) }},
		{"width reversed", func() { properties.ConfigRange(1, 2, 3, 2) }},
		{"no activation", func() { properties.ConfigFrom(1, 2, 1, 2, nil, backprop.Losses()) }},
		{"unknown activation", func() {
			properties.ConfigFrom(1, 2, 1, 2, []backprop.Activation{99}, backprop.Losses())
		}},
		{"unknown loss", func() {
			properties.ConfigFrom(1, 2, 1, 2, backprop.Activations(), []backprop.Loss{7})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("did not panic")
				}
			}()
			tc.f()
		})
	}
}
