package numgrad

// Agree judges whether a and b, two results that a correct computation
// makes equal up to its rounding — the two sides of an identity, such as
// the symmetry wᵀ(Hv) = vᵀ(Hw) of two claimed Hessian–vector products —
// agree, when the arithmetic that produced them is unknown: with the
// allowance of a claim that declares no term scale at the scale g of the
// terms involved (see "The bounds" in the package documentation: a
// difference below min(2¹³u, √u/4)·g passes, one above √u·g fails, one
// between is Undecided; u is s's ClaimEps). It is the one judge of every
// check, with no estimate's bound: neither side is an estimate. It returns
// the status, the largest difference that passes and the one above which
// it fails. s may be nil (the defaults); its AbsTol and RelTol apply as in
// every check.
func Agree(a, b, g float64, s *CheckSettings) (st Status, tol, failAt float64) {
	c := s.withDefaults(1)
	j := judge(a, b, bound{}, blindAllowance(c.ClaimEps, g), &c)
	return j.status, j.tol, j.failAt
}
