// Package soundness is numgrad's soundness suite (issue #13, acceptance
// points 2 and 3): thousands of random correct gradients, and the same
// gradients with one component planted wrong, checked under every method
// that applies, with and without piece information, and a table of what
// the checker said. It proves, on a committed and seeded mix of cases,
// the guarantee numgrad states:
//
//   - no correct component fails (0 Fail, 0 false WRONG);
//   - Undecided is rare: at most 1 % of a category's components in each
//     piece column, none on ordinary smooth networks;
//   - a planted error above a component's stated floor is never passed,
//     never hidden as an agreeing Kink (unless the component lies exactly
//     on a kink, without piece information, within its one-sided
//     derivatives), never left Undecided where the floor is finite, and
//     an error above twice the floor fails and makes the report WRONG;
//   - the measured floor per category and method, which the README
//     quotes.
//
// # Running it
//
// The short form, [TestSoundnessShort], is part of `go test ./...` and so of
// `make test`: every category and method, a few cases each (54), planted
// sizes r ∈ {1e-2, 1e-5, 1e-8}; under a minute. The full form,
// `make soundness` (TestSoundnessFull with -soundness.full), runs 2,550
// cases with r from 1e-2 to 1e-12 (four sizes per case, in turn, so that
// each size is planted equally often) and writes reports/soundness.md.
// TestSoundnessCase prints one case's report:
//
//	go test ./numgrad/soundness -run TestSoundnessCase -v \
//		-soundness.case=kink-near:17 -soundness.method=fast -soundness.pieces
//
// The flags -soundness.cats, -soundness.n and -soundness.targets narrow or
// widen a run. Both forms fail on any violation (the full form also on a
// category over the Undecided cap, which the short form only logs: one
// case's Undecided components are more than 1 % of a few cases'), printing a Go reproducer of the smallest case of each
// violation class (its network, data, model type, claim, check and the
// assertion that broke), ready to become a regression test.
//
// # The cases
//
// [Mix] is the committed generator mix; each case is drawn from its own
// stream seeded by [MixSeed], its category and its index, so the same
// seed gives the same cases whatever runs with them. Categories:
// smooth-ordinary (tanh, sigmoid, softplus, weights of order 1/√fan-in: no
// kink, nothing saturated), relu-ordinary, kink-exact (pre-activations
// exactly 0: a bias solved in backprop's own summation order; dyadic
// values, exactly 0 in every order; a zero input with zero biases, where
// kinks of consecutive layers meet), kink-near (±1e-3 … ±1e-12 from 0,
// the distance actually reached recorded), tiny-weights (1e-4 … 1e-12,
// ReLU and smooth), saturated (tanh and sigmoid at |z| 20 … 700),
// confident-softmax (one logit 20 … 40 above the rest, one-hot and soft
// targets), hand-written (three MLPs of this package, [Hand], that are
// not backprop.Network, in their own layouts and summation order, under
// the other categories' conditions; they declare their complex and dual
// extensions, one forward pass written over backprop.Scalar as the README
// tells users to, and nothing else: no layout, no term scale, so their
// extensions' rounding is unknown to the checker; the same
// models with a numgrad.Signs recorder, [HandSigned], are their
// pieces-yes column) and wrappers (a struct embedding *backprop.Network,
// [Embedded], which declares everything; one holding it in a named
// field, [Hidden], which declares nothing). Widths up to 64 and batches
// of 1 to 32 are spread over the categories.
//
// # Methods and pieces
//
// Every case runs central, Richardson and fast; complex and dual where
// the model declares the extensions (a network, its embedding and the
// hand-written models). The
// pieces-yes column is the problem as the model declares it (through
// CheckModel or CheckClaimed); pieces-no strips Piece and Ambiguous (and, for a kinky
// network, the fast stencil) from numgrad.ModelProblem's problem and runs
// CheckProblem; the hand-written models are their own pieces-no, and
// the hidden wrapper has no pieces-yes. Settings are the defaults but
// Sweeps: −1, which keeps no step sweep as evidence; verdicts do not
// depend on it.
//
// # Correct and planted claims
//
// A correct claim is the model's own gradient (CheckModel, which also
// computes it twice for nondeterminism). A planted claim moves one
// component — the largest, the bias of the unit nearest a kink, or the
// smallest, in turn by case — by r·G, G = max|g|, a random sign per case
// (CheckClaimed). The claim's true error is not exactly r·G: the correct
// claim carries its own rounding, which the suite bounds with the
// network's term scale as 4γ_K·M_i + 2u|g_i| (twice backprop's own bound,
// for a hand model that sums the same terms in another order) and
// subtracts: "error" below means that lower bound.
//
// # The interpretations fixed by the lead
//
// A wrong component is one whose error exceeds that component's own
// Floor: an error below the floor is undetectable by definition, and a
// Pass guarantees error ≤ Floor. The small multiple of the floor above
// which a planted error must Fail is 2; the table counts the planted
// errors between one and two floors that did not Fail. An Undecided
// component has the floor the report states, infinite or finite: a
// planted error above a finite floor of an Undecided component is a
// violation (such a component says it would have failed), and Undecided
// counts toward the 1 % cap. Exactly on a kink means the component's
// Status is Kink without piece information and every stencil crosses: the
// suite's oracle (the network's own signs, or the hand model's, which the
// checker is not given) finds a point on another piece at every step of
// the sweep (relative 2⁻⁴ … 2⁻³⁶) and of the first comparisons; the claim
// must then lie between the one-sided derivatives, which the oracle takes
// exact from dual numbers just beside θ. A fast check whose projections
// all pass has no components: its floor for an error in component i
// alone is Fast.Detects(1e-6)/max(1, |θ_i|), the size that escapes every
// projection with probability at most 1e-6.
//
// # Violations
//
// Correct claims: "false FAIL" (or non-finite, nondeterministic) of a
// component, "false WRONG" (a report not OK without a failed component:
// a failed fast projection, a flag), "undecided on smooth-ordinary".
// Planted claims: "Pass of a wrong component", "wrong component hidden as
// Kink", "Undecided above a finite floor", "Fail but the report is RIGHT",
// "fast screen passes a wrong component", and a false Fail of another
// component beside the planted one. An error of the checker is a
// violation too.
//
// # Reading the table
//
// reports/soundness.md has one row per category × method × pieces. Correct
// claims: cases, components, Fail, not-OK reports, Undecided (count and
// share), Kink, components screened by a passing fast check, and the
// median and largest component floor relative to G. Planted claims: how
// many, how many Fail, how many above twice their floor (and of them
// Fail: must be all), how many between one and two floors (and of them
// not Fail), exempt kinks, components with no floor (Undecided with an
// infinite floor: undetectable there), violations, the planted
// component's floor relative to G (median and largest: the measured
// floor), and the smallest r at and above which every planted error
// failed. A breakdown by condition (the kink distance, the kind of exact
// kink, the weight scale, the hand model and wrapper conditions) follows,
// then each violation class with the reproducer of its smallest case.
package soundness
