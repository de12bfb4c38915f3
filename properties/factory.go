package properties

import (
	"fmt"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
)

// Subject is what a [Factory] returns: a fresh model and the shape of the
// data it takes.
type Subject struct {
	// Model is the model under test. The properties change its parameters
	// (through SetParams and updates) and nothing else.
	Model backprop.Model
	// In and Out are the number of inputs and targets per sample.
	In, Out int
	// Inputs and Targets draw one sample's inputs (length In) and targets
	// (length Out). Nil means [Inputs](In) and [Targets](Out).
	Inputs, Targets *rapid.Generator[[]float64]
}

// A Factory draws a fresh model from t for one run of a property: it may
// draw its shape and parameters with t (and should, so that rapid can
// shrink a failure to a small model), or build the same model every time.
//
// The model must give the same bits for the same parameters and batch, and
// must compute each sample's contribution to the cost and gradient on its
// own and combine them by a sum scaled by 1/B (see the package
// documentation for why the tolerances need this).
type Factory func(t *rapid.T) Subject

// Networks is a shorthand for [NetworksOf]([Config](), [Weight]()).
func Networks() Factory { return NetworksOf(Config(), Weight()) }

// NetworksOf returns a factory of [backprop.Network]s whose configuration
// cfg draws and whose every parameter w draws. Targets are drawn by
// [Targets] for the squared error and by [NonNegative] for the softmax
// cross-entropy.
func NetworksOf(cfg *rapid.Generator[backprop.Config], w *rapid.Generator[float64]) Factory {
	return func(t *rapid.T) Subject {
		c := cfg.Draw(t, "config")
		net, err := backprop.New(c)
		if err != nil {
			panic(fmt.Sprintf("properties: the configuration generator drew an invalid configuration: %v", err))
		}
		net.SetParams(Params(net.NumParams(), w).Draw(t, "θ"))
		in, out := c.Sizes[0], c.Sizes[len(c.Sizes)-1]
		s := Subject{Model: net, In: in, Out: out}
		if c.Loss == backprop.SoftmaxCrossEntropy {
			s.Targets = NonNegative(out)
		}
		return s
	}
}

// instance is one drawn case: the subject, its parameters as drawn, and a
// dataset for it.
type instance struct {
	Subject
	theta0 []float64
	data   *backprop.Dataset
}

// newInstance draws a subject from f and a dataset of n samples, n drawn by
// count, for it.
func newInstance(t *rapid.T, f Factory, count *rapid.Generator[int]) *instance {
	t.Helper()
	s := f(t)
	if s.Model == nil || s.In < 1 || s.Out < 1 {
		t.Fatalf("properties: the factory returned model %v with %d inputs and %d targets; want a model and positive widths", s.Model, s.In, s.Out)
	}
	if s.Inputs == nil {
		s.Inputs = Inputs(s.In)
	}
	if s.Targets == nil {
		s.Targets = Targets(s.Out)
	}
	n := count.Draw(t, "N")
	d := DataRange(s.Inputs, s.Targets, n, n).Draw(t, "data")
	if d.In != s.In || d.Out != s.Out {
		t.Fatalf("properties: the subject's generators draw %d inputs and %d targets, the subject says %d and %d", d.In, d.Out, s.In, s.Out)
	}
	return &instance{Subject: s, theta0: s.Model.ParamsTo(nil), data: d}
}

// samples returns a generator of sample counts in [1, max].
func samples(max int) *rapid.Generator[int] { return rapid.IntRange(1, max) }

// powersOfTwo returns a generator of sample counts 2^k ≤ max.
func powersOfTwo(max int) *rapid.Generator[int] {
	var p []int
	for n := 1; n <= max; n *= 2 {
		p = append(p, n)
	}
	return rapid.SampledFrom(p)
}

// reset sets the model's parameters back to those drawn.
func (c *instance) reset() { c.Model.SetParams(c.theta0) }

// gradient returns ∂C/∂θ and C on b at the model's current parameters.
func (c *instance) gradient(t *rapid.T, b backprop.Batch) ([]float64, float64) {
	t.Helper()
	g := make([]float64, c.Model.NumParams())
	cost, err := c.Model.Gradient(g, b)
	if err != nil {
		c.fatalf(t, "Gradient on rows %v: %v", rowsOf(b), err)
	}
	return g, cost
}

// cost returns C on b at the model's current parameters.
func (c *instance) cost(t *rapid.T, b backprop.Batch) float64 {
	t.Helper()
	cost, err := c.Model.Cost(b)
	if err != nil {
		c.fatalf(t, "Cost on rows %v: %v", rowsOf(b), err)
	}
	return cost
}

// rowsOf returns the dataset rows of b.
func rowsOf(b backprop.Batch) []int {
	r := make([]int, b.Len())
	for i := range r {
		r[i] = b.Row(i)
	}
	return r
}

// one returns the batch of sample s alone.
func one(d *backprop.Dataset, s int) backprop.Batch {
	return backprop.Batch{Data: d, Rows: []int{s}}
}
