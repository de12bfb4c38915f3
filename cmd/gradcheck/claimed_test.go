package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/claimed"
	"github.com/gradcheck/gradcheck/claimed/claimedtest"
	"github.com/gradcheck/gradcheck/netio"
	"github.com/gradcheck/gradcheck/numgrad"
)

// buildGradcheck returns the command built once for the package's tests
// (gradcheckBinary): these tests run the real program, as a user does.
func buildGradcheck(t *testing.T) string {
	t.Helper()
	return gradcheckBinary(t)
}

// execute runs bin with args and stdin, and returns its output and exit code.
func execute(t *testing.T, bin string, stdin io.Reader, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var o, e bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, &o, &e
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("%s %v: %v", bin, args, err)
	}
	return o.String(), e.String(), code
}

// TestCheckClaimedBinary runs `gradcheck check --claimed` over every
// fixture that PyTorch computed (claimed/testdata): the right claims exit 0;
// every planted mistake exits 1 with the group where it enters and its
// likely cause in the report; malformed claims exit 2 with a one-line error
// that names the file and the layer.
func TestCheckClaimedBinary(t *testing.T) {
	bin := buildGradcheck(t)
	fixtures, err := claimedtest.Load(claimedtest.Dir())
	if err != nil {
		t.Fatal(err)
	}
	type testCase struct {
		name      string
		args      []string
		stdin     string // a file to feed on standard input, if any
		code      int
		out, errs []string
	}
	var cases []testCase
	for _, f := range fixtures {
		base := []string{"check", "--model", f.Path(f.Model), "--data", f.Path(f.Data), "--claimed"}
		cases = append(cases, testCase{name: f.Name + "/right", args: append(base, f.Path(f.Grad)), code: 0,
			out: []string{"claimed loss", ": pass (ours", "claim: RIGHT (loss and gradient)"}})
		for _, p := range f.Planted {
			tc := testCase{name: f.Name + "/" + p.Kind, args: append(base, f.Path(p.File)), code: 1, out: []string{p.Cause}}
			if where := p.Where(); where != "" {
				tc.out = append(tc.out, "the error enters at "+where+")", "claim: WRONG")
			} else {
				tc.out = append(tc.out, "claim: WRONG (the loss; the gradient agrees within its floor)")
			}
			cases = append(cases, tc)
		}
	}
	// Standard input, right and wrong.
	f := fixtures[0]
	base := []string{"check", "--model", f.Path(f.Model), "--data", f.Path(f.Data), "--claimed"}
	cases = append(cases,
		testCase{name: "stdin/right", args: append(base, "-"), stdin: f.Path(f.Grad), code: 0, out: []string{"claim: RIGHT"}},
		testCase{name: "stdin/wrong", args: append(base, "-"), stdin: f.Path(f.Planted[0].File), code: 1, out: []string{"the error enters at " + f.Planted[0].Where()}})

	// Bad input: f's model is [3, 4, 4, 2]; its claim is edited.
	dir := t.TempDir()
	var good map[string]any
	raw, err := os.ReadFile(f.Path(f.Grad))
	if err != nil {
		t.Fatal(err)
	}
	edit := func(name string, change func(g map[string]any)) string {
		if err := json.Unmarshal(raw, &good); err != nil {
			t.Fatal(err)
		}
		change(good)
		b, err := json.Marshal(good)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name+".json")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	layer := func(g map[string]any, l int) map[string]any { return g["layers"].([]any)[l].(map[string]any) }
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, bad := range []struct {
		name, path string
		errs       []string
	}{
		{"layer 0 weights transposed", edit("transposed", func(g map[string]any) {
			w := layer(g, 0)["weights"].([]any)
			tr := make([][]any, 3)
			for _, row := range w {
				for i, v := range row.([]any) {
					tr[i] = append(tr[i], v)
				}
			}
			layer(g, 0)["weights"] = tr
		}), []string{"transposed.json: layer 0 weights: found 3×4, want 4×3", "[out][in]"}},
		{"a layer missing", edit("short", func(g map[string]any) { g["layers"] = g["layers"].([]any)[:2] }),
			[]string{"short.json: layers: the gradient has 2, the model 3"}},
		{"layer 1 biases short", edit("bias", func(g map[string]any) { layer(g, 1)["biases"] = layer(g, 1)["biases"].([]any)[:3] }),
			[]string{"bias.json: layer 1 biases: found 3, want 4"}},
		{"ragged layer 2 weights", edit("ragged", func(g map[string]any) {
			w := layer(g, 2)["weights"].([]any)
			w[1] = w[1].([]any)[:2]
		}), []string{"ragged.json: layer 2 weights: row 1 has 2 values, row 0 has 4; want 2×4"}},
		{"a string for a number", edit("string", func(g map[string]any) { layer(g, 0)["biases"].([]any)[2] = "NaN" }),
			[]string{"string.json:1:", `layers[0].biases[2]: want a number, found the string "NaN"`}},
		{"an unknown field", edit("field", func(g map[string]any) { g["gradient"] = 1 }),
			[]string{"field.json:", `unknown field "gradient"`}},
		{"no layers", write("nolayers.json", `{"loss": 1}`), []string{"nolayers.json: layers: missing"}},
		{"not JSON", write("text.json", "loss = 1\n"), []string{"text.json:1:"}},
		{"empty", write("empty.json", ""), []string{"empty.json: empty file"}},
		{"no such file", filepath.Join(dir, "absent.json"), []string{"absent.json", "no such file"}},
	} {
		cases = append(cases, testCase{name: "bad/" + bad.name, args: append(base, bad.path), code: 2, errs: append(bad.errs, "gradcheck check: ")})
	}
	cases = append(cases, testCase{name: "bad/stdin", args: append(base, "-"), stdin: write("garbage", "{"), code: 2, errs: []string{"<stdin>:1:2: the object: unexpected end of file"}})

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var in io.Reader
			if tc.stdin != "" {
				b, err := os.ReadFile(tc.stdin)
				if err != nil {
					t.Fatal(err)
				}
				in = bytes.NewReader(b)
			}
			out, errs, code := execute(t, bin, in, tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errs)
			}
			for _, w := range tc.out {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tc.errs {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr lacks %q: %q", w, errs)
				}
			}
			if tc.code == 2 && strings.Count(errs, "\n") != 1 {
				t.Errorf("want one line on stderr, got %q", errs)
			}
		})
	}
}

