package properties

import (
	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// Trainer trains a model on a dataset as [backprop.Train] does; the trainer
// properties take one, so that another implementation (a GPU trainer, or a
// deliberately broken one from package zoo) can be checked against the
// same semantics. backprop.Train is a Trainer.
type Trainer func(m backprop.Model, d *backprop.Dataset, s *backprop.TrainSettings) (backprop.History, error)

// Settings configures the properties. A nil *Settings means every default;
// a zero field means that field's default.
type Settings struct {
	// Trainer is the trainer the trainer properties check (default
	// backprop.Train).
	Trainer Trainer
	// MaxSamples bounds the datasets the properties draw (default
	// [DefaultMaxSamples]).
	MaxSamples int
	// Check configures the numerical gradient check of [AgreesWithNumgrad]
	// (nil: numgrad's defaults).
	Check *numgrad.CheckSettings
	// Skip names properties that [Suite] reports as skipped instead of
	// running, for a model that is known not to meet them (say, a float32
	// model and the bitwise update properties).
	Skip []string
}

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
	return c
}
