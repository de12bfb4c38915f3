package soundness

import (
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
)

// The conditions a generator puts a network in, after drawing its shape,
// activations, parameters and data: each changes parameters or data only.

// kinkyUnits picks k distinct (layer, unit) pairs of the kinky layers
// (fewer if there are fewer), in layer order.
func (g *gen) kinkyUnits(k int) [][2]int {
	c := g.c
	var all [][2]int
	for l, a := range c.Acts {
		if !a.HasKink() {
			continue
		}
		for j := range c.Sizes[l+1] {
			all = append(all, [2]int{l, j})
		}
	}
	pick := map[int]bool{}
	for _, i := range g.rng.Perm(len(all))[:min(k, len(all))] {
		pick[i] = true
	}
	var out [][2]int
	for i, u := range all {
		if pick[i] {
			out = append(out, u)
		}
	}
	return out
}

// batchLen is the case's batch size.
func (c *Case) batchLen() int {
	if c.Rows != nil {
		return len(c.Rows)
	}
	return c.N
}

// nearKinks places one to three pre-activations of the kinky layers at ±d (d = 0:
// exactly on the kink) by solving their biases in the network's forward
// order, lower layers first; Aim is d and Reached the largest deviation
// |z| − d reached, so that the table shows what the float64 solve got.
func (g *gen) nearKinks(d float64) {
	c := g.c
	units := g.kinkyUnits(g.intn(1, 3))
	c.Aim, c.Reached = d, 0
	for _, u := range units {
		t := d
		if g.rng.IntN(2) == 0 {
			t = -d
		}
		s := g.rng.IntN(c.batchLen())
		z := c.place(u[0], s, u[1], t)
		c.Reached = math.Max(c.Reached, math.Abs(z))
	}
	if d > 0 {
		// Reached is the smallest distance for a near case.
		c.Reached = math.Inf(1)
		net, b := c.Network(), c.Batch()
		if _, err := net.Cost(b); err != nil {
			panic(err)
		}
		for _, u := range units {
			zs := net.PreActivation(u[0])
			r, _ := zs.Dims()
			for s := range r {
				if v := math.Abs(zs.At(s, u[1])); v > 0 && v < c.Reached {
					c.Reached = v
				}
			}
		}
	}
}

// dyadic makes every weight, bias and input a small dyadic rational and
// places some ReLU pre-activations exactly at 0 with biases that cancel
// the sum exactly: every product and partial sum is exact, so z is 0 in
// every order of summation (the network's, the complex and dual
// extensions', a hand-written model's). Only ReLU and Identity layers
// keep the values dyadic; the caller ensures that.
func (g *gen) dyadic() {
	c := g.c
	for i := range c.Theta {
		c.Theta[i] = float64(g.intn(-8, 8)) / 8
	}
	for i := range c.X {
		c.X[i] = float64(g.intn(-8, 8)) / 4
	}
	if c.Loss == backprop.SquaredError {
		for i := range c.Y {
			c.Y[i] = float64(g.intn(-8, 8)) / 4
		}
	}
	units := g.kinkyUnits(g.intn(1, 3))
	c.Aim, c.Reached = 0, 0
	for _, u := range units {
		l, j := u[0], u[1]
		s := g.rng.IntN(c.batchLen())
		a := c.exactInput(l, s)
		sum := 0.0
		for k, v := range a {
			sum += c.Theta[c.weightIndex(l, j, k)] * v
		}
		c.Theta[c.biasIndex(l, j)] = -sum
	}
	c.Reached = c.maxPlacedZ(units)
}

// exactInput returns the input of layer l for batch sample s, computed in
// plain float64 (exact for dyadic values).
func (c *Case) exactInput(l, s int) []float64 {
	row := s
	if c.Rows != nil {
		row = c.Rows[s]
	}
	a := append([]float64(nil), c.X[row*c.In:(row+1)*c.In]...)
	for m := 0; m < l; m++ {
		next := make([]float64, c.Sizes[m+1])
		for j := range next {
			z := c.Theta[c.biasIndex(m, j)]
			for k, v := range a {
				z += c.Theta[c.weightIndex(m, j, k)] * v
			}
			next[j] = act(c.Acts[m], z)
		}
		a = next
	}
	return a
}

// maxPlacedZ returns the largest |z| over every sample of the units, in
// the network's forward order: 0 where the placement is exact.
func (c *Case) maxPlacedZ(units [][2]int) float64 {
	net, b := c.Network(), c.Batch()
	if _, err := net.Cost(b); err != nil {
		panic(err)
	}
	m := math.Inf(1)
	for _, u := range units {
		zs := net.PreActivation(u[0])
		r, _ := zs.Dims()
		best := math.Inf(1)
		for s := range r {
			best = math.Min(best, math.Abs(zs.At(s, u[1])))
		}
		m = math.Min(m, best)
	}
	return m
}

// zeroInput puts one sample at x = 0 and zeroes the biases of every kinky
// layer and of the layers below them: every pre-activation of that sample
// is exactly 0 in every layer, so kinks of consecutive layers meet at θ
// (the case where the chain rule's conventional value need not be any
// one-sided derivative).
func (g *gen) zeroInput() {
	c := g.c
	s := g.rng.IntN(c.batchLen())
	row := s
	if c.Rows != nil {
		row = c.Rows[s]
	}
	for k := range c.In {
		c.X[row*c.In+k] = 0
	}
	last := -1
	for l, a := range c.Acts {
		if a.HasKink() {
			last = l
		}
	}
	for l := 0; l <= last; l++ {
		for j := range c.Sizes[l+1] {
			c.Theta[c.biasIndex(l, j)] = 0
		}
	}
	c.Aim, c.Reached = 0, 0
}

// tiny scales weights by s (every layer, or the first only) and sets the
// biases to 0, s-sized or ordinary.
func (g *gen) tiny(s float64) string {
	c := g.c
	all := g.rng.IntN(2) == 0
	bias := g.rng.IntN(3)
	for l := 0; l+1 < len(c.Sizes); l++ {
		if l > 0 && !all {
			break
		}
		in, out := c.Sizes[l], c.Sizes[l+1]
		for j := range out {
			for k := range in {
				c.Theta[c.weightIndex(l, j, k)] = s * g.rng.NormFloat64()
			}
			switch bias {
			case 0:
				c.Theta[c.biasIndex(l, j)] = 0
			case 1:
				c.Theta[c.biasIndex(l, j)] = s * g.rng.NormFloat64()
			default:
				c.Theta[c.biasIndex(l, j)] = 0.5 * g.rng.NormFloat64()
			}
		}
	}
	layers := "first layer"
	if all {
		layers = "all layers"
	}
	return fmt.Sprintf("%s, biases %s", layers, [3]string{"0", "tiny", "ordinary"}[bias])
}
