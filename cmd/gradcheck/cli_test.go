package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/datasets"
	"github.com/gradcheck/gradcheck/netio"
)

// gradcheck runs the command line in-process and returns its output and
// exit code.
func gradcheck(args ...string) (stdout, stderr string, code int) {
	var o, e bytes.Buffer
	code = run(&env{stdout: &o, stderr: &e}, args)
	return o.String(), e.String(), code
}

// writeFixture writes a model file and the textbook dataset into dir.
func writeFixture(t *testing.T, dir string) (model, data string) {
	t.Helper()
	model, data = filepath.Join(dir, "m.json"), filepath.Join(dir, "d.csv")
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 3, 3, 1}, Activations: []backprop.Activation{backprop.Sigmoid, backprop.Tanh, backprop.Identity}, Seed: 5})
	if err := netio.SaveModel(model, net); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := netio.WriteCSV(&buf, datasets.Textbook()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(data, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return model, data
}

func TestDefaultRun(t *testing.T) {
	out, errs, code := gradcheck()
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{"online", "batch", "minibatch (B = 16)", "iris", "gradient is RIGHT", "Next, your own model"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestGradMatchesLibrary checks that `gradcheck grad` prints the gradient
// that backprop computes, in the model file's layout, bit for bit (JSON
// floats round-trip exactly).
func TestGradMatchesLibrary(t *testing.T) {
	model, data := writeFixture(t, t.TempDir())
	out, errs, code := gradcheck("grad", "--model", model, "--data", data)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	gf, err := netio.ReadGradient(strings.NewReader(out), "stdout")
	if err != nil {
		t.Fatal(err)
	}
	got, err := gf.Flat([]int{2, 3, 3, 1})
	if err != nil {
		t.Fatal(err)
	}
	net, _ := netio.LoadModel(model)
	want := make([]float64, net.NumParams())
	c, _ := net.Gradient(want, backprop.All(datasets.Textbook()))
	if gf.Loss != c {
		t.Errorf("loss %v, want %v", gf.Loss, c)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("parameter %d: printed %v, want %v", i, got[i], want[i])
		}
	}
}

func TestTrainJSONAndSave(t *testing.T) {
	dir := t.TempDir()
	model, data := writeFixture(t, dir)
	saved := filepath.Join(dir, "trained.json")
	out, errs, code := gradcheck("train", "--model", model, "--data", data, "--mode", "online", "--epochs", "3", "--lr", "0.1", "--save", saved, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var h struct {
		Epochs  []struct{ Cost float64 }
		Updates int
	}
	if err := json.Unmarshal([]byte(out), &h); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if len(h.Epochs) != 3 || h.Updates != 3*8 {
		t.Errorf("%d epochs and %d updates, want 3 and 24 (online over 8 samples)", len(h.Epochs), h.Updates)
	}
	// The saved model must reproduce the last cost exactly.
	net, err := netio.LoadModel(saved)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := net.Cost(backprop.All(datasets.Textbook()))
	if c != h.Epochs[2].Cost {
		t.Errorf("saved model's cost %v, last epoch's %v", c, h.Epochs[2].Cost)
	}
}

func TestBadFlags(t *testing.T) {
	model, data := writeFixture(t, t.TempDir())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"train", "--model", model, "--data", data, "--batch", "0"}, "--batch: 0 must be a positive number"},
		{[]string{"train", "--model", model, "--data", data, "--lr", "-0.1"}, "--lr: -0.1 must be positive"},
		{[]string{"train", "--model", model, "--data", data, "--mode", "sideways"}, `--mode: unknown mode "sideways"`},
		{[]string{"train", "--data", data}, "--model: missing"},
		{[]string{"grad", "--model", model}, "--data: missing"},
		{[]string{"grad", "--model", model, "--data", data, "extra"}, `unexpected argument "extra"`},
		{[]string{"grad", "--model", model, "--data", data, "--nope"}, "flag provided but not defined: -nope"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
	} {
		_, errs, code := gradcheck(tc.args...)
		if code != 2 || !strings.Contains(errs, tc.want) || strings.Count(strings.TrimSpace(errs), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line containing %q", tc.args, code, errs, tc.want)
		}
	}
}

func TestVersion(t *testing.T) {
	out, errs, code := gradcheck("version")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"gradcheck ", "Go:", "BLAS:", "GPU:"} {
		if !strings.Contains(out, want) {
			t.Errorf("version output lacks %q:\n%s", want, out)
		}
	}
}
