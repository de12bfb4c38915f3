package zoo

import (
	"strings"

	"github.com/gradcheck/gradcheck/properties"
)

// Mutant is a trainer with one mistake in its update rule.
type Mutant struct {
	// Name is a short identifier, Bug one sentence on what is wrong.
	Name, Bug string
	Train     properties.Trainer
}

// Correct is the zoo's trainer without a mistake: backprop.Train's
// semantics written out as the mutants are. It is the control of [Run].
var Correct properties.Trainer = trainer(none)

var mutants = []Mutant{
	{"summed", "the gradient of a batch is summed over its samples instead of averaged", trainer(summed)},
	{"rate-twice", "η is applied twice: θ − η·(η·g)", trainer(rateTwice)},
	{"no-reset", "the gradient accumulator is not reset between batches, so every update adds all earlier gradients", trainer(noReset)},
	{"drop-partial", "the last, smaller mini-batch of an epoch is silently dropped although drop-last is off", trainer(dropPartial)},
	{"partial-over-B", "the last, smaller mini-batch is averaged over B instead of its own size", trainer(partialOverB)},
	{"online-in-batch", "the weights are updated after every sample inside a batch (online semantics in batch mode)", trainer(onlineInBatch)},
	{"seed-ignored", "shuffling ignores the seed and always draws the same orders", trainer(seedIgnored)},
	{"repeat-skip", "an epoch uses its first sample twice and skips its last", trainer(repeatAndSkip)},
	{"reseed-epoch", "the shuffler is seeded afresh at every epoch, so every epoch takes the same order", trainer(reseedEpoch)},
	{"full-as-mini", "a full batch is run as mini-batches of the default size, 16", trainer(fullAsMini)},
}

// Mutants returns every mutant trainer, in a fixed order.
func Mutants() []Mutant { return append([]Mutant(nil), mutants...) }

// Settings configures [Run]. A nil *Settings means every default; a zero
// field means that field's default.
type Settings struct {
	// Factory draws the models trained (default properties.Networks()).
	Factory properties.Factory
	// Examples is the number of examples each property tries on each
	// mutant (default 200): the seeds 0 … Examples−1 of properties.Falsify.
	Examples int
	// Properties are the settings of the properties (nil: every default);
	// the Trainer field is each mutant's. Under properties.Accumulated,
	// say, the mutants must still be killed.
	Properties *properties.Settings
}

// Result is the verdict on one mutant.
type Result struct {
	Mutant, Bug string
	// KilledBy names every trainer property that found a counterexample,
	// in the order of properties.Properties; empty if the mutant survived.
	KilledBy []string
	// Seed and Message are the first killer's counterexample: the example's
	// seed and the first line of the property's message.
	Seed    int
	Message string
}

// Killed reports whether some property killed the mutant.
func (r Result) Killed() bool { return len(r.KilledBy) > 0 }

// Run runs every trainer property of properties.Properties against every
// mutant, each on the same deterministic examples, and returns one result
// per mutant in the order of [Mutants]. The same settings give the same
// results.
func Run(s *Settings) []Result {
	return run(mutants, s)
}

func run(ms []Mutant, s *Settings) []Result {
	f, n := properties.Networks(), 200
	if s != nil && s.Factory != nil {
		f = s.Factory
	}
	if s != nil && s.Examples > 0 {
		n = s.Examples
	}
	var base properties.Settings
	if s != nil && s.Properties != nil {
		base = *s.Properties
	}
	var out []Result
	for _, m := range ms {
		r := Result{Mutant: m.Name, Bug: m.Bug}
		set := base
		set.Trainer = m.Train
		for _, p := range properties.Properties {
			if !p.Trainer || p.Skipped(&set) != "" {
				continue
			}
			seed, msg, failed := properties.Falsify(p.Prop(f, &set), n)
			if !failed {
				continue
			}
			if len(r.KilledBy) == 0 {
				r.Seed = seed
				r.Message, _, _ = strings.Cut(msg, "\n")
			}
			r.KilledBy = append(r.KilledBy, p.Name)
		}
		out = append(out, r)
	}
	return out
}
