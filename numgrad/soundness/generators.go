package soundness

import (
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
)

// Each generator builds one case of its category from its own random
// stream (see newGen): the shape, the activations and the loss, the
// parameters, the data, then the condition that makes the category.

var (
	smoothActs = []backprop.Activation{backprop.Tanh, backprop.Sigmoid, backprop.Softplus}
	kinkActs   = []backprop.Activation{backprop.ReLU, backprop.LeakyReLU}
)

// draw sets the loss (cross-entropy one time in three), the shape, the
// hidden activations from hidden, the output activation (identity, or for
// squared error one from out), the parameters (weights N(0, ws²/fan-in),
// biases N(0, bs²)) and the data; it returns the batch size.
func (g *gen) draw(hidden, out []backprop.Activation, ws, bs float64) int {
	c := g.c
	c.Loss = backprop.SquaredError
	if g.rng.IntN(3) == 0 {
		c.Loss = backprop.SoftmaxCrossEntropy
		g.shape(1, 6, 2, 5)
	} else {
		g.shape(1, 6, 1, 4)
	}
	L := len(c.Sizes) - 1
	c.Acts = make([]backprop.Activation, L)
	for l := range L - 1 {
		c.Acts[l] = hidden[g.rng.IntN(len(hidden))]
	}
	c.Acts[L-1] = backprop.Identity
	if c.Loss == backprop.SquaredError && len(out) > 0 && g.rng.IntN(2) == 0 {
		c.Acts[L-1] = out[g.rng.IntN(len(out))]
	}
	g.init(ws, bs)
	B, N := g.batch()
	g.data(N, 1)
	g.rows(B)
	return B
}

func actNames(a []backprop.Activation) string {
	s := ""
	for i, v := range a {
		if i > 0 {
			s += "-"
		}
		s += v.String()
	}
	return s
}

// genSmooth: tanh, sigmoid and softplus, weights of order 1/√fan-in,
// biases 0.1, inputs N(0, 1): no kink anywhere, nothing saturated.
func genSmooth(g *gen) {
	g.draw(smoothActs, []backprop.Activation{backprop.Tanh, backprop.Sigmoid}, 1, 0.1)
	g.c.Sub = actNames(g.c.Acts)
}

// genReLU: ReLU and leaky ReLU with He weights (√2/√fan-in), biases 0.1,
// inputs N(0, 1): kinks where they fall, nowhere placed.
func genReLU(g *gen) {
	g.draw(kinkActs, []backprop.Activation{backprop.ReLU}, math.Sqrt2, 0.1)
	g.c.Sub = actNames(g.c.Acts)
	g.c.Reached = g.c.minAbsZ()
}

// genKinkExact: pre-activations exactly 0: solved through a bias in the
// network's forward order (half the cases), dyadic values where every
// order gives 0 (three in ten), or a zero input sample with zero biases,
// where the kinks of consecutive layers meet (one in five).
func genKinkExact(g *gen) {
	switch v := g.rng.IntN(10); {
	case v < 5:
		g.draw(kinkActs, nil, math.Sqrt2, 0.1)
		g.nearKinks(0)
		g.c.Sub = "solved"
	case v < 8:
		g.draw([]backprop.Activation{backprop.ReLU}, []backprop.Activation{backprop.ReLU}, 1, 0.1)
		g.dyadic()
		g.c.Sub = "dyadic"
	default:
		g.draw(kinkActs, nil, math.Sqrt2, 0.1)
		g.zeroInput()
		g.c.Sub = "zero input"
	}
}

// nearDecades are the distances of kink-near, one per case in turn.
var nearDecades = []float64{1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12}

// genKinkNear: some pre-activations at ±d from their kink, d from 1e-3 to
// 1e-12 in turn by case index.
func genKinkNear(g *gen) {
	d := nearDecades[g.c.Index%len(nearDecades)]
	g.draw(kinkActs, nil, math.Sqrt2, 0.1)
	g.nearKinks(d)
	g.c.Sub = fmt.Sprintf("%.0e", d)
}

