package conv1d

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/examples/internal/torchfix"
	"github.com/gradcheck/gradcheck/fuzz"
	"github.com/gradcheck/gradcheck/layer"
)

// args: x of 2 channels of length 7, a kernel of 3 × 2 × 3, 3 biases; the
// output is 3 channels of length 5.
func args() []layer.Arg {
	rng := rand.New(rand.NewPCG(1, 4))
	v := make([]float64, 14+18+3)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return []layer.Arg{layer.In("x", v[:14], 2, 7), layer.Param("w", v[14:32], 3, 2, 3), layer.Param("b", v[32:]), layer.Out("y", 3, 5)}
}

// TestConv1D checks the layer's backward pass.
func TestConv1D(t *testing.T) {
	fuzz.CheckLayer(t, &Conv1D{Cin: 2, Cout: 3, K: 3}, args(), nil)
}

// TestConv1DFlippedKernel: dx through the flipped kernel fails, naming x
// and its entry; w and b are right.
func TestConv1DFlippedKernel(t *testing.T) {
	v, r, err := fuzz.VerifyLayer(&Conv1D{Cin: 2, Cout: 3, K: 3, mistake: "flipped"}, args(), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := r.String()
	if v != fuzz.Fail || !strings.Contains(out, "FAIL x: ") || !strings.Contains(out, "worst x[") || strings.Contains(out, "FAIL w") || strings.Contains(out, "FAIL b") {
		t.Fatalf("verdict %v, want Fail naming x alone:\n%s", v, out)
	}
	t.Logf("the planted mistake, as reported:\n%s", out)
}

// TestConv1DPyTorch checks PyTorch's float64 VJPs of F.conv1d
// (examples/testdata/torch/conv1d.json).
func TestConv1DPyTorch(t *testing.T) {
	torchfix.CheckLayer(t, torchfix.Load(t, "conv1d"), &Conv1D{Cin: 2, Cout: 3, K: 3}, args(), nil)
}
