package soundness

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gradcheck/gradcheck/backprop"
)

// Case is one random correct problem: a network's function and parameters
// (in backprop's layout), a batch, and the Go type that computes it. A
// case is data only; Build makes a fresh model of it for each check.
type Case struct {
	// Category is the generator's; Sub the condition within it (such as
	// "near 1e-7" or "dyadic"). Index and Seed reproduce it.
	Category, Sub string
	Index         int
	Seed          uint64

	Kind   Kind
	Layout HandLayout // for KindHand, KindHandSigned
	Sizes  []int
	Acts   []backprop.Activation
	Loss   backprop.Loss
	Theta  []float64 // backprop's layout

	// The dataset (N samples of In inputs and Out targets) and the batch's
	// rows (nil: all of them in order).
	N, In, Out int
	X, Y       []float64
	Rows       []int

	// Aim is the distance to a kink the generator aimed at (0 for "exactly
	// on one", NaN where it aimed at none); Reached the smallest |z| it got
	// over the units it placed, in the network's own forward order.
	Aim, Reached float64
}

// Network returns a fresh network of the case at its parameters.
func (c *Case) Network() *backprop.Network {
	net := backprop.MustNew(backprop.Config{Sizes: c.Sizes, Activations: c.Acts, Loss: c.Loss})
	net.SetParams(c.Theta)
	return net
}

// Batch returns the case's batch (a fresh dataset).
func (c *Case) Batch() backprop.Batch {
	d := &backprop.Dataset{N: c.N, In: c.In, Out: c.Out, X: append([]float64(nil), c.X...), Y: append([]float64(nil), c.Y...)}
	return backprop.Batch{Data: d, Rows: c.Rows}
}

// Model returns a fresh model of the case's kind at its parameters.
func (c *Case) Model() backprop.Model { return NewModel(c.Kind, c.Network(), c.Layout) }

// Smooth reports whether the case's function has no kink.
func (c *Case) Smooth() bool {
	for _, a := range c.Acts {
		if a.HasKink() {
			return false
		}
	}
	return true
}

// Name is "category/sub #index".
func (c *Case) Name() string { return fmt.Sprintf("%s/%s #%d", c.Category, c.Sub, c.Index) }

// NumParams is the number of parameters.
func (c *Case) NumParams() int {
	n := 0
	for l := 0; l+1 < len(c.Sizes); l++ {
		n += c.Sizes[l]*c.Sizes[l+1] + c.Sizes[l+1]
	}
	return n
}

// gen is a generator's state: the random stream and the case it builds.
type gen struct {
	rng *rand.Rand
	c   *Case
}

// newGen starts case index of category cat from the mix seed: each case
// has its own stream, so the cases do not depend on the order in which
// they are built or on the other categories.
func newGen(seed uint64, cat string, index int) *gen {
	h := seed
	for _, b := range []byte(cat) {
		h = (h ^ uint64(b)) * 0x100000001b3
	}
	s := h ^ uint64(index)*0x9e3779b97f4a7c15
	return &gen{rng: rand.New(rand.NewPCG(s, 0x736f756e64)), c: &Case{Category: cat, Index: index, Seed: s, Aim: math.NaN(), Reached: math.NaN()}}
}

func (g *gen) intn(lo, hi int) int { return lo + g.rng.IntN(hi-lo+1) }

func (g *gen) pick(v ...float64) float64 { return v[g.rng.IntN(len(v))] }

// logUniform draws from [lo, hi] uniformly in log scale.
func (g *gen) logUniform(lo, hi float64) float64 {
	return math.Exp(math.Log(lo) + g.rng.Float64()*(math.Log(hi)-math.Log(lo)))
}

// maxCost bounds params × batch, the size of one evaluation, so that the
// wide cases stay affordable.
const maxCost = 12000

// shape draws the sizes: usually one or two hidden layers of width 1 to 8;
// one case in eight is wide, one hidden layer of 32 to 64. in and out are
// the ranges of the input and output widths.
func (g *gen) shape(inLo, inHi, outLo, outHi int) {
	in, out := g.intn(inLo, inHi), g.intn(outLo, outHi)
	c := g.c
	if g.rng.IntN(8) == 0 {
		c.Sizes = []int{min(in, 4), g.intn(32, 64), min(out, 3)}
	} else {
		c.Sizes = []int{in}
		for range g.intn(1, 2) {
			c.Sizes = append(c.Sizes, g.intn(1, 8))
		}
		c.Sizes = append(c.Sizes, out)
	}
}

