package softmax

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/examples/internal/torchfix"
	"github.com/gradcheck/gradcheck/fuzz"
	"github.com/gradcheck/gradcheck/layer"
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
