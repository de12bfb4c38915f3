// Package properties checks the update rule of gradient descent, across
// batch modes, with property-based tests (pgregory.net/rapid) that run
// against any [backprop.Model]: backprop's networks, a GPU port, or a
// user's own hand-written model.
//
// # Plugging in a model
//
// A [Factory] draws a fresh model for each run of a property and says what
// data it takes:
//
//	func newModel(t *rapid.T) properties.Subject {
//		in := rapid.IntRange(1, 3).Draw(t, "in")
//		m := NewMyModel(in, properties.Params(in+1, properties.Weight()).Draw(t, "θ"))
//		return properties.Subject{Model: m, In: in, Out: 1}
//	}
//
//	func TestMyModel(t *testing.T) { properties.Suite(t, newModel, nil) }
//
// Drawing the shape and parameters with t lets rapid shrink a failure to a
// small model; the properties draw the datasets, batches, rates and
// trainer settings. [Subject.Inputs] and [Subject.Targets] say how to draw
// one sample when the defaults ([Inputs], [Targets]) do not suit the model.
// [Networks] is the factory of backprop's own networks.
//
// Each property is a function of the test handle, the factory and optional
// [Settings]; [Property.Prop] turns it into a func(*rapid.T) for
// rapid.Check, rapid.MakeCheck and rapid.MakeFuzz. [Suite] runs all of
// [Properties] as subtests; [RunSuite] runs the same examples and returns
// the [Results] instead of failing the test, for a test that expects a
// failure. The handle is the concrete *rapid.T because drawing from a
// rapid generator needs one.
//
// # What the model must do
//
// Besides the [backprop.Model] interface the properties rely on three
// things, all of which backprop.Network does:
//
//   - the same parameters and batch give the same bits (Gradient twice,
//     Cost twice);
//   - each sample's contribution to the cost and the gradient is computed
//     on its own, whatever its position in the batch, and the contributions
//     are combined by a sum scaled by 1/B (anywhere: per term, on the
//     output error or at the end);
//   - an update is θ − η·g with η·g rounded before the subtraction, as
//     [backprop.Update] does, whether through [backprop.Step]'s copy-out,
//     copy-in or the model's own [backprop.Stepper].
//
// A model that breaks one on purpose (a float32 GPU model and the bitwise
// properties) can name the properties it skips in [Settings.Skip].
//
// # The properties
//
// Of the model (see each function for the precise statement and its
// tolerance):
//
//   - [GradientIsMean]: the gradient on N samples is the mean of the N
//     one-sample gradients;
//   - [DuplicatesInvariant]: duplicating every sample changes neither the
//     cost nor the gradient;
//   - [OrderInvariant]: the order of the samples in a batch does not matter;
//   - [UpdateExact]: one update is w − η·g bit for bit; [ZeroRate]: η = 0
//     leaves every weight; [LinearRate]: the step is η·g for several η;
//   - [Descent]: −g is a descent direction, C(w) − C(w − ηg) ≈ η‖g‖²;
//   - [AgreesWithNumgrad]: the analytic gradient passes numgrad's check.
//
// Of the trainer ([Settings.Trainer], default backprop.Train, whose
// semantics [backprop.Schedule] and [backprop.NewShuffler] define):
//
//   - [EpochUpdates]: ⌈N/B⌉ updates per epoch (⌊N/B⌋ with drop-last), each
//     θ − η·g with g the mean gradient of its own batch, the last partial
//     batch averaged over its own size, every sample once;
//   - [MiniBatchOfN]: B ≥ N takes the full-batch step; [MiniBatchOfOne]:
//     B = 1 takes the online steps;
//   - [SeedOrder]: the same seed gives the same trajectory bit for bit,
//     different seeds different orders; [EpochOrder]: different epochs
//     different orders.
//
// They draw datasets of up to [Settings.MaxTrainSamples] samples (default
// [DefaultMaxTrainSamples] = 40, above twice the default batch size) and
// settings in the modes the trainer supports ([Settings.Modes]); a
// property that compares a mode the trainer lacks is skipped.
//
// The trainer properties hand the trainer a wrapper of the model that
// records its calls. The wrapper is a plain Model, not a Stepper, so each
// update shows as Gradient calls followed by SetParams; the batches must
// select rows of the dataset the trainer was given. A training loop over a
// model type of the user's own, with the user's own step, goes in through
// [LoopOf] instead: the loop takes its step as an argument, and each call
// of it is one update. Package zoo holds trainers with one planted mistake
// each and shows which property kills each one.
//
// # Tolerances
//
// Comparisons that can be exact are bitwise. The others allow the error
// bound of the arithmetic between the two sides and nothing more, with
// u = 2⁻⁵³ and γₙ = n·u/(1 − n·u) (Higham's bound on a sum of n + 1 terms
// in any order). The properties that compare reductions over samples draw
// N = 2ᵏ: then the scaling by 1/N is exact and commutes with the model's
// other roundings, so that the batch sums exactly the per-sample gradients
// gₛ/N, and two means of the same samples differ by at most
// 2·γ_N·Σₛ|gₛᵢ|/N. For other N the rounding of 1/N spreads through the
// model by an amount that depends on its conditioning, which a black-box
// check cannot bound. Every bound adds 2⁻¹⁰²⁶ for roundings below the
// normal range.
//
// An update is compared with θ − η·g bit for bit ([Bitwise]) unless
// [Settings.Tolerance] or [Settings.Tolerances] say [Accumulated]: then a
// trainer that sums the batch's one-sample gradients itself is allowed the
// rounding of that sum, 2·γ_{B+2}·η·Σₛ|gₛᵢ|/B, and of its subtraction from
// θ, around either θ − η·g or θ − η·(Σₛ gₛ)/B (see [Accumulated] for the
// count of roundings). This needs no power of two: both sides are sums of
// the same one-sample gradients, which the model computes on their own.
//
// # Generators
//
// The generators follow rapid's families (X, XMax or XMin, XRange), check
// their arguments when built and shrink towards small, plain values:
// [Config] (network shapes, activations, losses), [Weight] (zero, tiny
// and subnormal, ordinary and large weights) and [Params], [Inputs],
// [Targets], [NonNegative], [OneHot] and [Data] (datasets of 1 to N
// samples with duplicates), [BatchSize] (1, N, divisors and non-divisors
// of N, B > N), [Rate] (learning rates from 0) and [Training] (whole
// trainer settings).
//
// # Failures
//
// A failing property names what broke, with the values on both sides and
// the tolerance, and prints the case so that it can be pasted into a test:
// a model file and a CSV dataset for a backprop.Network (see package
// netio), the parameters and dataset as Go literals for any other model.
// rapid shrinks it first, to the fewest layers, units and samples that
// still fail. [Falsify] runs a property on fixed examples without
// shrinking, for reports outside go test, and [RunSuite] the whole suite on
// rapid's own examples.
package properties