// TestCheckClaimedJSON: --json with --claimed writes the loss verdict and
// numgrad's report, with the group where the error enters.
func TestCheckClaimedJSON(t *testing.T) {
	fixtures, err := claimedtest.Load(claimedtest.Dir())
	if err != nil {
		t.Fatal(err)
	}
	f := fixtures[0]
	for _, p := range f.Planted {
		if p.Where() == "" {
			continue
		}
		out, errs, code := gradcheck("check", "--model", f.Path(f.Model), "--data", f.Path(f.Data), "--claimed", f.Path(p.File), "--json")
		if code != 1 {
			t.Fatalf("%s: exit %d: %s", p.Kind, code, errs)
		}
		var r numgrad.ReportJSON
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%s: %v:\n%s", p.Kind, err, out)
		}
		if r.OK || r.Loss == nil || r.Loss.Status != numgrad.Pass || r.Located == nil || r.Located.Layer != *p.Layer || r.Located.Group != *p.Group {
			t.Errorf("%s: ok %v, loss %+v, located %+v; want layer %d %s", p.Kind, r.OK, r.Loss, r.Located, *p.Layer, *p.Group)
		}
	}
}

// readmeRecipe returns the PyTorch recipe of the README: the first python
// block of the section "Checking a gradient from another implementation".
func readmeRecipe(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Checking a gradient from another implementation\n")
	if !ok {
		t.Fatal(`README.md has no section "## Checking a gradient from another implementation"`)
	}
	_, code, ok := strings.Cut(section, "\n```python\n")
	if !ok {
		t.Fatal("the README's section has no python block")
	}
	code, _, ok = strings.Cut(code, "\n```\n")
	if !ok {
		t.Fatal("the README's python block is not closed")
	}
	return code + "\n"
}

