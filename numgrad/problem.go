package numgrad

import (
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
)

// Problem is what a check judges: a function f of a flat vector, the point
// x, the claimed gradient ∇f(x), and what the caller offers besides. Func,
// X and Claimed are required. Every other field is an aid that the check
// uses where it is set and does without where it is not: a tighter bound,
// a decision where finite differences cannot make one, speed. The verdict
// depends only on f, the claim and these fields, never on the Go type that
// computes them: two problems that offer the same get the same report.
//
// [FuncProblem], [ModelProblem] and [NetworkProblem] build problems; a
// caller may also fill one in and pass it to [CheckProblem].
type Problem struct {
	// Func returns f(x). It must not modify or keep x. An error stops the
	// check and is returned; a NaN or ±Inf is a value, which the check
	// flags and fails.
	Func func(x []float64) (float64, error)
	// X is the point and Claimed the claimed gradient at X; they have the
	// same length and are not modified.
	X, Claimed []float64

	// Piece, if not nil, appends to dst the signature of the smooth piece
	// of f that the last call of Func lay on (see [Piecewise]): with it the
	// check knows for certain which stencils cross a kink, and never
	// measures the noise of f across one. Without it a kink is inferred
	// from the shape of the differences.
	Piece func(dst []byte) []byte
	// Ambiguous, if not nil, reports whether the piece that Piece names at X
	// depends on the order of evaluation in unit roundoff u: whether some
	// kink's quantity lies within the rounding of such an evaluation (a
	// pre-activation 0 in one order and 1e-17 in another). A correct claim
	// computed in another order or precision may then be the derivative of
	// the other side's piece, and a component at a kink is accepted on
	// either side.
	Ambiguous func(u float64) (bool, error)
	// Fork, if not nil, returns an independent copy of Func and of Piece,
	// for one goroutine of a concurrent check ([CheckSettings.Concurrent]).
	// The copies must compute the same values bit for bit. Without it the
	// check evaluates f on one goroutine.
	Fork func() (fn func(x []float64) (float64, error), piece func(dst []byte) []byte)

	// Complex and Dual, if not nil, evaluate f's extension to complex and
	// dual arguments (see [ComplexStep], [DualNumbers]): derivatives with
	// no step, for MethodComplex and MethodDual, and to settle what finite
	// differences cannot. They must be safe for concurrent use when the
	// check is concurrent.
	Complex func(x []backprop.Complex) (backprop.Complex, error)
	Dual    func(x []backprop.Dual) (backprop.Dual, error)
	// Bounded, if not nil, is the dual extension over runerr.Value: V and
	// D computed exactly as backprop.Dual computes them (one forward pass
	// written over backprop.Scalar gives Dual and Bounded), with a running
	// bound on the rounding of D in the extension's own order of
	// evaluation. Where it is set it is the dual reference, for MethodDual
	// and for settling what finite differences cannot (Dual serves only
	// where Bounded does not compute f), and a problem without TermScale
	// asks it before Complex: its bound is known, where theirs is the
	// blind band (see "The bounds" in the package documentation). A
	// component whose bound runerr does not trust (runerr.Value.Trusted)
	// gets the blind band. It must be safe for concurrent use as Complex
	// and Dual must.
	Bounded func(x []runerr.Value) (runerr.Value, error)

	// TermScale, if not nil, holds for each component the magnitude M_i of
	// the terms summed into the claimed value, and Chain the number K of
	// roundings along the longest chain of them (see
	// backprop.Network.TermScale): a correct claim computed in unit
	// roundoff u then errs by at most 2γ_K(u)·M_i, and the check allows
	// that and no more. Without it the arithmetic of the claim is unknown,
	// and a disagreement that it could explain is Undecided (see
	// "The bounds" in the package documentation).
	TermScale []float64
	Chain     int

	// Rounding, if not nil, returns a bound on the rounding error of f at X
	// (a network's from running error analysis, package runerr). It stands
	// in for the noise of f where sampling sees f change at no spacing at
	// all, which happens where f is a staircase coarser than its value
	// suggests (a confident softmax's cost of 1e-14 made of logits of 30);
	// the check calls it only then.
	Rounding func() (float64, error)

	// Regrad, if not nil, computes the claim at X again into dst. The
	// check calls it once and reports the components whose two values
	// differ by more than the claim's rounding as Nondeterministic.
	Regrad func(dst []float64) error

	// Stencil, if not nil, sets fp[i] = f(x + h_i e_i), fm[i] = f(x − h_i
	// e_i) and cross[i] (netfd.CrossPlus, netfd.CrossMinus: that point lies
	// on another piece than x) for every i in idx at once, with h_i =
	// Step(x_i, step): the same values as Func and Piece give, with other
	// roundings, faster (package netfd for a dense network). Entries for
	// other indices are left alone.
	Stencil func(fp, fm []float64, cross []uint8, step float64, idx []int) error

	// Layout says what each component is (layers, weights, biases); nil
	// gives a flat report.
	Layout *backprop.Layout
	// BatchSize and DataSize are the number B of samples behind f and the
	// size N of the dataset they were drawn from, so that a factor B, 1/B
	// or B/N can be named as a cause (0: unknown).
	BatchSize, DataSize int

	// flags are conditions the constructor found that fail the check (a
	// NaN in the batch, which the model's cost may hide); notes say which
	// declarations a constructor refused, and why; restore, if not nil,
	// puts back what Func changes (a model's parameters) when a check ends.
	flags, notes []string
	restore      func()
}

