package zoo

import (
	"fmt"
	"math/rand/v2"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/datasets"
)

// Where names one block of parameters: a layer's weights or its biases.
type Where struct {
	Layer int
	Group backprop.Group
}

func (w Where) String() string { return fmt.Sprintf("layer %d %v", w.Layer, w.Group) }

// Mutant is a backward pass with one classic mistake.
type Mutant struct {
	// Name is short and unique, in kebab case, for tables and flags.
	Name string
	// Description says what the buggy code does, in one sentence.
	Description string
	// Config is a network on which the bug runs and shows.
	Config backprop.Config
	// Expect lists, in layout order, every block whose gradient the bug
	// makes wrong on Config with the data of [Mutant.Data]; every other
	// block is right to rounding. A bug in layer l's delta propagates to
	// every layer to its left, so the layer whose code holds the bug is
	// the highest layer in Expect.
	Expect []Where
	// New returns the mutant over net: not a copy, the model reads and sets
	// net's parameters. Its NumParams, ParamsTo, SetParams, Cost and Layout
	// are net's; only Gradient is wrong. It is not a [backprop.Stepper], so
	// [backprop.Step] trains with the wrong gradient. On a network whose
	// shapes or loss the bug cannot run on (see Description), Gradient
	// returns an error. Like the network, the model is not safe for
	// concurrent use.
	New func(net *backprop.Network) backprop.Model
}

// DataSize is the number of samples of [Data].
const DataSize = 8

// Data returns the seeded data set of m: Data(m.Config, seed).
func (m Mutant) Data(seed uint64) *backprop.Dataset { return Data(m.Config, seed) }

// Data returns a dataset of DataSize samples for a network of configuration
// c, drawn from seed: inputs uniform in [−1, 1]; targets uniform in [0, 1]
// for the squared error, one-hot for the cross-entropy. The same seed gives
// the same bits. It panics if c is not valid (a caller's programming error:
// the configurations of the zoo are literals).
func Data(c backprop.Config, seed uint64) *backprop.Dataset {
	if err := c.Validate(); err != nil {
		panic("zoo: Data: " + err.Error())
	}
	return datasets.Random(rand.New(rand.NewPCG(seed, 0x5eed)), c, DataSize)
}

// Mutants returns the zoo, a fresh copy on each call.
func Mutants() []Mutant {
	var ms []Mutant
	for _, s := range specs {
		b := s.bug
		name := s.name
		ms = append(ms, Mutant{
			Name:        s.name,
			Description: s.desc,
			Config: backprop.Config{
				Sizes:       append([]int(nil), s.sizes...),
				Activations: append([]backprop.Activation(nil), s.acts...),
				Loss:        s.loss,
				Seed:        1,
			},
			Expect: append([]Where(nil), s.expect...),
			New: func(net *backprop.Network) backprop.Model {
				return &model{net: net, bug: b, name: name}
			},
		})
	}
	return ms
}

// Lookup returns the mutant called name.
func Lookup(name string) (Mutant, bool) {
	for _, m := range Mutants() {
		if m.Name == name {
			return m, true
		}
	}
	return Mutant{}, false
}

type spec struct {
	name, desc string
	bug        bug
	sizes      []int
	acts       []backprop.Activation
	loss       backprop.Loss
	expect     []Where
}

const (
	tanh     = backprop.Tanh
	sigmoid  = backprop.Sigmoid
	softplus = backprop.Softplus
	ident    = backprop.Identity
	se       = backprop.SquaredError
	ce       = backprop.SoftmaxCrossEntropy
	weights  = backprop.Weights
	biases   = backprop.Biases
)

// all returns both blocks of each of the layers.
func all(layers ...int) []Where {
	var w []Where
	for _, l := range layers {
		w = append(w, Where{l, weights}, Where{l, biases})
	}
	return w
}

