package claimed_test

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/claimed"
	"github.com/gradcheck/gradcheck/netio"
)

// TestFlattenOrder: a gradient written per layer by netio.NewGradientFile
// (what `gradcheck grad` prints) comes back in backprop's flat order, bit
// for bit.
func TestFlattenOrder(t *testing.T) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{3, 4, 2}, Activations: []backprop.Activation{backprop.Tanh, backprop.Identity}, Seed: 1})
	g := make([]float64, net.NumParams())
	for i := range g {
		g[i] = float64(i) + 0.5
	}
	got, err := claimed.Flatten(net, netio.NewGradientFile(net, 1, g))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(g, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// TestFlattenShapeErrors: a claim of the wrong shape is an error that names
// the layer and both shapes, never a panic or a silently misread vector.
func TestFlattenShapeErrors(t *testing.T) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{3, 4, 2}, Activations: []backprop.Activation{backprop.Tanh, backprop.Identity}, Seed: 1})
	good := func() *netio.GradientFile {
		return netio.NewGradientFile(net, 1, make([]float64, net.NumParams()))
	}
	for _, tc := range []struct {
		name   string
		change func(f *netio.GradientFile) *netio.GradientFile
		want   []string
	}{
		{"nil", func(*netio.GradientFile) *netio.GradientFile { return nil }, []string{"no gradient"}},
		{"a layer missing", func(f *netio.GradientFile) *netio.GradientFile { f.Layers = f.Layers[:1]; return f },
			[]string{"layers: the gradient has 1, the model 2", "[3 4 2]"}},
		{"a layer too many", func(f *netio.GradientFile) *netio.GradientFile { f.Layers = append(f.Layers, f.Layers[0]); return f },
			[]string{"layers: the gradient has 3, the model 2"}},
		{"layer 0 weights transposed, [in][out]", func(f *netio.GradientFile) *netio.GradientFile {
			f.Layers[0].Weights = make([][]float64, 3)
			for i := range f.Layers[0].Weights {
				f.Layers[0].Weights[i] = make([]float64, 4)
			}
			return f
		}, []string{"layer 0 weights: found 3×4, want 4×3", "transposed", "[out][in]"}},
		{"layer 1 weights, a row missing", func(f *netio.GradientFile) *netio.GradientFile {
			f.Layers[1].Weights = f.Layers[1].Weights[:1]
			return f
		},
			[]string{"layer 1 weights: found 1×4, want 2×4"}},
		{"layer 1 weights empty", func(f *netio.GradientFile) *netio.GradientFile { f.Layers[1].Weights = nil; return f },
			[]string{"layer 1 weights: found 0×0, want 2×4"}},
		{"layer 1 weights ragged", func(f *netio.GradientFile) *netio.GradientFile {
			f.Layers[1].Weights[1] = f.Layers[1].Weights[1][:3]
			return f
		}, []string{"layer 1 weights: row 1 has 3 values, row 0 has 4; want 2×4"}},
		{"layer 0 biases short", func(f *netio.GradientFile) *netio.GradientFile { f.Layers[0].Biases = f.Layers[0].Biases[:3]; return f },
			[]string{"layer 0 biases: found 3, want 4"}},
		{"NaN weight", func(f *netio.GradientFile) *netio.GradientFile { f.Layers[1].Weights[1][2] = math.NaN(); return f },
			[]string{"layers[1].weights[1][2]: NaN is not finite"}},
		{"Inf bias", func(f *netio.GradientFile) *netio.GradientFile { f.Layers[0].Biases[3] = math.Inf(-1); return f },
			[]string{"layers[0].biases[3]: -Inf is not finite"}},
		{"NaN loss", func(f *netio.GradientFile) *netio.GradientFile { f.Loss = math.NaN(); return f },
			[]string{"loss: NaN is not finite"}},
	} {
		g, err := claimed.Flatten(net, tc.change(good()))
		if err == nil {
			t.Errorf("%s: no error, flat gradient of %d values", tc.name, len(g))
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", tc.name, err, w)
			}
		}
	}
}
