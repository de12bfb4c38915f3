package attention

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/examples/internal/torchfix"
	"github.com/gradcheck/gradcheck/fuzz"
	"github.com/gradcheck/gradcheck/layer"
)

// args: 3 tokens of width 5, projections to dk = 4 (so that 1/√dk = ½).
func args() []layer.Arg {
	rng := rand.New(rand.NewPCG(1, 5))
	v := make([]float64, 15+3*20)
	for i := range v {
		v[i] = rng.NormFloat64() * 0.7
	}
	return []layer.Arg{layer.In("X", v[:15], 3, 5), layer.Param("Wq", v[15:35], 5, 4), layer.Param("Wk", v[35:55], 5, 4),
		layer.Param("Wv", v[55:], 5, 4), layer.Out("Y", 3, 4)}
}

// TestHead checks the head's backward pass.
func TestHead(t *testing.T) {
	fuzz.CheckLayer(t, &Head{T: 3, D: 5, Dk: 4}, args(), nil)
}

// TestHeadWithoutScale: dQ and dK without their 1/√dk fail: Wq and Wk are
// named as twice the true value (√dk = 2), Wv is right, and X, which sums
// the three, is wrong by no single factor.
func TestHeadWithoutScale(t *testing.T) {
	v, r, err := fuzz.VerifyLayer(&Head{T: 3, D: 5, Dk: 4, mistake: "no-scale"}, args(), nil)
	if err != nil {
		t.Fatal(err)
	}
	out := r.String()
	if v != fuzz.Fail {
		t.Fatalf("verdict %v, want Fail:\n%s", v, out)
	}
	for _, s := range r.Summaries {
		switch s.Name() {
		case "Wq", "Wk":
			if s.Failed != s.Checked || !strings.Contains(s.Cause, "twice the true value") {
				t.Errorf("%s: %d of %d wrong, cause %q; want all, twice the true value", s.Name(), s.Failed, s.Checked, s.Cause)
			}
		case "Wv":
			if s.Failed != 0 {
				t.Errorf("Wv: %d wrong, want none", s.Failed)
			}
		case "X":
			if s.Failed == 0 {
				t.Error("X: none wrong")
			}
		}
	}
	t.Logf("the planted mistake, as reported:\n%s", out)
}

// TestHeadPyTorch checks PyTorch's float64 VJPs of the same head
// (examples/testdata/torch/attention.json).
func TestHeadPyTorch(t *testing.T) {
	torchfix.CheckLayer(t, torchfix.Load(t, "attention"), &Head{T: 3, D: 5, Dk: 4}, args(), nil)
}
