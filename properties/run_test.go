package properties_test

import (
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/properties"
)

// TestRunSuiteOutcomes runs the suite on the example's summing model and
// checks the outcomes: the properties that tell it from the right model
// fail with a seed and a message, the others pass, skipped ones say why;
// and the same arguments give the same outcomes.
func TestRunSuiteOutcomes(t *testing.T) {
	t.Parallel()
	s := &properties.Settings{
		Skip:  []string{"AgreesWithNumgrad"},
		Modes: []backprop.Mode{backprop.MiniBatch, backprop.Online},
	}
	r := properties.RunSuite(affines(false), s, 50, 1)
	if len(r) != len(properties.Properties) {
		t.Fatalf("%d outcomes for %d properties", len(r), len(properties.Properties))
	}
	// The example's table: these three tell the summing model from the
	// right one (OrderInvariant not on every example), no other does.
	failed := r.Failed()
	if len(failed) < 2 || failed[0] != "GradientIsMean" || failed[1] != "DuplicatesInvariant" || len(failed) > 3 || len(failed) == 3 && failed[2] != "OrderInvariant" {
		t.Errorf("failed %v; want GradientIsMean, DuplicatesInvariant and perhaps OrderInvariant\n%v", failed, r)
	}
	if r.Passed() {
		t.Error("Passed() with failures")
	}
	for _, o := range r {
		switch o.Name {
		case "AgreesWithNumgrad":
			if o.Skipped != "skipped by Settings.Skip" || o.Checks != 0 {
				t.Errorf("%s: skipped %q after %d checks; want skipped by Settings.Skip", o.Name, o.Skipped, o.Checks)
			}
		case "MiniBatchOfN":
			if !strings.Contains(o.Skipped, "Settings.Modes") {
				t.Errorf("%s: skipped %q; want a reason naming Settings.Modes", o.Name, o.Skipped)
			}
		case "GradientIsMean":
			if !o.Failed || o.Message == "" || o.Checks < 1 || o.Checks > 50 {
				t.Errorf("%s: %+v; want a failure with its message", o.Name, o)
			}
			if msg, failed := properties.FalsifySeed(properties.Properties[0].Prop(affines(false), s), int(o.Seed)); !failed || msg != o.Message {
				t.Errorf("%s: seed %d does not fail again with the same message: %v", o.Name, o.Seed, failed)
			}
		case "EpochUpdates", "UpdateExact":
			if o.Failed || o.Skipped != "" || o.Checks != 50 {
				t.Errorf("%s: %+v; want 50 passing checks", o.Name, o)
			}
		}
	}
	if again := properties.RunSuite(affines(false), s, 50, 1); !slices.Equal(again, r) {
		t.Errorf("two runs differ:\n%v\n%v", r, again)
	}
	if out := r.String(); !strings.Contains(out, "GradientIsMean       FAIL after") || !strings.Contains(out, "MiniBatchOfN         skipped:") {
		t.Errorf("the table:\n%s", out)
	}
}

// TestRunSuitePasses checks that a right model passes RunSuite.
func TestRunSuitePasses(t *testing.T) {
	t.Parallel()
	if r := properties.RunSuite(affines(true), nil, 30, 5); !r.Passed() {
		t.Errorf("the right model fails:\n%v", r)
	}
}

// TestSkipped checks Property.Skipped against Settings.Skip and Modes.
func TestSkipped(t *testing.T) {
	t.Parallel()
	byName := func(name string) properties.Property {
		i := slices.IndexFunc(properties.Properties, func(p properties.Property) bool { return p.Name == name })
		return properties.Properties[i]
	}
	full := []backprop.Mode{backprop.FullBatch}
	for _, tc := range []struct {
		name string
		s    *properties.Settings
		runs bool
	}{
		{"MiniBatchOfN", nil, true},
		{"MiniBatchOfN", &properties.Settings{Modes: []backprop.Mode{backprop.MiniBatch}}, false},
		{"MiniBatchOfOne", &properties.Settings{Modes: []backprop.Mode{backprop.MiniBatch, backprop.FullBatch}}, false},
		{"MiniBatchOfOne", &properties.Settings{Modes: []backprop.Mode{backprop.Online, backprop.MiniBatch}}, true},
		{"SeedOrder", &properties.Settings{Modes: full}, false},
		{"EpochOrder", &properties.Settings{Modes: full}, false},
		{"EpochOrder", &properties.Settings{Modes: []backprop.Mode{backprop.Online}}, true},
		{"EpochUpdates", &properties.Settings{Modes: full}, true},
		{"UpdateExact", &properties.Settings{Modes: full}, true},
		{"UpdateExact", &properties.Settings{Skip: []string{"UpdateExact"}}, false},
	} {
		if why := byName(tc.name).Skipped(tc.s); (why == "") != tc.runs {
			t.Errorf("%s with %+v: skipped %q; want runs %v", tc.name, tc.s, why, tc.runs)
		}
	}
}

// TestSettingsPanics checks that settings naming what does not exist are
// refused when a property runs.
func TestSettingsPanics(t *testing.T) {
	t.Parallel()
	for name, s := range map[string]*properties.Settings{
		"a property without a tolerance": {Tolerances: map[string]properties.Tolerance{"ZeroRate": properties.Accumulated}},
		"a misspelt property":            {Tolerances: map[string]properties.Tolerance{"EpochUpdate": properties.Accumulated}},
		"an unknown tolerance":           {Tolerance: 7},
		"an unknown mode":                {Modes: []backprop.Mode{9}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			properties.Properties[0].Skipped(s)
		}()
	}
}

// TestTrainingFromModes checks that TrainingFrom draws only the modes given
// and refuses none or an unknown one.
func TestTrainingFromModes(t *testing.T) {
	t.Parallel()
	modes := []backprop.Mode{backprop.Online, backprop.FullBatch}
	seen := map[backprop.Mode]bool{}
	rapid.Check(t, func(t *rapid.T) {
		s := properties.TrainingFrom(5, modes).Draw(t, "settings")
		if !slices.Contains(modes, s.Mode) {
			t.Fatalf("drew mode %v; want one of %v", s.Mode, modes)
		}
		seen[s.Mode] = true
	})
	if len(seen) != 2 {
		t.Errorf("drew the modes %v; want both of %v", seen, modes)
	}
	for _, m := range [][]backprop.Mode{nil, {backprop.Mode(5)}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("TrainingFrom(5, %v) did not panic", m)
				}
			}()
			properties.TrainingFrom(5, m)
		}()
	}
}