// The zoo. Smooth activations only, so that no finite-difference stencil
// meets a kink and a checker's verdict on a mutant is about the bug alone.
// Every configuration has a non-identity activation wherever the bug needs
// one to show, and the bias gradients are nonzero on the data.
var specs = []spec{
	{
		name: "no-activation-derivative",
		desc: "leaves f′(z) out of every layer's delta, as the textbook picture of error flowing back through the weights does",
		bug:  bug{noDeriv, every}, sizes: []int{3, 4, 4, 2}, acts: []backprop.Activation{sigmoid, sigmoid, sigmoid}, loss: se,
		expect: all(0, 1, 2),
	},
	{
		name: "no-activation-derivative-layer-1",
		desc: "leaves f′(z) out of the delta of hidden layer 1 only; the error flows on to layer 0",
		bug:  bug{noDeriv, 1}, sizes: []int{3, 4, 4, 2}, acts: []backprop.Activation{tanh, tanh, ident}, loss: se,
		expect: all(0, 1),
	},
	{
		name: "derivative-at-activation",
		desc: "evaluates f′ at the activation a = f(z) instead of at z in every layer, as sigmoid_prime(a) where a·(1−a) was meant",
		bug:  bug{derivAtOutput, every}, sizes: []int{3, 4, 4, 2}, acts: []backprop.Activation{softplus, softplus, ident}, loss: se,
		expect: all(0, 1),
	},
	{
		name: "squared-error-without-2",
		desc: "takes a − y for the derivative of (a − y)², dropping the factor 2 (every component halved); needs the squared-error loss",
		bug:  bug{noFactor2, every}, sizes: []int{3, 4, 2}, acts: []backprop.Activation{tanh, ident}, loss: se,
		expect: all(0, 1),
	},
	{
		name: "sum-over-batch",
		desc: "sums the samples' gradients instead of averaging them (every component B times too large)",
		bug:  bug{sumBatch, every}, sizes: []int{3, 4, 3}, acts: []backprop.Activation{tanh, ident}, loss: ce,
		expect: all(0, 1),
	},
	{
		name: "transposed-weights",
		desc: "propagates the delta through Wᵀ instead of W; runs only where every layer after the first has a square weight matrix",
		bug:  bug{transposed, every}, sizes: []int{3, 4, 4, 4}, acts: []backprop.Activation{tanh, tanh, ident}, loss: se,
		expect: all(0, 1),
	},
	{
		name: "no-bias-gradient",
		desc: "never computes the bias gradient of any layer (left at zero)",
		bug:  bug{noBiasGrad, every}, sizes: []int{3, 4, 2}, acts: []backprop.Activation{tanh, ident}, loss: se,
		expect: []Where{{0, biases}, {1, biases}},
	},
	{
		name: "delta-from-wrong-layer",
		desc: "computes layer 0's weight and bias gradients from the delta of layer 1 (an off-by-one index); runs only where the two layers have equal widths",
		bug:  bug{wrongDelta, 0}, sizes: []int{3, 4, 4, 2}, acts: []backprop.Activation{tanh, tanh, ident}, loss: se,
		expect: all(0),
	},
	{
		name: "sign-flip-layer-1",
		desc: "negates layer 1's weight and bias gradients",
		bug:  bug{signFlip, 1}, sizes: []int{3, 4, 4, 2}, acts: []backprop.Activation{tanh, tanh, ident}, loss: se,
		expect: all(1),
	},
	{
		name: "softmax-wrong-class",
		desc: "subtracts the target of the next class, softmax(a)_k − y_{k+1 mod K}; needs the softmax cross-entropy loss",
		bug:  bug{wrongClass, every}, sizes: []int{4, 5, 3}, acts: []backprop.Activation{tanh, ident}, loss: ce,
		expect: all(0, 1),
	},
	{
		name: "softmax-left-out",
		desc: "takes a − y for the cross-entropy's output gradient, treating the logits as probabilities; needs the softmax cross-entropy loss",
		bug:  bug{noSoftmax, every}, sizes: []int{4, 5, 3}, acts: []backprop.Activation{tanh, ident}, loss: ce,
		expect: all(0, 1),
	},
	{
		name: "pre-activation-as-input",
		desc: "multiplies the delta by the previous layer's pre-activation z instead of its activation a in every weight gradient",
		bug:  bug{preactInput, every}, sizes: []int{3, 4, 4, 2}, acts: []backprop.Activation{tanh, tanh, ident}, loss: se,
		expect: []Where{{1, weights}, {2, weights}},
	},
}