// FuncProblem returns the problem of a plain function f with the claimed
// gradient at x, and no aids: what [Check] checks.
func FuncProblem(f func([]float64) float64, claimed, x []float64) *Problem {
	if f == nil {
		panic("numgrad: FuncProblem: nil function")
	}
	return &Problem{Func: func(x []float64) (float64, error) { return f(x), nil }, X: x, Claimed: claimed}
}

// Declarations a [backprop.Model] may make, on purpose, to [ModelProblem]:
// each is read through its interface, so that a model that embeds a
// *backprop.Network makes every declaration the network makes.
type (
	// Piecewise models can tell which smooth piece of the cost the last
	// Cost call lay on: Piece appends a signature of it to dst and returns
	// it; two calls on the same piece give equal signatures. Package
	// numgrad's [Signs] records one; a *backprop.Network has its own.
	Piecewise interface {
		Piece(dst []byte) []byte
	}
	// TermScaler models can say how large the terms summed into each
	// component of their gradient are (see Problem.TermScale).
	TermScaler interface {
		TermScale(dst []float64, b backprop.Batch) ([]float64, int, error)
	}
	// ComplexExtender and DualExtender models evaluate their cost at
	// complex or dual parameters (see Problem.Complex).
	ComplexExtender interface {
		CostComplex(theta []backprop.Complex, b backprop.Batch) (backprop.Complex, error)
	}
	DualExtender interface {
		CostDual(theta []backprop.Dual, b backprop.Batch) (backprop.Dual, error)
	}
	// PieceAmbiguity models can tell whether the piece their cost lies on
	// at their parameters depends on the order of evaluation in unit
	// roundoff u (see Problem.Ambiguous).
	PieceAmbiguity interface {
		PieceAmbiguous(u float64, b backprop.Batch) (bool, error)
	}
	// Cloner models copy themselves for a concurrent check.
	Cloner interface {
		CloneModel() backprop.Model
	}
	// Dense models declare that their cost is the cost of a dense
	// backprop.Network at their parameters, which package netfd evaluates
	// at every perturbation fast.
	Dense interface {
		DenseNetwork() *backprop.Network
	}
)

// ModelProblem returns the problem of m's cost on b at m's current
// parameters θ with the claimed gradient (nil: m's own, from m.Gradient,
// which Regrad then computes again). It takes every declaration m makes
// ([backprop.Layouter], [Piecewise], [PieceAmbiguity], [TermScaler],
// [ComplexExtender], [DualExtender], [Cloner], [Dense]) and checks those it
// can: a copy or a dense network whose cost at θ is not m's is not used,
// and the report says so (an extension is tested the same way by the
// check that first uses it). Func sets m's parameters; the check puts θ back
// before it returns. It panics if m is nil or claimed has the wrong
// length; errors of m are returned.
func ModelProblem(m backprop.Model, b backprop.Batch, claimed []float64) (*Problem, error) {
	if m == nil {
		panic("numgrad: ModelProblem: nil model")
	}
	n := m.NumParams()
	theta := m.ParamsTo(nil)
	p := &Problem{X: theta, BatchSize: b.Len()}
	if b.Data != nil {
		p.DataSize = b.Data.N
	}
	if msg := nonFiniteData(b); msg != "" {
		p.flags = append(p.flags, msg)
	}
	cost := func(m backprop.Model) func([]float64) (float64, error) {
		return func(x []float64) (float64, error) {
			m.SetParams(x)
			return m.Cost(b)
		}
	}
	p.Func = cost(m)
	p.restore = func() { m.SetParams(theta) }
	if claimed == nil {
		claimed = make([]float64, n)
		if _, err := m.Gradient(claimed, b); err != nil {
			return nil, err
		}
		p.Regrad = func(dst []float64) error {
			m.SetParams(theta)
			_, err := m.Gradient(dst, b)
			return err
		}
	} else if len(claimed) != n {
		panic(fmt.Sprintf("numgrad: ModelProblem: len(claimed) = %d, want %d", len(claimed), n))
	}
	p.Claimed = claimed
	m.SetParams(theta)
	f0, err := m.Cost(b)
	if err != nil {
		return nil, err
	}
	if l, ok := m.(backprop.Layouter); ok {
		lay := l.Layout()
		if err := lay.Validate(n); err != nil {
			return nil, fmt.Errorf("numgrad: the model's layout: %w", err)
		}
		p.Layout = &lay
	}
	if pw, ok := m.(Piecewise); ok {
		p.Piece = pw.Piece
	}
	if pa, ok := m.(PieceAmbiguity); ok {
		p.Ambiguous = func(u float64) (bool, error) {
			m.SetParams(theta)
			return pa.PieceAmbiguous(u, b)
		}
	}
	same := func(what string, v float64) bool {
		if v == f0 || math.IsNaN(v) && math.IsNaN(f0) {
			return true
		}
		p.notes = append(p.notes, fmt.Sprintf("the model's %s gives the cost %v at θ, its Cost %v: not used", what, v, f0))
		return false
	}
	if c, ok := m.(Cloner); ok {
		// A copy must compute the very same bits: it is a second evaluator
		// of f, not an approximation of it.
		cm := c.CloneModel()
		cm.SetParams(theta)
		if v, err := cm.Cost(b); err != nil {
			return nil, err
		} else if same("CloneModel", v) {
			p.Fork = func() (func([]float64) (float64, error), func([]byte) []byte) {
				cm := c.CloneModel()
				var piece func([]byte) []byte
				if pw, ok := cm.(Piecewise); ok && p.Piece != nil {
					piece = pw.Piece
				}
				return cost(cm), piece
			}
		}
	}
	// The extensions are tested when a check first uses them (see
	// checker.extension).
	if e, ok := m.(ComplexExtender); ok {
		p.Complex = func(x []backprop.Complex) (backprop.Complex, error) { return e.CostComplex(x, b) }
	}
	if e, ok := m.(DualExtender); ok {
		p.Dual = func(x []backprop.Dual) (backprop.Dual, error) { return e.CostDual(x, b) }
	}
	if t, ok := m.(TermScaler); ok {
		m.SetParams(theta)
		scale, chain, err := t.TermScale(nil, b)
		if err != nil {
			return nil, err
		}
		if len(scale) != n {
			return nil, fmt.Errorf("numgrad: the model's TermScale has %d components, want %d", len(scale), n)
		}
		p.TermScale, p.Chain = scale, chain
	}
	if d, ok := m.(Dense); ok {
		if err := denseStencil(p, d, b, f0, same); err != nil {
			return nil, err
		}
	}
	m.SetParams(theta)
	return p, nil
}

