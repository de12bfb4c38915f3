package layernorm

import (
	"bufio"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/examples/internal/torchfix"
	"github.com/gradcheck/gradcheck/fuzz"
	"github.com/gradcheck/gradcheck/layer"
	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/numgrad/vector"
)

// TestLayerNorm is the check as a user writes it (at most 15 non-blank
// lines, no helper for LayerNorm: TestLayerNormCheckIsShort counts them):
// random arguments, then fuzz.CheckLayer, which fails the test with the
// report if the backward pass is wrong.
func TestLayerNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	v := make([]float64, 25)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	args := []layer.Arg{layer.In("x", v[:15], 3, 5), layer.Param("gamma", v[15:20]), layer.Param("beta", v[20:]), layer.Out("y", 3, 5)}
	fuzz.CheckLayer(t, &LayerNorm{Eps: 1e-5}, args, nil)
}

// args returns the arguments of TestLayerNorm.
func args() []layer.Arg {
	rng := rand.New(rand.NewPCG(1, 2))
	v := make([]float64, 25)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return []layer.Arg{layer.In("x", v[:15], 3, 5), layer.Param("gamma", v[15:20]), layer.Param("beta", v[20:]), layer.Out("y", 3, 5)}
}

// verify runs the check of the layer with the given mistake and returns
// its verdict and report.
func verify(t *testing.T, mistake string, s *vector.Settings) (fuzz.Verdict, *vector.Report) {
	t.Helper()
	v, r, err := fuzz.VerifyLayer(&LayerNorm{Eps: 1e-5, mistake: mistake}, args(), s)
	if err != nil {
		t.Fatal(err)
	}
	return v, r
}

// summary returns the report's summary of block name.
func summary(t *testing.T, r *vector.Report, name string) vector.Summary {
	t.Helper()
	for _, s := range r.Summaries {
		if s.Name() == name {
			return s
		}
	}
	t.Fatalf("no block %s in\n%s", name, r)
	return vector.Summary{}
}

// TestLayerNormMeanTermDropped: a dx without its mean term fails, naming
// block x and its worst entry, with gamma and beta right, and no word of a
// network's backward pass (δ, activation derivatives, layers).
func TestLayerNormMeanTermDropped(t *testing.T) {
	v, r := verify(t, "mean", nil)
	out := r.String()
	if v != fuzz.Fail {
		t.Fatalf("verdict %v, want Fail:\n%s", v, out)
	}
	if s := summary(t, r, "x"); s.Failed == 0 {
		t.Errorf("x has no failure:\n%s", out)
	}
	for _, ok := range []string{"gamma", "beta"} {
		if s := summary(t, r, ok); s.Failed != 0 || s.Passed != s.Checked {
			t.Errorf("%s: %d of %d wrong, want all right:\n%s", ok, s.Failed, s.Checked, out)
		}
	}
	if !strings.Contains(out, "FAIL x: ") || !strings.Contains(out, "worst x[") || !strings.Contains(out, "wrong in") && !strings.Contains(out, "x: ") {
		t.Errorf("the report does not name x and its entry:\n%s", out)
	}
	for _, bad := range []string{"δ", "activation", "layer", "derivative f′"} {
		if strings.Contains(out, bad) {
			t.Errorf("the report of a LayerNorm says %q:\n%s", bad, out)
		}
	}
	t.Logf("the planted mistake, as reported:\n%s", out)
}

// TestLayerNormGammaSignFlipped: dγ with its sign flipped fails as a sign
// flip of gamma; x and beta are right.
func TestLayerNormGammaSignFlipped(t *testing.T) {
	v, r := verify(t, "gamma-sign", nil)
	out := r.String()
	s := summary(t, r, "gamma")
	if v != fuzz.Fail || s.Failed != s.Checked || !strings.Contains(s.Cause, "a sign flip") {
		t.Fatalf("want gamma failed throughout as a sign flip, got verdict %v, cause %q:\n%s", v, s.Cause, out)
	}
	if !strings.Contains(out, "FAIL gamma: ") || !strings.Contains(out, "likely cause: claimed = -1 × estimate throughout: a sign flip") {
		t.Errorf("the report does not name the sign flip of gamma:\n%s", out)
	}
	for _, ok := range []string{"x", "beta"} {
		if s := summary(t, r, ok); s.Failed != 0 {
			t.Errorf("%s: %d wrong, want none:\n%s", ok, s.Failed, out)
		}
	}
	t.Logf("the planted mistake, as reported:\n%s", out)
}

// TestLayerNormFullJacobian: with Settings.Full the check covers the full
// Jacobian, all m × n = 15 × 25 entries, each located by its output and
// input, every one right; and under every method (the exact ones through
// ForwardComplex and ForwardBounded, the dual reference) the random check
// is RIGHT.
func TestLayerNormFullJacobian(t *testing.T) {
	v, r := verify(t, "", &vector.Settings{Full: true})
	if v != fuzz.Pass || r.Mode != vector.Jacobian || len(r.Entries) != 15*25 || r.Passed != 15*25 {
		t.Fatalf("verdict %v, mode %v, %d entries, %d pass; want Pass, jacobian, 375 and 375:\n%s", v, r.Mode, len(r.Entries), r.Passed, r)
	}
	seen := map[string]bool{}
	for _, e := range r.Entries {
		seen[e.Name(r.Mode)] = true
	}
	if len(seen) != 375 || !seen["∂y[2][4]/∂gamma[4]"] || !seen["∂y[0][0]/∂x[2][3]"] {
		t.Errorf("%d distinct entry names, want 375 with ∂y[2][4]/∂gamma[4] and ∂y[0][0]/∂x[2][3]", len(seen))
	}
	for _, m := range []numgrad.Method{numgrad.MethodCentral, numgrad.MethodRichardson, numgrad.MethodComplex, numgrad.MethodDual} {
		if v, r := verify(t, "", &vector.Settings{CheckSettings: numgrad.CheckSettings{Method: m}}); v != fuzz.Pass {
			t.Errorf("%v: verdict %v:\n%s", m, v, r)
		}
		for _, mistake := range []string{"mean", "gamma-sign"} {
			if v, r := verify(t, mistake, &vector.Settings{CheckSettings: numgrad.CheckSettings{Method: m}}); v != fuzz.Fail {
				t.Errorf("%v, mistake %s: verdict %v:\n%s", m, mistake, v, r)
			}
		}
	}
}

// TestLayerNormCheckIsShort holds TestLayerNorm, the check as a user
// writes it, to at most 15 non-blank lines from its signature to its
// closing brace (issue #15's acceptance).
func TestLayerNormCheckIsShort(t *testing.T) {
	f, err := os.Open("layernorm_test.go")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, in := 0, false
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := sc.Text()
		if strings.HasPrefix(line, "func TestLayerNorm(") {
			in = true
		}
		if in && strings.TrimSpace(line) != "" {
			n++
		}
		if in && line == "}" {
			break
		}
	}
	if n == 0 || n > 15 {
		t.Errorf("TestLayerNorm has %d non-blank lines, want 1 to 15", n)
	}
}

// TestLayerNormPyTorch checks PyTorch's float64 VJPs of F.layer_norm
// (examples/testdata/torch/layernorm.json) against the Go layer.
func TestLayerNormPyTorch(t *testing.T) {
	torchfix.CheckLayer(t, torchfix.Load(t, "layernorm"), &LayerNorm{Eps: 1e-5}, args(), nil)
}
