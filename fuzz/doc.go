// Package fuzz helps write `go test -fuzz` targets that keep gradients
// honest, and holds gradcheck's own targets (in its tests).
//
// # Building a case from the fuzzer's bytes
//
// A [Source] turns the []byte a fuzz target receives into bounded values:
// integers in a range, moderate floats on a grid, or, through
// [Source.Hostile], the values where float64 arithmetic breaks (NaN, ±Inf,
// −0, subnormals, 1e308). [Source.Network], [Source.Params] and
// [Source.Dataset] build a small network, a parameter vector and a batch
// within [Limits], so that no input can make one case large or slow.
//
// # Checking a gradient
//
// [Compare] holds a model's gradient against the exact gradient of a
// network's cost, computed by forward-mode dual numbers ([Reference]) with a
// running bound on their rounding, so that the tolerance of every component
// is derived from the arithmetic of that very case rather than chosen. NaN
// and ±Inf anywhere (parameters, data, cost, gradient) give the verdict
// [NonFinite], never [Pass]; a ReLU pre-activation within rounding of its
// kink gives [Kink]. [Check] wraps it for a test: it fails the test on
// [Fail] and returns the verdict.
//
// For any [backprop.Model], a user's own included, [CheckGradient] runs
// numgrad's checker (central differences by default) and fails the test on
// a wrong component; a case with NaN or ±Inf is reported, never passed,
// and does not fail the test. Both take a [TB], which *testing.T and
// *rapid.T satisfy. See the README's section "Fuzzing your own model" and
// FuzzUserModel in example_test.go.
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
// with numgrad (FuzzGradient), and the README's user target
// (FuzzUserModel); cmd/gradcheck fuzzes the flags (FuzzFlags). Seeds live in
// testdata/fuzz/FuzzX/, listed with their reasons in seeds_test.go. The
// generators ([Source.Config], [Source.DatasetFor]) draw what backprop and
// netio accept: no softmax cross-entropy over one output, no negative
// target for it.
// `make fuzz` runs every target for FUZZTIME each, `make test` for
// FUZZSMOKE each (scripts/fuzz.sh).
//
// Two targets sit behind build tags, outside the passing suite:
// FuzzGradientMutant (tag mutant) runs FuzzGradient's body on a mutant of
// numgrad/zoo named by GRADCHECK_FUZZ_MUTANT, which the fuzzer must catch;
// FuzzNumgradCentral (tag numgrad_findings) holds the cases where numgrad's
// central-difference check disagrees with the exact reference, for numgrad
// to fix.
package fuzz
