package soundness

import (
	"fmt"

	"github.com/gradcheck/gradcheck/backprop"
)

// CostComplex implements numgrad.ComplexExtender: the hand model's cost
// over complex parameters, by [handCost].
func (h *Hand) CostComplex(theta []backprop.Complex, b backprop.Batch) (backprop.Complex, error) {
	return handCost(h, theta, b)
}

// CostDual implements numgrad.DualExtender: the hand model's cost over
// dual parameters, by [handCost].
func (h *Hand) CostDual(theta []backprop.Dual, b backprop.Batch) (backprop.Dual, error) {
	return handCost(h, theta, b)
}

// handCost is the hand model's cost at θ over backprop.Scalar, as a user
// writes one forward pass once to get the complex step and dual numbers
// (see numgrad.Problem): Hand.Cost's loops in Hand.Cost's order (z = Σ_k
// w·a first, the bias last), the activations by backprop.Activate (the
// same definitions as Hand's act), each branch on the real part. Over
// backprop.Real it is Hand.Cost's value (TestHandCostIsCost). It records no
// signs and leaves h's buffers alone.
func handCost[T backprop.Scalar[T]](h *Hand, theta []T, b backprop.Batch) (T, error) {
	var zero T
	if len(theta) != len(h.theta) {
		return zero, fmt.Errorf("soundness: handCost: %d parameters, the model has %d", len(theta), len(h.theta))
	}
	if err := h.check(b); err != nil {
		return zero, err
	}
	c := zero.Const(0)
	L := len(h.sizes) - 1
	for s := range b.Len() {
		x, y := b.Sample(s)
		prev := make([]T, len(x))
		for k, v := range x {
			prev[k] = zero.Const(v)
		}
		for l := range L {
			next := make([]T, h.sizes[l+1])
			for j := range next {
				z := zero.Const(0)
				for k, v := range prev {
					z = z.Add(theta[h.w(l, j, k)].Mul(v))
				}
				z = z.Add(theta[h.bi(l, j)])
				next[j] = backprop.Activate(h.acts[l], z)
			}
			prev = next
		}
		c = c.Add(handError(h.loss, prev, y))
	}
	return c.Div(zero.Const(float64(b.Len()))), nil
}

// handError is Hand.sampleError over backprop.Scalar.
func handError[T backprop.Scalar[T]](loss backprop.Loss, a []T, y []float64) T {
	e := a[0].Const(0)
	if loss == backprop.SquaredError {
		for k, v := range a {
			d := v.Sub(v.Const(y[k]))
			e = e.Add(d.Mul(d))
		}
		return e
	}
	m := a[0].Re()
	for _, v := range a {
		m = max(m, v.Re())
	}
	s := a[0].Const(0)
	for _, v := range a {
		s = s.Add(v.Sub(v.Const(m)).Exp())
	}
	lse := s.Log().Add(s.Const(m))
	for k, v := range a {
		e = e.Sub(v.Sub(lse).Mul(v.Const(y[k])))
	}
	return e
}
