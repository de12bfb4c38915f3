package properties

import (
	"fmt"
	"reflect"
	"testing"

	"pgregory.net/rapid"
)

// Property is one named property check.
type Property struct {
	Name string
	// Trainer is true for the properties that check the trainer of
	// [Settings] rather than the model alone.
	Trainer bool
	Check   func(t *rapid.T, f Factory, s *Settings)
}

// Properties lists every property, model properties first.
var Properties = []Property{
	{Name: "GradientIsMean", Check: GradientIsMean},
	{Name: "DuplicatesInvariant", Check: DuplicatesInvariant},
	{Name: "OrderInvariant", Check: OrderInvariant},
	{Name: "UpdateExact", Check: UpdateExact},
	{Name: "ZeroRate", Check: ZeroRate},
	{Name: "LinearRate", Check: LinearRate},
	{Name: "Descent", Check: Descent},
	{Name: "AgreesWithNumgrad", Check: AgreesWithNumgrad},
	{Name: "EpochUpdates", Trainer: true, Check: EpochUpdates},
	{Name: "MiniBatchOfN", Trainer: true, Check: MiniBatchOfN},
	{Name: "MiniBatchOfOne", Trainer: true, Check: MiniBatchOfOne},
	{Name: "SeedOrder", Trainer: true, Check: SeedOrder},
	{Name: "EpochOrder", Trainer: true, Check: EpochOrder},
}

// Prop returns p's check on f and s as a rapid property, for rapid.Check,
// rapid.MakeCheck and rapid.MakeFuzz.
func (p Property) Prop(f Factory, s *Settings) func(*rapid.T) {
	return func(t *rapid.T) { p.Check(t, f, s) }
}

// Suite runs every property on models from f as a subtest of t, each with
// rapid's number of checks (-rapid.checks, default 100), except those that
// do not run under s ([Property.Skipped]: named by s.Skip, or needing a
// batch mode that s.Modes leaves out), which are reported as skipped.
// [RunSuite] runs the same examples and returns the outcomes instead.
func Suite(t *testing.T, f Factory, s *Settings) {
	t.Helper()
	for _, p := range Properties {
		if why := p.Skipped(s); why != "" {
			t.Run(p.Name, func(t *testing.T) { t.Skip(why) })
			continue
		}
		t.Run(p.Name, rapid.MakeCheck(p.Prop(f, s)))
	}
}

// Falsify runs prop on the examples that rapid draws from the seeds 0 to
// n−1, in order, without shrinking and without writing rapid's fail files,
// and returns the first failure: the seed and the message. It is for
// reports outside `go test` (the update-rule zoo), where a failure is the
// expected outcome; in tests use rapid.Check, which shrinks.
func Falsify(prop func(*rapid.T), n int) (seed int, msg string, failed bool) {
	for seed = range n {
		if msg, failed = FalsifySeed(prop, seed); failed {
			return seed, msg, true
		}
	}
	return 0, "", false
}

// FalsifySeed runs prop once on the example that rapid draws from seed, as
// Falsify does for each of its seeds, and reports whether it failed and
// with what message. rapid offers no public way to run a property on a
// given seed outside Check, but a custom generator receives a *rapid.T; a
// failing property panics out of it (with rapid's stop value for Fatalf),
// which is caught here.
func FalsifySeed(prop func(*rapid.T), seed int) (msg string, failed bool) {
	type outcome struct {
		msg    string
		failed bool
	}
	gen := rapid.Custom(func(t *rapid.T) (o outcome) {
		defer func() {
			if r := recover(); r != nil {
				if reflect.TypeOf(r).String() == "rapid.invalidData" {
					panic(r) // t.Skip: let rapid draw another example
				}
				o = outcome{msg: fmt.Sprint(r), failed: true}
			}
		}()
		prop(t)
		if t.Failed() {
			return outcome{msg: "the property reported an error", failed: true}
		}
		return outcome{}
	})
	o := gen.Example(seed)
	return o.msg, o.failed
}
