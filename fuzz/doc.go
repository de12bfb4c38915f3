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
// For a model that is not a [backprop.Network], [CheckGradient] compares
// with central differences; see the README's section "Fuzzing your own
// model" and the package example.
//
// # The targets
//
// The tests of this package fuzz the model, dataset and gradient file
// parsers (round trips bit for bit), the trainer and update rule, and the
// agreement of backprop with the reference. `make fuzz` runs every target
// of the module for FUZZTIME each; `make test` for FUZZSMOKE each. Setting
// GRADCHECK_FUZZ_MUTANT to the name of a mutant of numgrad/zoo makes
// FuzzGradient test that mutant instead of the network: the fuzzer must then
// find a failing input.
package fuzz
