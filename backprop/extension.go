package backprop

// CostComplex returns C(θ; b) in complex arithmetic through [CostAt]: the
// analytic extension of the cost, whose complex step Im C(θ + ih·e_i)/h is
// ∂C/∂θ_i without subtraction error. The network's parameters are not used
// or changed: theta is the point. It is the complex-extension declaration
// of package numgrad.
func (n *Network) CostComplex(theta []Complex, b Batch) (Complex, error) {
	return CostAt(n, theta, b)
}

// CostDual returns C(θ; b) over dual numbers through [CostAt]: with a unit
// dual part in θ_i, the dual part of the result is ∂C/∂θ_i exactly, up to
// rounding. It is the dual-extension declaration of package numgrad.
func (n *Network) CostDual(theta []Dual, b Batch) (Dual, error) {
	return CostAt(n, theta, b)
}

// CloneModel returns [Network.Clone] as a Model: an independent copy with
// the same parameters and cost, for a check that evaluates the cost on
// several goroutines.
func (n *Network) CloneModel() Model { return n.Clone() }

// DenseNetwork returns n: the declaration that the model's cost is the
// cost of this dense network at the model's parameters, which lets a
// checker evaluate perturbations of it fast (package numgrad/netfd). A
// model that embeds a *Network declares it too; one that changes the cost
// must not embed the network, or checkers find the two costs apart and
// ignore the declaration.
func (n *Network) DenseNetwork() *Network { return n }
