package softmax

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/examples/internal/torchfix"
	"github.com/gradcheck/gradcheck/fuzz"
	"github.com/gradcheck/gradcheck/layer"
	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/numgrad/vector"
)

// xs returns 2 rows of 4 logits, one of them confident.
func xs() []float64 {
	rng := rand.New(rand.NewPCG(1, 3))
	x := make([]float64, 8)
	for i := range x {
		x[i] = 2 * rng.NormFloat64()
	}
	x[5] += 12
	return x
}

// TestSoftmax checks the layer's backward pass.
func TestSoftmax(t *testing.T) {
	fuzz.CheckLayer(t, &Softmax{Cols: 4}, []layer.Arg{layer.In("x", xs(), 2, 4), layer.Out("y", 2, 4)}, nil)
}

// TestSoftmaxWithoutDot: leaving −Σ dy·y out of dx fails, naming x and its
// entry.
func TestSoftmaxWithoutDot(t *testing.T) {
	v, r, err := fuzz.VerifyLayer(&Softmax{Cols: 4, mistake: "no-dot"}, []layer.Arg{layer.In("x", xs(), 2, 4), layer.Out("y", 2, 4)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := r.String()
	if v != fuzz.Fail || !strings.Contains(out, "FAIL x: ") || !strings.Contains(out, "worst x[") {
		t.Fatalf("verdict %v, want Fail naming x and its entry:\n%s", v, out)
	}
	t.Logf("the planted mistake, as reported:\n%s", out)
}

// TestSoftmaxPyTorch checks PyTorch's float64 VJPs of torch.softmax
// (examples/testdata/torch/softmax.json), a confident row among them.
func TestSoftmaxPyTorch(t *testing.T) {
	torchfix.CheckLayer(t, torchfix.Load(t, "softmax"), &Softmax{Cols: 4}, []layer.Arg{layer.In("x", xs(), 2, 4), layer.Out("y", 2, 4)}, nil)
}

// TestSoftmaxConfident: in a row whose largest logit leads the others by
// 29 to 32, every entry of dx is of order 1e-13, and dual numbers through
// this forward pass compute them through 1 − p₁, losing ten digits to the
// cancellation, while the backward pass's y·(dy − ⟨dy, y⟩) keeps them.
// With the dual extension alone the check cannot know that rounding and
// leaves such a disagreement Undecided; over runerr.Value (ForwardBounded)
// the reference bounds it, and the check by dual numbers decides every
// entry: RIGHT, nothing Undecided.
func TestSoftmaxConfident(t *testing.T) {
	x := []float64{0, 30, 1, -2}
	args := []layer.Arg{layer.In("x", x, 1, 4), layer.Out("y", 1, 4)}
	s := &vector.Settings{CheckSettings: numgrad.CheckSettings{Method: numgrad.MethodDual}}
	v, r, err := fuzz.VerifyLayer(&Softmax{Cols: 4}, args, s)
	if err != nil {
		t.Fatal(err)
	}
	if v != fuzz.Pass || r.Undecided != 0 {
		t.Errorf("verdict %v with %d Undecided, want Pass with none:\n%s", v, r.Undecided, r)
	}
	_, r, err = fuzz.VerifyLayer(dualOnly{&Softmax{Cols: 4}}, args, s)
	if err != nil {
		t.Fatal(err)
	}
	if r.Undecided == 0 {
		t.Errorf("with the dual extension alone nothing is Undecided: the case does not need the bound:\n%s", r)
	}
}

// dualOnly is a Softmax that declares its dual extension and not the
// bounded one.
type dualOnly struct{ l *Softmax }

func (d dualOnly) Forward(a [][]float64) ([][]float64, error)      { return d.l.Forward(a) }
func (d dualOnly) Backward(a, dy [][]float64) ([][]float64, error) { return d.l.Backward(a, dy) }
func (d dualOnly) ForwardDual(a [][]backprop.Dual) ([][]backprop.Dual, error) {
	return d.l.ForwardDual(a)
}