// TestReadmeRecipe runs the README's PyTorch recipe, as written there, on
// the fixtures' models and data, and checks the gradients it writes with
// the real binary: every one must be right. It needs /usr/bin/python3 with
// torch (Debian's python3-torch) and is skipped, saying so, without them.
func TestReadmeRecipe(t *testing.T) {
	const python = "/usr/bin/python3"
	recipe := readmeRecipe(t) // also without Python: the block must be there
	if testing.Short() {
		t.Skip("the README's PyTorch recipe is not run in -short mode: importing torch takes seconds")
	}
	if _, err := os.Stat(python); err != nil {
		t.Skipf("the README's PyTorch recipe is not run: %s is not installed (%v)", python, err)
	}
	if out, err := exec.Command(python, "-c", "import torch").CombinedOutput(); err != nil {
		t.Skipf("the README's PyTorch recipe is not run: %s cannot import torch (Debian: apt install python3-torch): %v %s", python, err, bytes.TrimSpace(out))
	}
	fixtures, err := claimedtest.Load(claimedtest.Dir())
	if err != nil {
		t.Fatal(err)
	}
	bin := buildGradcheck(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "recipe.py")
	if err := os.WriteFile(script, []byte(recipe), 0o644); err != nil {
		t.Fatal(err)
	}
	grads := make([]string, len(fixtures))
	for i, f := range fixtures {
		grads[i] = filepath.Join(dir, f.Name+".json")
	}
	// One Python process, since importing torch costs more than the rest:
	// the first fixture as the README runs the script (as __main__, with
	// its command line), the others through its write_gradient.
	const driver = `import runpy, sys
script, args = sys.argv[1], sys.argv[2:]
sys.argv = [script] + args[:3]
ns = runpy.run_path(script, run_name="__main__")
for i in range(3, len(args), 3):
    ns["write_gradient"](*args[i:i+3])
`
	args := []string{"-c", driver, script}
	for i, f := range fixtures {
		args = append(args, f.Path(f.Model), f.Path(f.Data), grads[i])
	}
	if out, err := exec.Command(python, args...).CombinedOutput(); err != nil {
		t.Fatalf("python3 recipe.py: %v\n%s", err, out)
	}
	for i, f := range fixtures {
		out, errs, code := execute(t, bin, nil, "check", "--model", f.Path(f.Model), "--data", f.Path(f.Data), "--claimed", grads[i])
		if code != 0 || !strings.Contains(out, "claim: RIGHT (loss and gradient)") {
			t.Errorf("%s: the recipe's gradient: exit %d\n%s%s", f.Name, code, out, errs)
		}
	}
}

// TestGradAgreesWithFixtures: for every fixture, `gradcheck grad` prints the
// loss and gradient that PyTorch computed, to within the rounding bound of
// two float64 evaluations (claimedtest.Agreement).
func TestGradAgreesWithFixtures(t *testing.T) {
	fixtures, err := claimedtest.Load(claimedtest.Dir())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fixtures {
		out, errs, code := gradcheck("grad", "--model", f.Path(f.Model), "--data", f.Path(f.Data))
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", f.Name, code, errs)
		}
		ours, err := netio.ReadGradient(strings.NewReader(out), "stdout")
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := netio.LoadGradient(f.Path(f.Grad))
		if err != nil {
			t.Fatal(err)
		}
		net, d, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		o, err := claimed.Flatten(net, ours)
		if err != nil {
			t.Fatal(err)
		}
		th, err := claimed.Flatten(net, theirs)
		if err != nil {
			t.Fatal(err)
		}
		ag, err := claimedtest.Agree(net, backprop.All(d), theirs.Loss, th, ours.Loss, o)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if !(ag.Ratio <= 1) {
			t.Errorf("%s: `gradcheck grad` and PyTorch differ by %.3g times the rounding bound at %s", f.Name, ag.Ratio, ag.Worst)
		}
		t.Logf("%s: loss |difference| %.2g, gradient max |difference| %.2g (%.1f u·‖g‖∞), %.2g of the bound", f.Name, ag.Loss, ag.Grad, ag.GradULP, ag.Ratio)
	}
}
