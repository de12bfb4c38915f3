package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// plantedClaim writes the gradient of writeFixture's model with layer 1
// weight [2][1] doubled, and returns the model, the data and the claim.
func plantedClaim(t *testing.T) (model, data, claim string) {
	t.Helper()
	dir := t.TempDir()
	model, data = writeFixture(t, dir)
	out, errs, code := gradcheck("grad", "--model", model, "--data", data)
	if code != 0 {
		t.Fatalf("grad: exit %d: %s", code, errs)
	}
	var g map[string]any
	if err := json.Unmarshal([]byte(out), &g); err != nil {
		t.Fatal(err)
	}
	w := g["layers"].([]any)[1].(map[string]any)["weights"].([]any)[2].([]any)
	w[1] = 2 * w[1].(float64)
	b, _ := json.Marshal(g)
	claim = filepath.Join(dir, "claim.json")
	if err := os.WriteFile(claim, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return model, data, claim
}

// TestGoldenTables holds the reports a user reads to golden files: the
// check of a model's own gradient and of a claim with one component twice
// too large (its table with what decides each group first and the
// relative error explained once, its failure, cause, sweep and verdicts,
// the user's gradient called "claimed" throughout), and gradcheck zoo (the
// update-rule mutants without the location columns they do not have).
// A change of the checker's numbers shows here: run with -update once it
// is meant.
func TestGoldenTables(t *testing.T) {
	model, data, claim := plantedClaim(t)
	for _, tc := range []struct {
		file string
		args []string
		code int
	}{
		{"check.txt", []string{"check", "--model", model, "--data", data}, 0},
		{"check-claimed-wrong.txt", []string{"check", "--model", model, "--data", data, "--claimed", claim}, 1},
		{"zoo.txt", []string{"zoo"}, 0},
	} {
		out, errs, code := gradcheck(tc.args...)
		if code != tc.code || errs != "" {
			t.Errorf("%s: exit %d, stderr %q", tc.file, code, errs)
		}
		goldenFile(t, tc.file, out)
	}
}