// batch draws the batch size (1 to 32, small ones more often, bounded by
// maxCost) and, one time in three, a dataset larger than the batch with
// rows picked from it.
func (g *gen) batch() (B, N int) {
	B = int(g.pick(1, 1, 2, 3, 4, 4, 5, 8, 8, 12, 16, 24, 32))
	for B > 1 && B*g.c.NumParams() > maxCost {
		B /= 2
	}
	N = B
	if g.rng.IntN(3) == 0 {
		N = B + g.intn(1, 4)
	}
	return B, N
}

// data fills the dataset: inputs N(0, 1)·xs, targets N(0, 1) for squared
// error, one-hot or soft (positive, summing to 1) for cross-entropy.
func (g *gen) data(N int, xs float64) {
	c := g.c
	c.N, c.In, c.Out = N, c.Sizes[0], c.Sizes[len(c.Sizes)-1]
	c.X = make([]float64, N*c.In)
	for i := range c.X {
		c.X[i] = xs * g.rng.NormFloat64()
	}
	c.Y = make([]float64, N*c.Out)
	for s := range N {
		y := c.Y[s*c.Out : (s+1)*c.Out]
		switch {
		case c.Loss == backprop.SquaredError:
			for k := range y {
				y[k] = g.rng.NormFloat64()
			}
		case g.rng.IntN(2) == 0:
			y[g.rng.IntN(c.Out)] = 1
		default:
			t := 0.0
			for k := range y {
				y[k] = g.rng.ExpFloat64()
				t += y[k]
			}
			for k := range y {
				y[k] /= t
			}
		}
	}
}

// rows sets the batch rows: nil when the batch is the whole dataset in
// order, otherwise B distinct rows in random order.
func (g *gen) rows(B int) {
	c := g.c
	if B == c.N && g.rng.IntN(2) == 0 {
		c.Rows = nil
		return
	}
	c.Rows = g.rng.Perm(c.N)[:B]
}

// init draws the parameters: weights N(0, 1)·ws/√fan-in, biases
// N(0, 1)·bs.
func (g *gen) init(ws, bs float64) {
	c := g.c
	c.Theta = make([]float64, c.NumParams())
	off := 0
	for l := 0; l+1 < len(c.Sizes); l++ {
		in, out := c.Sizes[l], c.Sizes[l+1]
		for i := range in * out {
			c.Theta[off+i] = ws / math.Sqrt(float64(in)) * g.rng.NormFloat64()
		}
		for j := range out {
			c.Theta[off+in*out+j] = bs * g.rng.NormFloat64()
		}
		off += in*out + out
	}
}

// biasIndex is the index of layer l's bias j in backprop's layout.
func (c *Case) biasIndex(l, j int) int {
	off := 0
	for m := 0; m < l; m++ {
		off += c.Sizes[m]*c.Sizes[m+1] + c.Sizes[m+1]
	}
	return off + c.Sizes[l]*c.Sizes[l+1] + j
}

// weightIndex is the index of layer l's weight from input k into unit j.
func (c *Case) weightIndex(l, j, k int) int {
	off := 0
	for m := 0; m < l; m++ {
		off += c.Sizes[m]*c.Sizes[m+1] + c.Sizes[m+1]
	}
	return off + j*c.Sizes[l] + k
}

// preact returns z of layer l, batch sample s, unit j at the case's
// parameters, in the network's own forward order.
func (c *Case) preact(net *backprop.Network, b backprop.Batch, l, s, j int) float64 {
	net.SetParams(c.Theta)
	if _, err := net.Cost(b); err != nil {
		panic(err)
	}
	return net.PreActivation(l).At(s, j)
}

// place solves layer l's bias j so that z of batch sample s is exactly
// target in the network's forward order (b ← b + target − z, a few
// times: the sum rounds differently each time), and returns the z reached.
func (c *Case) place(l, s, j int, target float64) float64 {
	net, b := c.Network(), c.Batch()
	bi := c.biasIndex(l, j)
	z := c.preact(net, b, l, s, j)
	for it := 0; it < 8 && z != target; it++ {
		c.Theta[bi] += target - z
		z = c.preact(net, b, l, s, j)
	}
	return z
}

// minAbsZ returns the smallest |z| over the kinky layers' units and
// samples (NaN for a smooth network).
func (c *Case) minAbsZ() float64 {
	net, b := c.Network(), c.Batch()
	if _, err := net.Cost(b); err != nil {
		panic(err)
	}
	m := math.NaN()
	for l, a := range c.Acts {
		if !a.HasKink() {
			continue
		}
		z := net.PreActivation(l)
		r, cols := z.Dims()
		for s := range r {
			for j := range cols {
				if v := math.Abs(z.At(s, j)); !(v >= m) {
					m = v
				}
			}
		}
	}
	return m
}
