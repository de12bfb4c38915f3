package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/datasets"
	"github.com/gradcheck/gradcheck/netio"
	"github.com/gradcheck/gradcheck/numgrad"
)

func TestCheckCommand(t *testing.T) {
	model, data := writeFixture(t, t.TempDir())
	for _, method := range []string{"central", "richardson", "complex", "dual", "fast"} {
		out, errs, code := gradcheck("check", "--model", model, "--data", data, "--method", method)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s\n%s", method, code, errs, out)
		}
		for _, want := range []string{"verdict: RIGHT", "25 parameters"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: output lacks %q:\n%s", method, want, out)
			}
		}
		if method != "fast" && !strings.Contains(out, "layer 1 weights  3×3") {
			t.Errorf("%s: no per-layer table:\n%s", method, out)
		}
	}
}

func TestCheckJSON(t *testing.T) {
	model, data := writeFixture(t, t.TempDir())
	out, errs, code := gradcheck("check", "--model", model, "--data", data, "--method", "richardson", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r struct {
		OK     bool
		Method string
		Groups []struct{ Layer, Checked int }
		Replay *numgrad.Record
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if !r.OK || r.Method != "richardson" || len(r.Groups) != 6 || r.Replay == nil || len(r.Replay.Point) != 25 {
		t.Errorf("report %+v", r)
	}
}

// TestCheckFailsOnOverflow: a model whose cost overflows gets a failing,
// NaN-flagged report and exit code 1, not a pass.
func TestCheckFailsOnOverflow(t *testing.T) {
	dir := t.TempDir()
	_, data := writeFixture(t, dir)
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 3, 3, 1}, Activations: []backprop.Activation{backprop.Identity, backprop.Identity, backprop.Identity}, Seed: 5})
	w, b := net.Weights(0)
	for j := range w {
		for i := range w[j] {
			w[j][i] = 1e200
		}
	}
	if err := net.SetWeights(0, w, b); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "huge.json")
	if err := netio.SaveModel(model, net); err != nil {
		t.Fatal(err)
	}
	out, errs, code := gradcheck("check", "--model", model, "--data", data)
	if code != 1 || !strings.Contains(out, "NaN") || !strings.Contains(out, "WRONG") {
		t.Errorf("exit %d (stderr %q), want 1 and a NaN-flagged table:\n%s", code, errs, out)
	}
	// The same on the GPU (package fakedriver's), which overflows alike.
	open, _ := fakeGPU(t)
	out, errs, code = gradcheckOn(open, "check", "--model", model, "--data", data, "--device", "gpu")
	if code != 1 || !strings.Contains(out, "WRONG") || errs != "" {
		t.Errorf("--device gpu: exit %d (stderr %q), want 1 and a failing table:\n%s", code, errs, out)
	}
	noTrace(t, out+errs)
}

// TestCheckClaimedGradient: checkGradient takes a claimed gradient as data
// (what `check --claimed` will read from a file) and fails a wrong one,
// locating it.
func TestCheckClaimedGradient(t *testing.T) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 3, 3, 1}, Activations: []backprop.Activation{backprop.Sigmoid, backprop.Tanh, backprop.Identity}, Seed: 5})
	b := backprop.All(datasets.Textbook())
	g := make([]float64, net.NumParams())
	if _, err := net.Gradient(g, b); err != nil {
		t.Fatal(err)
	}
	r, err := checkGradient(net, b, g, nil)
	if err != nil || !r.OK() {
		t.Fatalf("the network's own gradient as claimed: OK %v, err %v", r != nil && r.OK(), err)
	}
	off := net.Layout().Blocks[2].Offset // layer 1 weights
	g[off+4] *= -1
	r, err = checkGradient(net, b, g, nil)
	if err != nil {
		t.Fatal(err)
	}
	if loc, ok := r.Located(); r.OK() || !ok || loc.Name() != "layer 1 weights" {
		t.Errorf("a flipped component of layer 1: OK %v, located %q", r.OK(), loc.Name())
	}
	if _, err := checkGradient(net, b, g[:3], nil); err == nil || !strings.Contains(err.Error(), "3 components") {
		t.Errorf("short claimed gradient: %v", err)
	}
}

func TestCheckBadFlags(t *testing.T) {
	model, data := writeFixture(t, t.TempDir())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--method", "guess"}, `--method: unknown method "guess"`},
		{[]string{"--projections", "0"}, "--projections: 0 must be a positive number"},
		{[]string{"--step", "-1e-6"}, "--step: -1e-06 must lie in [0, 1)"},
		{[]string{"--step", "NaN"}, "--step: NaN must lie in [0, 1)"},
	} {
		args := append([]string{"check", "--model", model, "--data", data}, tc.args...)
		_, errs, code := gradcheck(args...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errs, tc.want)
		}
	}
	if _, errs, code := gradcheck("check", "--data", data); code != 2 || !strings.Contains(errs, "--model: missing") {
		t.Errorf("no model: exit %d, stderr %q", code, errs)
	}
}

func TestDefaultRunUsesChecker(t *testing.T) {
	out, errs, code := gradcheck()
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"gradient check by central differences", "layer 0 weights", "verdict: RIGHT"} {
		if !strings.Contains(out, want) {
			t.Errorf("default run lacks %q:\n%s", want, out)
		}
	}
}
