package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// A step out of range is an error naming the flag's value and the
// component, never a verdict (--step 1e-300 and 1e-17 once gave WRONG from
// NaN and underflow on a right gradient).
func TestCheckStepOutOfRange(t *testing.T) {
	t.Parallel()
	model, data := writeFixture(t, t.TempDir())
	for _, step := range []string{"1e-300", "1e-17", "5e-324"} {
		_, errs, code := gradcheck("check", "--model", model, "--data", data, "--step", step)
		if code != 2 || !strings.Contains(errs, "resolution of x[") {
			t.Errorf("--step %s: exit %d, stderr %q; want exit 2 naming the resolution", step, code, errs)
		}
	}
	for _, step := range []string{"1", "2", "-1", "NaN"} {
		if _, errs, code := gradcheck("check", "--model", model, "--data", data, "--step", step); code != 2 || !strings.Contains(errs, "--step") {
			t.Errorf("--step %s: exit %d, stderr %q; want exit 2 naming --step", step, code, errs)
		}
	}
}

// --claimed-precision takes float64 or float32 and nothing else.
func TestCheckClaimedPrecisionFlag(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "repro", "near-kink-false-pass")
	args := []string{"check", "--model", filepath.Join(dir, "model.json"), "--data", filepath.Join(dir, "data.csv"), "--claimed", filepath.Join(dir, "claimed.json")}
	for _, tc := range []struct {
		value string
		code  int
	}{{"float64", 0}, {"float32", 0}, {"f32", 0}, {"float16", 2}, {"", 2}} {
		_, errs, code := gradcheck(append(args, "--claimed-precision", tc.value)...)
		if code != tc.code {
			t.Errorf("--claimed-precision %q: exit %d (%s), want %d", tc.value, code, errs, tc.code)
		}
		if tc.code == 2 && !strings.Contains(errs, "--claimed-precision") {
			t.Errorf("--claimed-precision %q: stderr %q does not name the flag", tc.value, errs)
		}
	}
}

// --strict fails a report that is right where decided but has undecided
// components: a right claim of a network whose one pre-activation is at its
// kink to within rounding, where torch's order and ours take different
// pieces (the cross-check's c026).
func TestCheckStrict(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "torch", "c026")
	args := []string{"check", "--model", filepath.Join(dir, "model.json"), "--data", filepath.Join(dir, "data.csv"), "--claimed", filepath.Join(dir, "right.json")}
	out, errs, code := gradcheck(args...)
	if code != 0 || !strings.Contains(out, "undecided") || !strings.Contains(out, "RIGHT where decided") {
		t.Fatalf("without --strict: exit %d (%s); want 0, RIGHT where decided:\n%s", code, errs, out)
	}
	out, _, code = gradcheck(append(args, "--strict")...)
	if code != 1 || !strings.Contains(out, "strict") {
		t.Errorf("with --strict: exit %d; want 1 and the report saying so:\n%s", code, out)
	}
}
