package backprop

import (
	"errors"
	"fmt"
	"math"
)

// Model is a differentiable model: a cost C(θ; batch) of one flat parameter
// vector θ, with its analytic gradient. Every consumer of gradcheck speaks
// it: the numerical checker, the property suites, the trainer, the GPU port
// and users' own models.
//
// Parameters are copied in and out rather than shared, so that a model may
// keep them where it computes (on a GPU, in float32) and convert at the
// edges. Cost and Gradient return an error for a batch the model cannot take
// (wrong widths, no samples) or a failure of the device; a NaN or Inf cost is
// a value, not an error.
type Model interface {
	// NumParams returns len(θ).
	NumParams() int
	// ParamsTo copies θ into dst and returns it; a nil dst is allocated.
	// It panics if dst is non-nil with the wrong length.
	ParamsTo(dst []float64) []float64
	// SetParams sets θ = src. It panics if len(src) != NumParams().
	SetParams(src []float64)
	// Cost returns C(θ; b), the mean over b's samples of their errors.
	Cost(b Batch) (float64, error)
	// Gradient sets dst = ∂C/∂θ on b and returns C(θ; b).
	// It panics if len(dst) != NumParams().
	Gradient(dst []float64, b Batch) (float64, error)
}

// Stepper is a Model that performs its own update θ ← θ − η·∂C/∂θ, for
// instance in place on a device. [Step] uses it when a model has it.
type Stepper interface {
	Step(eta float64, b Batch) error
}

// Layouter is a Model that can say what each parameter is (see [Layout]).
// Checkers use it to locate errors; a model without it gets a flat report.
type Layouter interface {
	Layout() Layout
}

// Step applies one update θ ← θ − η·∂C/∂θ on b to m: through m's own Step
// if m is a [Stepper], otherwise by copying θ out and back. Each product η·g
// is rounded before the subtraction, so the result is w − η·g bit for bit.
func Step(m Model, eta float64, b Batch) error {
	if s, ok := m.(Stepper); ok {
		return s.Step(eta, b)
	}
	theta := m.ParamsTo(nil)
	g := make([]float64, len(theta))
	if _, err := m.Gradient(g, b); err != nil {
		return err
	}
	Update(theta, eta, g)
	m.SetParams(theta)
	return nil
}

// Update sets θ_i = θ_i − η·g_i, rounding η·g_i before the subtraction.
// It panics if the lengths differ.
func Update(theta []float64, eta float64, g []float64) {
	if len(theta) != len(g) {
		panic("backprop: parameter and gradient lengths differ")
	}
	if useVector { // the same two roundings, eight elements at a time
		i := updateVector(theta, eta, g)
		theta, g = theta[i:], g[i:]
	}
	for i, gi := range g {
		// The conversion forbids fusing into an FMA (Go spec, Arithmetic
		// operators), which would change the last bit on some platforms.
		theta[i] -= float64(eta * gi)
	}
}

// Dataset holds N samples as rows: X is N×In and Y is N×Out, row-major.
type Dataset struct {
	N, In, Out int
	X, Y       []float64
}

// NewDataset returns a Dataset of the rows x[i], y[i], copied. It returns an
// error naming the first row of the wrong width or holding NaN or ±Inf.
func NewDataset(x, y [][]float64) (*Dataset, error) {
	if len(x) != len(y) {
		return nil, fmt.Errorf("dataset: %d input rows but %d target rows", len(x), len(y))
	}
	if len(x) == 0 {
		return nil, errors.New("dataset: no samples")
	}
	d := &Dataset{N: len(x), In: len(x[0]), Out: len(y[0])}
	for i := range x {
		if len(x[i]) != d.In || len(y[i]) != d.Out {
			return nil, fmt.Errorf("dataset: sample %d has %d inputs and %d targets, sample 0 has %d and %d", i, len(x[i]), len(y[i]), d.In, d.Out)
		}
		d.X = append(d.X, x[i]...)
		d.Y = append(d.Y, y[i]...)
	}
	return d, d.Validate()
}

// Validate checks the lengths of X and Y against N, In, Out and that every
// value is finite; the error names the sample and the column.
func (d *Dataset) Validate() error {
	switch {
	case d == nil || d.N <= 0:
		return errors.New("dataset: no samples")
	case d.In <= 0 || d.Out <= 0:
		return fmt.Errorf("dataset: %d inputs and %d targets per sample; both must be positive", d.In, d.Out)
	case len(d.X) != d.N*d.In:
		return fmt.Errorf("dataset: len(X) = %d, want N·In = %d·%d", len(d.X), d.N, d.In)
	case len(d.Y) != d.N*d.Out:
		return fmt.Errorf("dataset: len(Y) = %d, want N·Out = %d·%d", len(d.Y), d.N, d.Out)
	}
	for i, v := range d.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("dataset: sample %d, input %d is %v", i/d.In, i%d.In, v)
		}
	}
	for i, v := range d.Y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("dataset: sample %d, target %d is %v", i/d.Out, i%d.Out, v)
		}
	}
	return nil
}

// Sample returns views of sample i's inputs and targets.
func (d *Dataset) Sample(i int) (x, y []float64) {
	return d.X[i*d.In : (i+1)*d.In : (i+1)*d.In], d.Y[i*d.Out : (i+1)*d.Out : (i+1)*d.Out]
}

// Batch is a selection of a dataset's samples: Rows[i] is the index of the
// batch's i-th sample in Data, and a nil Rows means every sample in order.
// Keeping the dataset whole lets a model keep it where it computes (a GPU
// uploads it once and gathers rows there).
type Batch struct {
	Data *Dataset
	Rows []int
}

// All returns the batch of every sample of d, in order.
func All(d *Dataset) Batch { return Batch{Data: d} }

// Len returns the number of samples in b.
func (b Batch) Len() int {
	if b.Rows != nil {
		return len(b.Rows)
	}
	if b.Data == nil {
		return 0
	}
	return b.Data.N
}

// Row returns the dataset index of the batch's i-th sample.
func (b Batch) Row(i int) int {
	if b.Rows != nil {
		return b.Rows[i]
	}
	return i
}

// Sample returns views of the inputs and targets of the batch's i-th sample.
func (b Batch) Sample(i int) (x, y []float64) { return b.Data.Sample(b.Row(i)) }

// check returns an error if b cannot be fed to a model with in inputs and
// out outputs.
func (b Batch) check(in, out int) error {
	if b.Data == nil || b.Len() == 0 {
		return errors.New("backprop: empty batch")
	}
	if b.Data.In != in || b.Data.Out != out {
		return fmt.Errorf("backprop: data has %d inputs and %d targets per sample, the network takes %d and gives %d", b.Data.In, b.Data.Out, in, out)
	}
	if d := b.Data; len(d.X) != d.N*d.In || len(d.Y) != d.N*d.Out {
		return fmt.Errorf("backprop: dataset of %d samples has %d input and %d target values, want %d and %d", d.N, len(d.X), len(d.Y), d.N*d.In, d.N*d.Out)
	}
	for _, r := range b.Rows {
		if r < 0 || r >= b.Data.N {
			return fmt.Errorf("backprop: batch row %d out of range [0, %d)", r, b.Data.N)
		}
	}
	return nil
}