var tinyScales = []float64{1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12}

// genTiny: weights of 1e-4 to 1e-12 (in turn), in every layer or the
// first, with ReLU-family (three in five) or smooth activations; biases
// 0, tiny or ordinary.
func genTiny(g *gen) {
	s := tinyScales[g.c.Index%len(tinyScales)]
	acts := kinkActs
	if g.rng.IntN(5) >= 3 {
		acts = smoothActs
	}
	g.draw(acts, nil, 1, 0.1)
	how := g.tiny(s)
	g.c.Sub = fmt.Sprintf("%.0e %s, %s", s, actNames(g.c.Acts), how)
	g.c.Reached = g.c.minAbsZ()
}

// genSaturated: tanh or sigmoid layers driven to |z| of 20 to 700 by
// their biases (the weights stay of order 1/√fan-in, so every sample is
// saturated), in the first hidden layer, sometimes the second, and for
// squared error sometimes the output unit too.
func genSaturated(g *gen) {
	c := g.c
	act := []backprop.Activation{backprop.Tanh, backprop.Sigmoid}[g.rng.IntN(2)]
	g.draw([]backprop.Activation{act}, []backprop.Activation{act}, 1, 0.1)
	sat := func(l int) {
		for j := range c.Sizes[l+1] {
			if g.rng.IntN(4) == 0 {
				continue // leave some units unsaturated
			}
			m := g.logUniform(20, 700)
			if g.rng.IntN(2) == 0 {
				m = -m
			}
			c.Theta[c.biasIndex(l, j)] = m
		}
	}
	sat(0)
	L := len(c.Sizes) - 1
	if L > 2 && g.rng.IntN(2) == 0 {
		sat(1)
	}
	if c.Acts[L-1] != backprop.Identity && g.rng.IntN(2) == 0 {
		sat(L - 1)
	}
	c.Sub = actNames(c.Acts)
}

