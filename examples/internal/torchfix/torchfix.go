// Package torchfix reads the PyTorch fixtures of the worked examples
// (examples/testdata/torch, written by scripts/crosscheck/torch_layers.py)
// and checks a layer against them, for the examples' tests: PyTorch's
// float64 VJP, computed by autograd from its own definition of the layer,
// is a claim about the Go layer's forward pass, which the layer check
// judges as any claim (RIGHT, or the Go layer computes another function);
// the Go layer's own backward pass must agree with PyTorch's within the
// floors of that check.
package torchfix

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/gradcheck/gradcheck/layer"
	"github.com/gradcheck/gradcheck/numgrad/vector"
)

// File is one example's fixtures.
type File struct {
	Example string `json:"example"`
	Torch   string `json:"torch"`
	Seed    int    `json:"seed"`
	Cases   []Case `json:"cases"`
}

// Case is one point: a layer's arguments, an upstream gradient, PyTorch's
// output and VJP; or, for the HVP example, a network's parameters, data
// (inputs X and targets Y), a direction, and PyTorch's loss, gradient and
// Hessian–vector product.
type Case struct {
	Args map[string][]float64 `json:"args"`
	Dy   []float64            `json:"dy"`
	Y    []float64            `json:"y"`
	VJP  map[string][]float64 `json:"vjp"`

	Sizes       []int     `json:"sizes"`
	Activations []string  `json:"activations"`
	LossName    string    `json:"loss_name"`
	Theta       []float64 `json:"theta"`
	X           []float64 `json:"x"`
	V           []float64 `json:"v"`
	Loss        float64   `json:"loss"`
	Grad        []float64 `json:"grad"`
	HV          []float64 `json:"hv"`
}

// Load reads examples/testdata/torch/name.json.
func Load(t testing.TB, name string) *File {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(here), "..", "..", "testdata", "torch", name+".json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(f.Cases) == 0 {
		t.Fatalf("%s: no cases", path)
	}
	return &f
}

// CheckLayer checks l against every case of f: args gives the names,
// kinds and shapes of the arguments and outputs (the values are the
// fixture's). For each case, PyTorch's VJP under its dy must be RIGHT by
// layer.Check's VJP check with that dy; l's output must be PyTorch's within
// 2⁻⁴⁰·(1 + max|y|) (the same float64 formulas summed in two orders, over
// a few dozen terms of at most that size, are hundreds of ulps apart at
// most); and l's own Backward must be within twice the floor of each entry
// of PyTorch's (both are within a floor of the truth where both pass).
func CheckLayer(t *testing.T, f *File, l layer.Layer, args []layer.Arg, s *vector.Settings) {
	t.Helper()
	for k, c := range f.Cases {
		var a []layer.Arg
		for _, arg := range args {
			if arg.Kind != layer.Output {
				v, ok := c.Args[arg.Name]
				if !ok {
					t.Fatalf("case %d: no argument %s in the fixture", k, arg.Name)
				}
				arg.Value = v
			}
			a = append(a, arg)
		}
		fn, x, own, err := layer.Problem(l, a)
		if err != nil {
			t.Fatal(err)
		}
		y := make([]float64, fn.Out.Len())
		if err := fn.F(y, x); err != nil {
			t.Fatal(err)
		}
		if len(y) != len(c.Y) || len(c.Dy) != len(y) {
			t.Fatalf("case %d: %d outputs, the fixture %d (dy %d)", k, len(y), len(c.Y), len(c.Dy))
		}
		big := 0.0
		for _, v := range c.Y {
			big = math.Max(big, math.Abs(v))
		}
		for j := range y {
			if !(math.Abs(y[j]-c.Y[j]) <= 0x1p-40*(1+big)) {
				t.Errorf("case %d: output %d: Go %.17g, PyTorch %.17g", k, j, y[j], c.Y[j])
			}
		}
		var claim []float64
		for _, b := range fn.In.Blocks {
			claim = append(claim, c.VJP[b.Name]...)
		}
		if len(claim) != len(x) {
			t.Fatalf("case %d: the fixture's VJP has %d entries, want %d", k, len(claim), len(x))
		}
		st := vector.Settings{}
		if s != nil {
			st = *s
		}
		st.Dirs = [][]float64{c.Dy}
		r, err := vector.CheckVJP(fn, x, func(dst, _, _ []float64) error { copy(dst, claim); return nil }, &st)
		if err != nil {
			t.Fatal(err)
		}
		if !r.OK() || r.Failed > 0 {
			t.Errorf("case %d: PyTorch %s's VJP is not RIGHT:\n%s", k, f.Torch, r)
			continue
		}
		mine := make([]float64, len(x))
		if err := own(mine, x, c.Dy); err != nil {
			t.Fatal(err)
		}
		for _, e := range r.Entries {
			if !(math.Abs(mine[e.Index]-claim[e.Index]) <= 2*e.Floor) {
				t.Errorf("case %d: %s: Go's Backward %.17g, PyTorch %.17g, floor %.3g", k, e.Name(r.Mode), mine[e.Index], claim[e.Index], e.Floor)
			}
		}
	}
}
