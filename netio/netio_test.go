package netio

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gradcheck/gradcheck/backprop"
)

const goodModel = `{"sizes": [2, 3, 1], "activations": ["tanh", "identity"], "loss": "squared-error", "seed": 1}`

// TestBadModel feeds one bad model file per case and checks that the error
// names the file and the field or line.
func TestBadModel(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file, want string
	}{
		{"empty file", ``, "m.json: empty file"},
		{"not JSON", `sizes: [2]`, "m.json:1:1: invalid character"},
		{"truncated", `{"sizes": [2, 3`, "m.json:1:16: sizes: unexpected end of file (want a comma or ])"},
		{"unknown field", `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "colour": 1}`, `m.json:1:63: unknown field "colour"`},
		{"trailing data", goodModel + ` {}`, "m.json:1:" /* then */},
		{"sizes of strings", `{"sizes": ["2", 1]}`, `m.json:1:12: sizes[0]: want an integer, found the string "2"`},
		{"one size", `{"sizes": [2], "activations": [], "loss": "mse"}`, "sizes: need at least 2"},
		{"zero size", `{"sizes": [2, 0, 1], "activations": ["tanh", "identity"], "loss": "mse"}`, "sizes[1]: layer size 0 must be positive"},
		{"negative size", `{"sizes": [-2, 1], "activations": ["identity"], "loss": "mse"}`, "sizes[0]: layer size -2 must be positive"},
		{"huge sizes", `{"sizes": [100000, 100000, 100000], "activations": ["tanh", "identity"], "loss": "mse"}`, "sizes: more than"},
		{"unknown activation", `{"sizes": [2, 3, 1], "activations": ["tanh", "swish"], "loss": "mse"}`, `activations[1]: unknown activation "swish"`},
		{"too few activations", `{"sizes": [2, 3, 1], "activations": ["tanh"], "loss": "mse"}`, "activations: have 1, want 2"},
		{"unknown loss", `{"sizes": [2, 1], "activations": ["identity"], "loss": "hinge"}`, `loss: unknown loss "hinge"`},
		{"unknown init", `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "init": "zeros"}`, `init: unknown initialisation "zeros"`},
		{"negative seed", `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "seed": -1}`, `m.json:1:71: seed: "-1" is not an integer in [0, 2^64)`},
		{"too few layers", `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "layers": []}`, "layers: have 0 layers, want 1"},
		{"weight rows", `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "layers": [{"weights": [[1, 2], [3, 4]], "biases": [0]}]}`, "m.json:1:95: layers[0].weights: more than 1 rows, want 1 (shape 1×2: one row per output unit)"},
		{"weight row length", `{"sizes": [2, 2, 1], "activations": ["tanh", "identity"], "loss": "mse", "layers": [{"weights": [[1, 2], [3]], "biases": [0, 0]}, {"weights": [[1, 2]], "biases": [0]}]}`, "layers[0].weights[1]: 1 values, want 2"},
		{"bias length", `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "layers": [{"weights": [[1, 2]], "biases": [0, 1]}]}`, "m.json:1:110: layers[0].biases: more than 1 values, want 1 (shape 1×2)"},
		{"weight overflow", `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "layers": [{"weights": [[1e999, 2]], "biases": [0]}]}`, `m.json:1:88: layers[0].weights[0][0]: "1e999" is beyond the range of float64`},
		{"weight NaN string", `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "layers": [{"weights": [["NaN", 2]], "biases": [0]}]}`, `m.json:1:88: layers[0].weights[0][0]: want a number, found the string "NaN"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ReadModel(strings.NewReader(tc.file), "m.json")
			if err == nil {
				_, err = m.Network()
			}
			if err == nil {
				t.Fatalf("no error, want one containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestBadCSV feeds one bad dataset per case (2 inputs, 1 target).
func TestBadCSV(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file, want string
	}{
		{"empty", ``, "d.csv: no samples"},
		{"header only", "a,b,c\n", "d.csv: no samples"},
		{"ragged", "1,2,3\n4,5\n", "d.csv:2: 2 columns, want 3 (2 inputs, then 1 targets)"},
		{"too many columns", "1,2,3,4\n", "d.csv:1: 4 columns, want 3"},
		{"NaN", "1,2,3\n4,NaN,6\n", `d.csv:2: column 2: "NaN" is not finite`},
		{"Inf", "1,2,+Inf\n", `d.csv:1: column 3: "+Inf" is not finite`},
		{"overflow", "1,2,1e400\n", `d.csv:1: column 3: "1e400" is not a number`},
		{"word in data", "1,2,3\n4,five,6\n", `d.csv:2: column 2: "five" is not a number`},
		{"mixed header", "x,2,y\n1,2,3\n", `d.csv:1: column 1: "x" is not a number`},
		{"bad quote", "1,\"2,3\n", "d.csv:"},
		{"header width", "a,b\n1,2,3\n", "d.csv:1: header has 2 columns, want 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadCSV(strings.NewReader(tc.file), "d.csv", 2, 1)
			if err == nil {
				t.Fatalf("no error, want one containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestBadGradient(t *testing.T) {
	t.Parallel()
	sizes := []int{2, 1}
	for _, tc := range []struct {
		name, file, want string
	}{
		{"empty", ``, "g.json: empty file"},
		{"no layers", `{"loss": 1}`, "g.json: layers: missing"},
		{"wrong shape", `{"loss": 1, "layers": [{"weights": [[1], [2]], "biases": [0]}]}`, "layers[0].weights: 2 rows, want 1 (shape 1×2"},
		{"too many layers", `{"loss": 1, "layers": [{"weights": [[1, 2]], "biases": [0]}, {"weights": [[1]], "biases": [0]}]}`, "layers: have 2 layers, want 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := ReadGradient(strings.NewReader(tc.file), "g.json")
			if err == nil {
				_, err = g.Flat(sizes)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestModelRoundTrip writes a network with awkward weights and reads it
// back: every weight must come back with the same bits.
func TestModelRoundTrip(t *testing.T) {
	t.Parallel()
	net := backprop.MustNew(backprop.Config{Sizes: []int{3, 4, 2}, Activations: []backprop.Activation{backprop.LeakyReLU, backprop.Identity}, Loss: backprop.SoftmaxCrossEntropy, Seed: 7, Init: backprop.InitHe})
	theta := net.ParamsTo(nil)
	special := []float64{math.Copysign(0, -1), 5e-324, math.MaxFloat64, -math.SmallestNonzeroFloat64, 1.0 / 3, 1e-300}
	copy(theta, special)
	net.SetParams(theta)
	var buf bytes.Buffer
	if err := WriteModel(&buf, FromNetwork(net)); err != nil {
		t.Fatal(err)
	}
	m, err := ReadModel(&buf, "round.json")
	if err != nil {
		t.Fatal(err)
	}
	back, err := m.Network()
	if err != nil {
		t.Fatal(err)
	}
	got := back.ParamsTo(nil)
	for i := range theta {
		if math.Float64bits(got[i]) != math.Float64bits(theta[i]) {
			t.Errorf("parameter %d: wrote %v, read %v", i, theta[i], got[i])
		}
	}
	if diff := cmp.Diff(net.Config(), back.Config()); diff != "" {
		t.Errorf("config mismatch (-want +got):\n%s", diff)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	d := &backprop.Dataset{N: 5, In: 3, Out: 2}
	for range d.N * d.In {
		d.X = append(d.X, rng.NormFloat64()*math.Pow(10, float64(rng.IntN(600)-300)))
	}
	for range d.N * d.Out {
		d.Y = append(d.Y, rng.Float64())
	}
	d.X[0] = math.Copysign(0, -1)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, d); err != nil {
		t.Fatal(err)
	}
	back, err := ReadCSV(&buf, "round.csv", 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, back, cmp.Comparer(func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) })); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestGradientLayout(t *testing.T) {
	t.Parallel()
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 3, 1}, Activations: []backprop.Activation{backprop.Tanh, backprop.Identity}, Seed: 3})
	g := make([]float64, net.NumParams())
	for i := range g {
		g[i] = float64(i)
	}
	f := NewGradientFile(net, 0.5, g)
	// Layer 0's weights are 3×2 row-major, then its 3 biases.
	if diff := cmp.Diff([][]float64{{0, 1}, {2, 3}, {4, 5}}, f.Layers[0].Weights); diff != "" {
		t.Errorf("layer 0 weights mismatch (-want +got):\n%s", diff)
	}
	back, err := f.Flat([]int{2, 3, 1})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(g, back); diff != "" {
		t.Errorf("flat round trip mismatch (-want +got):\n%s", diff)
	}
}
