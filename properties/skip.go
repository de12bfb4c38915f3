package properties

import (
	"fmt"
	"slices"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
)

// modeNeeds says which batch modes a trainer property runs the trainer in:
// every mode of all, and at least one of any. EpochUpdates draws from
// whatever modes the trainer supports and needs none in particular.
var modeNeeds = map[string]struct{ all, any []backprop.Mode }{
	"MiniBatchOfN":   {all: []backprop.Mode{backprop.FullBatch, backprop.MiniBatch}},
	"MiniBatchOfOne": {all: []backprop.Mode{backprop.Online, backprop.MiniBatch}},
	"SeedOrder":      {any: []backprop.Mode{backprop.Online, backprop.MiniBatch}},
	"EpochOrder":     {any: []backprop.Mode{backprop.Online, backprop.MiniBatch}},
}

// modeGap returns why the property name cannot run with the trainer's
// modes, or "".
func modeGap(name string, set Settings) string {
	need, ok := modeNeeds[name]
	if !ok {
		return ""
	}
	for _, m := range need.all {
		if !set.supports(m) {
			return fmt.Sprintf("it compares the modes %v and the trainer supports %v (Settings.Modes)", need.all, set.Modes)
		}
	}
	if len(need.any) > 0 && len(set.supported(need.any...)) == 0 {
		return fmt.Sprintf("it needs one of the shuffling modes %v and the trainer supports %v (Settings.Modes)", need.any, set.Modes)
	}
	return ""
}

// requireModes fails t if the property name cannot run with the trainer's
// modes: calling it so is the caller's mistake, which [Suite] and
// [RunSuite] avoid by skipping it.
func requireModes(t *rapid.T, name string, set Settings) {
	t.Helper()
	if why := modeGap(name, set); why != "" {
		t.Fatalf("properties: %s cannot run: %s", name, why)
	}
}

// Skipped returns why p does not run under s, or "" when it runs: s.Skip
// names it, or it needs a batch mode that s.Modes leaves out. [Suite]
// reports such a property as skipped, [RunSuite] as an [Outcome] with this
// reason.
func (p Property) Skipped(s *Settings) string {
	set := s.withDefaults()
	if slices.Contains(set.Skip, p.Name) {
		return "skipped by Settings.Skip"
	}
	if !p.Trainer {
		return ""
	}
	return modeGap(p.Name, set)
}
