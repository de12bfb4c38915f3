package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/claimed/claimedtest"
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

// TestClaimedWording: a --claimed report calls the user's gradient
// "claimed" (and numgrad's value "estimate"), in the table and in the JSON,
// never "analytic" or "numerical", on every planted fixture of package
// claimed: each mistake's failures, causes and hints.
func TestClaimedWording(t *testing.T) {
	fixtures, err := claimedtest.Load(claimedtest.Dir())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range fixtures {
		for _, p := range f.Planted {
			for _, asJSON := range []bool{false, true} {
				args := []string{"check", "--model", f.Path(f.Model), "--data", f.Path(f.Data), "--claimed", f.Path(p.File)}
				if asJSON {
					args = append(args, "--json")
				}
				out, errs, code := gradcheck(args...)
				if code > 1 {
					t.Fatalf("%s %s: exit %d: %s", f.Name, p.Kind, code, errs)
				}
				low := strings.ToLower(out)
				if strings.Contains(low, "analytic") || strings.Contains(low, "numerical") || !strings.Contains(low, "claimed") {
					t.Errorf("%s %s (json %v): the claim is not called claimed throughout:\n%s", f.Name, p.Kind, asJSON, out)
				}
				n++
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d reports read", n)
	}
}
