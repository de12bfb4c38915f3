package soundness

import (
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// The oracle knows what the checker is not told: the case's function is a
// backprop.Network's (the hand-written models compute the same function
// in their own layout and order), so the network's term scale bounds the
// claim's own rounding, the network's (or the hand model's) recorded signs
// say which stencils cross a kink, and dual numbers just off the kink give
// its one-sided derivatives. The checker under test never sees any of it.

// oracle is computed once per case.
type oracle struct {
	c     *Case
	perm  []int     // model index → network index (identity but for Hand)
	grad  []float64 // the model's gradient: the correct claim
	scale float64   // G = max |grad| (1 where the gradient is 0)
	// margin[i] bounds |grad_i − ∂f/∂θ_i|: 4γ_K(u)·M_i + 2u|grad_i| from
	// the network's term scale (twice backprop's own bound, for a hand
	// model that sums the same terms in another order).
	margin []float64
	theta  []float64 // the model's θ
}

func newOracle(c *Case) (*oracle, error) {
	m := c.Model()
	o := &oracle{c: c, theta: m.ParamsTo(nil)}
	if h := handOf(m); h != nil {
		o.perm = h.perm()
	} else {
		o.perm = make([]int, len(o.theta))
		for i := range o.perm {
			o.perm[i] = i
		}
	}
	o.grad = make([]float64, len(o.theta))
	if _, err := m.Gradient(o.grad, c.Batch()); err != nil {
		return nil, err
	}
	for _, v := range o.grad {
		o.scale = math.Max(o.scale, math.Abs(v))
	}
	if o.scale == 0 {
		o.scale = 1
	}
	net := c.Network()
	M, K, err := net.TermScale(nil, c.Batch())
	if err != nil {
		return nil, err
	}
	u := numgrad.Float64
	g := float64(K) * u / (1 - float64(K)*u)
	o.margin = make([]float64, len(o.theta))
	for i, j := range o.perm {
		o.margin[i] = 4*g*M[j] + 2*u*math.Abs(o.grad[i])
	}
	return o, nil
}

// targets returns the components to plant an error in: the largest, the
// bias of the unit nearest a kink (−1 for a smooth case) and the smallest
// (in magnitude; often exactly 0, a dead unit's).
func (o *oracle) targets() (largest, nearKink, tiny int) {
	largest, tiny, nearKink = 0, 0, -1
	for i, v := range o.grad {
		if math.Abs(v) > math.Abs(o.grad[largest]) {
			largest = i
		}
		if math.Abs(v) < math.Abs(o.grad[tiny]) {
			tiny = i
		}
	}
	c := o.c
	if c.Smooth() {
		return
	}
	net, b := c.Network(), c.Batch()
	if _, err := net.Cost(b); err != nil {
		panic(err)
	}
	best := math.Inf(1)
	bi := -1
	for l, a := range c.Acts {
		if !a.HasKink() {
			continue
		}
		z := net.PreActivation(l)
		r, cols := z.Dims()
		for s := range r {
			for j := range cols {
				if v := math.Abs(z.At(s, j)); v < best {
					best, bi = v, c.biasIndex(l, j)
				}
			}
		}
	}
	for i, j := range o.perm {
		if j == bi {
			nearKink = i
		}
	}
	return
}

// piece returns the signature of the piece at the model's θ: the
// network's signs, or the hand model's own.
func (o *oracle) piece(theta []float64) []byte {
	c := o.c
	b := c.Batch()
	switch c.Kind {
	case KindHand, KindHandSigned:
		h := &HandSigned{NewHand(c.Network(), c.Layout)}
		h.SetParams(theta)
		if _, err := h.Cost(b); err != nil {
			panic(err)
		}
		return h.Piece(nil)
	}
	net := c.Network()
	net.SetParams(theta)
	if _, err := net.Cost(b); err != nil {
		panic(err)
	}
	return net.Piece(nil)
}

// onKink reports whether component i lies exactly on a kink: every
// stencil of the checker's step sweep (relative steps 2⁻⁴ … 2⁻³⁶, and the
// first comparisons' 6e-6 and 1.2e-5) has a point on another piece.
func (o *oracle) onKink(i int) bool {
	if o.c.Smooth() {
		return false
	}
	p0 := string(o.piece(o.theta))
	th := append([]float64(nil), o.theta...)
	xi := th[i]
	crosses := func(c float64) bool {
		h := numgrad.Step(xi, c)
		for _, v := range []float64{xi + h, xi - h} {
			th[i] = v
			p := string(o.piece(th))
			th[i] = xi
			if p != p0 {
				return true
			}
		}
		return false
	}
	steps := []float64{6e-6, 1.2e-5}
	for c, j := 1.0/16, 0; j < 17; j, c = j+1, c/4 {
		steps = append(steps, c)
	}
	for _, c := range steps {
		if !crosses(c) {
			return false
		}
	}
	return true
}

// oneSided returns the one-sided derivatives of f along −e_i and +e_i at
// θ: the exact derivatives (dual numbers over the network's CostAt) at
// θ ∓ t·e_i, t = 2⁻⁴⁰·max(1, |θ_i|), on the pieces just beside θ.
func (o *oracle) oneSided(i int) (left, right float64) {
	c := o.c
	net, b := c.Network(), c.Batch()
	xi := o.theta[i]
	at := func(v float64) float64 {
		th := make([]backprop.Dual, len(o.theta))
		for k, j := range o.perm {
			th[j] = backprop.Dual{V: o.theta[k]}
		}
		th[o.perm[i]] = backprop.Dual{V: v, D: 1}
		d, err := backprop.CostAt(net, th, b)
		if err != nil {
			panic(err)
		}
		return d.D
	}
	t := numgrad.Step(xi, 0x1p-40)
	return at(xi - t), at(xi + t)
}
