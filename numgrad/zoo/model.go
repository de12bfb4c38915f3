package zoo

import "github.com/gradcheck/gradcheck/backprop"

// model is a network whose gradient is the package's plain-loop backward
// pass ([model.Gradient]) with at most one bug. Everything else (the
// parameters, the cost, the layout) is the wrapped network's, so the cost is
// always right and only the gradient can be wrong.
//
// The network is held in a named field rather than embedded: embedding
// would promote [backprop.Network.Step], and [backprop.Step] would then
// train with the network's correct gradient instead of the mutant's.
type model struct {
	net  *backprop.Network
	bug  bug
	name string // the mutant's name, for errors
}

// Correct returns the package's reference backward pass without a bug, over
// net (not a copy: the model reads and sets net's parameters). Its gradient
// equals net's to rounding; it exists so that the mutants can be read as
// one-line departures from it.
func Correct(net *backprop.Network) backprop.Model { return &model{net: net, name: "correct"} }

// NumParams returns the network's number of parameters.
func (m *model) NumParams() int { return m.net.NumParams() }

// ParamsTo copies the network's parameters into dst.
func (m *model) ParamsTo(dst []float64) []float64 { return m.net.ParamsTo(dst) }

// SetParams sets the network's parameters.
func (m *model) SetParams(src []float64) { m.net.SetParams(src) }

// Cost returns the network's (correct) cost.
func (m *model) Cost(b backprop.Batch) (float64, error) { return m.net.Cost(b) }

// Layout returns the network's layout: the same flat order as
// [backprop.Network], so parameter vectors and reports are interchangeable.
func (m *model) Layout() backprop.Layout { return m.net.Layout() }

// String returns the mutant's name, or "correct".
func (m *model) String() string { return m.name }

// The network's declarations to package numgrad, made on purpose: the
// model's cost is the network's, so its pieces, its complex and dual
// extensions, the term scale of a correct backward pass, its copies and
// the network itself describe the model's cost as well. (The mutants'
// gradients are wrong; what is declared is the function, and the rounding
// a correct gradient of it carries.)

// Piece returns the network's piece signature of the last forward pass.
func (m *model) Piece(dst []byte) []byte { return m.net.Piece(dst) }

// TermScale returns the network's term scale (see backprop.Network.TermScale).
func (m *model) TermScale(dst []float64, b backprop.Batch) ([]float64, int, error) {
	return m.net.TermScale(dst, b)
}

// CostComplex returns the network's cost at complex parameters.
func (m *model) CostComplex(theta []backprop.Complex, b backprop.Batch) (backprop.Complex, error) {
	return m.net.CostComplex(theta, b)
}

// CostDual returns the network's cost at dual parameters.
func (m *model) CostDual(theta []backprop.Dual, b backprop.Batch) (backprop.Dual, error) {
	return m.net.CostDual(theta, b)
}

// DenseNetwork returns the network whose cost the model's is.
func (m *model) DenseNetwork() *backprop.Network { return m.net }

// CloneModel returns the same mutant over a copy of the network.
func (m *model) CloneModel() backprop.Model {
	return &model{net: m.net.Clone(), bug: m.bug, name: m.name}
}