// extensionSlack is how far, in units of eps·|f|, an extension's value at
// x may lie from f(x) for the two to count as one function:
// the same terms summed in two orders differ by at most (n − 1)·u·Σ|terms|,
// and a cost of order one from terms of order one over a few thousand
// terms is well inside 2²⁰·u. A function that is merely different is
// further off than that almost everywhere.
const extensionSlack = 1 << 20

// NetworkProblem returns [ModelProblem] of net: every declaration a
// *backprop.Network makes (its layout, its pieces, its complex and dual
// extensions, its term scale, its clones and netfd's fast stencil). A model
// that embeds the network gets the same problem.
func NetworkProblem(net *backprop.Network, b backprop.Batch, claimed []float64) (*Problem, error) {
	if net == nil {
		panic("numgrad: NetworkProblem: nil network")
	}
	return ModelProblem(net, b, claimed)
}

// lift returns x as constants of T.
func lift[T backprop.Scalar[T]](x []float64) []T {
	var zero T
	out := make([]T, len(x))
	for i, v := range x {
		out[i] = zero.Const(v)
	}
	return out
}

// nonFiniteData names the first NaN or ±Inf in the samples of b, or
// returns "". A model may hide one (tanh saturates at an infinite input,
// a product may skip a zero weight), so the cost and gradient the check
// sees are finite; the data are not, and the check must not pass.
func nonFiniteData(b backprop.Batch) string {
	if b.Data == nil {
		return ""
	}
	for s := range b.Len() {
		if r := b.Row(s); r < 0 || r >= b.Data.N {
			continue // the model reports a bad row itself
		}
		x, y := b.Sample(s)
		for i, v := range x {
			if !finite(v) {
				return fmt.Sprintf("the batch holds %v: sample %d, input %d", v, s, i)
			}
		}
		for i, v := range y {
			if !finite(v) {
				return fmt.Sprintf("the batch holds %v: sample %d, target %d", v, s, i)
			}
		}
	}
	return ""
}

// ClaimOf returns the problem of f's cost on b at f's parameters with the
// gradient that claimant computes at its own (equal) parameters as the
// claim, computed again on the claimant for Regrad: the check of another
// implementation of f's function — a GPU's model of the network f, say —
// as a claim about f, with everything f declares. It panics if either is
// nil or their sizes differ; errors of either are returned.
func ClaimOf(f, claimant backprop.Model, b backprop.Batch) (*Problem, error) {
	if f == nil || claimant == nil {
		panic("numgrad: ClaimOf: nil model")
	}
	if f.NumParams() != claimant.NumParams() {
		panic(fmt.Sprintf("numgrad: ClaimOf: %d parameters against the claimant's %d", f.NumParams(), claimant.NumParams()))
	}
	g := make([]float64, claimant.NumParams())
	if _, err := claimant.Gradient(g, b); err != nil {
		return nil, err
	}
	p, err := ModelProblem(f, b, g)
	if err != nil {
		return nil, err
	}
	p.Regrad = func(dst []float64) error {
		_, err := claimant.Gradient(dst, b)
		return err
	}
	return p, nil
}
