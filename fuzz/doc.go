// Package fuzz helps write `go test -fuzz` targets that keep gradients
// honest, and holds gradcheck's own targets (in its tests).
//
// # Building a case from the fuzzer's bytes
//
// A [Source] turns the []byte a fuzz target receives into bounded values:
// integers in a range, moderate floats on a grid, or, through
// [Source.Hostile], the values where float64 arithmetic breaks (NaN, ±Inf,
// −0, subnormals, 1e308). [Source.Network], [Source.Params] and
// [Source.Dataset] build a small network, a parameter vector and a dataset
// within [Limits], so that no input can make one case large or slow;
// [Source.SubBatch] draws a batch of part of the dataset, on which a
// gradient averaged over the dataset instead of the batch shows.
//
// # Checking a gradient
//
// [Compare] holds a model's gradient against the exact gradient of a
// network's cost, computed by forward-mode dual numbers with a running bound
// on their rounding (package numgrad/runerr), so that the tolerance of every
// component is derived from the arithmetic of that very case rather than
// chosen. The verdicts are numgrad's statuses, the one vocabulary of every
// check ([Verdict]): NaN and ±Inf anywhere (parameters, data, cost,
// gradient) give [NonFinite], never [Pass]; a ReLU pre-activation within
// rounding of its kink gives [Kink]; a bound that is not trusted gives
// [Undecided]. [Check] wraps it for a test: it fails the test on [Fail] and
// returns the verdict.
//
// For any [backprop.Model], a user's own included, [CheckGradient] runs
// numgrad's checker (central differences by default) and fails the test on
// a wrong component; a case with NaN or ±Inf, or one the checker cannot
// decide, is reported, never passed, and does not fail the test. [Verify]
// returns the verdict and the report without failing anything. Both take a
// [TB], which *testing.T and *rapid.T satisfy. See the README's section "Fuzzing your own model" and
// FuzzUserModel in example_test.go. For a layer with its own backward pass
// (package layer), [CheckLayer] and [VerifyLayer] do the same with
// layer.Check: FuzzUserLayer in example_test.go.
//
// # The targets
//
// The tests of this package fuzz the model, dataset and gradient file
// parsers (FuzzReadModel, FuzzReadCSV, FuzzReadGradient: one-line errors
// of at most 300 bytes, round trips bit for bit, no file read within a
// limit one byte too small, the bounds on kept values and on a gradient's
// shape, the cross-entropy's targets ≥ 0), the update rule (FuzzTrain, and the
// properties of package properties through rapid.MakeFuzz in
// FuzzProperties), the agreement of backprop with the exact reference and
// with numgrad (FuzzGradient), and the README's user targets
// (FuzzUserModel, FuzzUserLayer); cmd/gradcheck fuzzes the flags (FuzzFlags). Seeds live in
// testdata/fuzz/FuzzX/, listed with their reasons in seeds_test.go. The
// generators ([Source.Config], [Source.DatasetFor]) draw what backprop and
// netio accept: no softmax cross-entropy over one output, no negative
// target for it.
// `make fuzz` runs every target for FUZZTIME each, `make test` for
// FUZZSMOKE each (scripts/fuzz.sh).
//
// Two targets sit behind a build tag, outside the passing suite:
// FuzzGradientMutant (tag mutant) runs FuzzGradient's body on a mutant of
// numgrad/zoo named by GRADCHECK_FUZZ_MUTANT, which the fuzzer must catch;
// FuzzUserModelDatasetMean (tag mutant) is the README's target on a model
// whose gradient is averaged over the dataset (scripts/fuzz-datasetmean.sh
// times the find from an empty corpus).
package fuzz
