package properties

import (
	"flag"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// TestFalsifyFromIsRapidCheck checks that RunSuite's runner visits the
// examples rapid.Check visits for the same -rapid.seed and -rapid.checks,
// in the same order: the claim that RunSuite and Suite agree example for
// example. It sets rapid's flags for the duration (so it must not run in
// parallel) and puts them back.
func TestFalsifyFromIsRapidCheck(t *testing.T) {
	for _, name := range []string{"rapid.seed", "rapid.checks"} {
		old := flagValue(name)
		t.Cleanup(func() { _ = flag.Set(name, old) })
	}
	const checks, seed = 40, 12345
	if err := flag.Set("rapid.seed", "12345"); err != nil {
		t.Fatal(err)
	}
	if err := flag.Set("rapid.checks", "40"); err != nil {
		t.Fatal(err)
	}
	var viaRapid, viaRun []uint64
	record := func(into *[]uint64) func(*rapid.T) {
		return func(t *rapid.T) {
			*into = append(*into, rapid.Uint64().Draw(t, "a"), uint64(rapid.IntRange(0, 1000).Draw(t, "b")))
		}
	}
	rapid.Check(t, record(&viaRapid))
	n, _, _, failed := falsifyFrom(record(&viaRun), checks, seed)
	if failed || n != checks {
		t.Fatalf("falsifyFrom ran %d examples, failed %v; want %d, none failing", n, failed, checks)
	}
	if !slices.Equal(viaRapid, viaRun) {
		t.Fatalf("rapid.Check and falsifyFrom draw different examples:\n%v\n%v", viaRapid[:8], viaRun[:8])
	}
}

// TestFalsifyFromSeed checks that the seed falsifyFrom reports is the
// failing example's: rapid.Check from it fails on its first example.
func TestFalsifyFromSeed(t *testing.T) {
	prop := func(t *rapid.T) {
		if rapid.IntRange(0, 100).Draw(t, "n") > 90 {
			t.Fatal("n > 90")
		}
	}
	n, seed, msg, failed := falsifyFrom(prop, 1000, 1)
	if !failed || msg != "n > 90" {
		t.Fatalf("no failure in 1000 examples (failed %v, message %q)", failed, msg)
	}
	if m, again := FalsifySeed(prop, int(seed)); !again || m != msg {
		t.Errorf("the reported seed %d (example %d) does not fail again: %v %q", seed, n, again, m)
	}
	if _, _, _, failed := falsifyFrom(prop, n-1, 1); failed {
		t.Errorf("falsifyFrom says example %d fails first, but one before it fails", n)
	}
}
