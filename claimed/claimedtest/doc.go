// Package claimedtest reads the claimed-gradient fixtures of package
// claimed (claimed/testdata, written by claimed/testdata/gen.py with
// PyTorch), for the tests of claimed and of the gradcheck command.
//
// [Load] reads the manifest, [Fixture.Open] a network and its data, and
// [Agree] measures two evaluations of a loss and gradient against the
// rounding bound of float64 arithmetic.
package claimedtest
