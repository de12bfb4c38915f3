// Package zoo is a bug zoo for gradient checkers: backward passes each with
// one classic mistake, on networks where the mistake shows.
//
// Every mutant wraps a [backprop.Network] and is a [backprop.Model] and a
// [backprop.Layouter] with the network's parameters, flat layout and cost;
// only its Gradient is wrong. That is what a gradient checker has to catch:
// the cost it differentiates numerically is the true one, the analytic
// gradient it is handed is not.
//
// # The reference backward pass
//
// The gradients come from one small backward pass written with plain loops
// (no BLAS), parameterised by the mistake; [Correct] is the same pass with no
// mistake, and equals [backprop.Network.Gradient] to rounding (tested, with
// a bound derived from the error of a sum of products). Each mistake is one
// line of it, marked "BUG:".
//
// # The mutants
//
// [Mutants] lists them; [Lookup] finds one by name. A [Mutant] carries a
// network configuration on which the bug runs and shows, the blocks (layer
// and weights or biases) whose gradient it makes wrong, and a seeded data
// set ([Mutant.Data], [Data]). The tests of this package check, for every
// mutant and the data of seeds 1 to 10, that exactly the blocks of Expect
// differ from the true gradient, each by at least 1% of its largest
// component and by 1e-4: far beyond any sound checker's tolerance. The
// package example prints the zoo with the blocks each mutant gets wrong.
//
// Typical use, by a checker's test or the `gradcheck zoo` command:
//
//	for _, m := range zoo.Mutants() {
//		net := backprop.MustNew(m.Config)
//		model := m.New(net) // wraps net; Gradient has the bug
//		batch := backprop.All(m.Data(1))
//		report := check(model, batch)
//		// report should fail, blaming exactly the blocks in m.Expect;
//		// the highest layer among them holds the bug.
//	}
//
// Some bugs need particular shapes (a transposed weight matrix multiplies
// only if it is square) or a particular loss; on a network where a bug
// cannot run, its Gradient returns an error that says why, as the buggy
// code would fail.
package zoo
