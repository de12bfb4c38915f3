package properties

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// Trainer trains a model on a dataset as [backprop.Train] does; the trainer
// properties take one, so that another implementation (a GPU trainer, or a
// deliberately broken one from package zoo) can be checked against the
// same semantics. backprop.Train is a Trainer; [LoopOf] makes one of a
// training loop written over a model type of the user's own.
type Trainer func(m backprop.Model, d *backprop.Dataset, s *backprop.TrainSettings) (backprop.History, error)

// Settings configures the properties. A nil *Settings means every default;
// a zero field means that field's default.
type Settings struct {
	// Trainer is the trainer the trainer properties check (default
	// backprop.Train).
	Trainer Trainer
	// MaxSamples bounds the datasets the model properties draw (default
	// [DefaultMaxSamples]).
	MaxSamples int
	// MaxTrainSamples bounds the datasets the trainer properties draw
	// (default [DefaultMaxTrainSamples]).
	MaxTrainSamples int
	// Modes lists the batch modes the trainer supports (default every
	// mode: MiniBatch, Online and FullBatch). The trainer properties draw
	// only these, and a property that compares two modes, one of them not
	// listed, is skipped by [Suite] and [RunSuite] (see [Property.Skipped]).
	Modes []backprop.Mode
	// Tolerance is how the properties that compare an update with θ − η·g
	// (UpdateExact, LinearRate, EpochUpdates, MiniBatchOfN and
	// MiniBatchOfOne) compare it (default [Bitwise]).
	Tolerance Tolerance
	// Tolerances sets the tolerance of the properties it names, overriding
	// Tolerance for them. Naming a property that compares no update panics.
	Tolerances map[string]Tolerance
	// Check configures the numerical gradient check of [AgreesWithNumgrad]
	// (nil: numgrad's defaults).
	Check *numgrad.CheckSettings
	// Skip names properties that [Suite] reports as skipped instead of
	// running, for a model that is known not to meet them (say, a float32
	// model and the bitwise update properties).
	Skip []string
}

// DefaultMaxTrainSamples bounds the datasets the trainer properties draw:
// above twice [backprop.DefaultBatchSize], so that a full batch spans two
// mini-batches of the default size and a partial third (40 = 2·16 + 8),
// and a trainer that runs mini-batches of 16 in place of a full batch, or
// of a batch larger than 16, is seen.
const DefaultMaxTrainSamples = 40

// tolerant names the properties that compare an update with θ − η·g and so
// have an [Accumulated] mode. (A list apart from [Properties], which refers
// to the properties and so cannot be read from their settings.)
var tolerant = []string{"UpdateExact", "LinearRate", "EpochUpdates", "MiniBatchOfN", "MiniBatchOfOne"}

var allModes = []backprop.Mode{backprop.MiniBatch, backprop.Online, backprop.FullBatch}

func (s *Settings) withDefaults() Settings {
	var c Settings
	if s != nil {
		c = *s
	}
	if c.Trainer == nil {
		c.Trainer = backprop.Train
	}
	if c.MaxSamples <= 0 {
		c.MaxSamples = DefaultMaxSamples
	}
	if c.MaxTrainSamples <= 0 {
		c.MaxTrainSamples = DefaultMaxTrainSamples
	}
	if len(c.Modes) == 0 {
		c.Modes = allModes
	}
	for _, m := range c.Modes {
		if !slices.Contains(allModes, m) {
			panic(fmt.Sprintf("properties: Settings.Modes holds %v, which backprop does not define", m))
		}
	}
	if c.Tolerance != Bitwise && c.Tolerance != Accumulated {
		panic(fmt.Sprintf("properties: Settings.Tolerance is %v", c.Tolerance))
	}
	names := make([]string, 0, len(c.Tolerances))
	for name := range c.Tolerances {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !slices.Contains(tolerant, name) {
			panic(fmt.Sprintf("properties: Settings.Tolerances names %q; only %s compare an update with a tolerance", name, strings.Join(tolerant, ", ")))
		}
		if tol := c.Tolerances[name]; tol != Bitwise && tol != Accumulated {
			panic(fmt.Sprintf("properties: Settings.Tolerances[%q] is %v", name, tol))
		}
	}
	return c
}

// toleranceOf returns the tolerance of the property name.
func (s Settings) toleranceOf(name string) Tolerance {
	if tol, ok := s.Tolerances[name]; ok {
		return tol
	}
	return s.Tolerance
}

// supports reports whether the trainer supports mode m.
func (s Settings) supports(m backprop.Mode) bool { return slices.Contains(s.Modes, m) }

// supported returns those of ms that the trainer supports, in the order of ms.
func (s Settings) supported(ms ...backprop.Mode) []backprop.Mode {
	var out []backprop.Mode
	for _, m := range ms {
		if s.supports(m) {
			out = append(out, m)
		}
	}
	return out
}