// genSoftmax: softmax cross-entropy with one logit 20 to 40 above the
// others (the last layer's bias; its weights small), targets one-hot on
// the confident class (a loss near 0, every component a cancellation),
// one-hot on another class, or soft.
func genSoftmax(g *gen) {
	c := g.c
	acts := [][]backprop.Activation{{backprop.Tanh}, kinkActs}[g.rng.IntN(2)]
	g.shape(1, 6, 2, 5)
	c.Loss = backprop.SoftmaxCrossEntropy
	L := len(c.Sizes) - 1
	c.Acts = make([]backprop.Activation, L)
	for l := range L - 1 {
		c.Acts[l] = acts[g.rng.IntN(len(acts))]
	}
	c.Acts[L-1] = backprop.Identity
	g.init(1, 0.1)
	B, N := g.batch()
	g.data(N, 1)
	g.rows(B)
	in, out := c.Sizes[L-1], c.Sizes[L]
	for j := range out {
		for k := range in {
			c.Theta[c.weightIndex(L-1, j, k)] *= 0.3
		}
		c.Theta[c.biasIndex(L-1, j)] = 0
	}
	cls := g.rng.IntN(out)
	gap := 20 + 20*g.rng.Float64()
	c.Theta[c.biasIndex(L-1, cls)] = gap
	tgt := g.rng.IntN(3)
	for s := range c.N {
		y := c.Y[s*out : (s+1)*out]
		clear(y)
		switch tgt {
		case 0:
			y[cls] = 1
		case 1:
			y[(cls+1+g.rng.IntN(out-1))%out] = 1
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
	c.Sub = fmt.Sprintf("gap %.0f, %s", gap, [3]string{"one-hot confident", "one-hot other", "soft"}[tgt])
}

// handPresets are the hand-written models: (A) one ReLU layer, squared
// error, biases first and weights by column; (B) tanh then ReLU,
// cross-entropy, backprop's layout; (C) leaky ReLU then ReLU, squared
// error, biases first.
var handPresets = []struct {
	name   string
	acts   []backprop.Activation // hidden layers
	loss   backprop.Loss
	layout HandLayout
}{
	{"A relu/se", []backprop.Activation{backprop.ReLU}, backprop.SquaredError, BiasFirstColMajor},
	{"B tanh-relu/ce", []backprop.Activation{backprop.Tanh, backprop.ReLU}, backprop.SoftmaxCrossEntropy, RowMajor},
	{"C leaky-relu/se", []backprop.Activation{backprop.LeakyReLU, backprop.ReLU}, backprop.SquaredError, BiasFirstColMajor},
}

// condition applies one of the hard conditions to a kinky network in
// turn: ordinary, near a kink, exactly on one (solved in backprop's order,
// which is not the hand model's; dyadic where every layer is ReLU; or a
// zero input), tiny weights.
func (g *gen) condition(allReLU bool) string {
	v := g.rng.IntN(20)
	switch {
	case v < 7:
		return "ordinary"
	case v < 12:
		d := nearDecades[g.rng.IntN(len(nearDecades))]
		g.nearKinks(d)
		return fmt.Sprintf("near %.0e", d)
	case v < 14:
		g.nearKinks(0)
		return "exact solved"
	case v < 16 && allReLU:
		g.dyadic()
		return "exact dyadic"
	case v < 17:
		g.zeroInput()
		return "zero input"
	default:
		s := tinyScales[g.rng.IntN(len(tinyScales))]
		g.tiny(s)
		g.c.Reached = g.c.minAbsZ()
		return fmt.Sprintf("tiny %.0e", s)
	}
}

// genHand: the hand-written models, which are not backprop.Network and
// declare nothing, under every condition in turn (their signed variant
// runs as the pieces-yes column).
func genHand(g *gen) {
	c := g.c
	p := handPresets[c.Index%len(handPresets)]
	c.Kind, c.Layout, c.Loss = KindHand, p.layout, p.loss
	in, out := g.intn(1, 6), g.intn(1, 4)
	if c.Loss == backprop.SoftmaxCrossEntropy {
		out = g.intn(2, 5)
	}
	c.Sizes = []int{in}
	wide := g.rng.IntN(8) == 0
	for range p.acts {
		w := g.intn(1, 8)
		if wide && len(p.acts) == 1 {
			w = g.intn(32, 64)
		}
		c.Sizes = append(c.Sizes, w)
	}
	c.Sizes = append(c.Sizes, out)
	c.Acts = append(append([]backprop.Activation(nil), p.acts...), backprop.Identity)
	g.init(math.Sqrt2, 0.1)
	B, N := g.batch()
	g.data(N, 1)
	g.rows(B)
	allReLU := true
	for _, a := range p.acts {
		allReLU = allReLU && a == backprop.ReLU
	}
	c.Sub = p.name + ", " + g.condition(allReLU)
}

// genWrapper: networks behind a user's type, embedding *backprop.Network
// (declares everything) or hiding it in a field (declares nothing),
// ReLU-family (two in three) or smooth, under the conditions in turn.
func genWrapper(g *gen) {
	c := g.c
	c.Kind = KindEmbedded
	if g.rng.IntN(2) == 0 {
		c.Kind = KindHidden
	}
	if g.rng.IntN(3) == 0 {
		g.draw(smoothActs, nil, 1, 0.1)
		c.Sub = c.Kind.String() + ", smooth"
		return
	}
	g.draw([]backprop.Activation{backprop.ReLU}, nil, math.Sqrt2, 0.1)
	if g.rng.IntN(2) == 0 {
		for l := range len(c.Acts) - 1 {
			c.Acts[l] = backprop.LeakyReLU
		}
	}
	c.Sub = c.Kind.String() + ", " + g.condition(c.Acts[0] == backprop.ReLU)
}
