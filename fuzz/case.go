package fuzz

import (
	"math"

	"github.com/gradcheck/gradcheck/backprop"
)

// Limits bounds what a [Source] builds, so that no input makes one case
// slow or large: with the defaults a network has at most 3·6·7 = 126
// parameters and a batch 8 samples. A nil *Limits means every default; a
// zero field means that field's default.
type Limits struct {
	// MaxLayers is the largest number of weight layers (default 3).
	MaxLayers int
	// MaxWidth is the largest width of any layer, input and output
	// included (default 6).
	MaxWidth int
	// MaxSamples is the largest number of samples of a dataset (default 8).
	MaxSamples int
	// Scale bounds |w| and |x|, |y| of ordinary values (default 4).
	Scale float64
	// Hostile draws values with [Source.Hostile] instead of
	// [Source.Value]: about one in eight is then NaN, ±Inf, ±0, a
	// subnormal, 1e308 or arbitrary bits.
	Hostile bool
}

// The defaults of [Limits].
const (
	DefaultMaxLayers  = 3
	DefaultMaxWidth   = 6
	DefaultMaxSamples = 8
	DefaultScale      = 4
)

func (l *Limits) withDefaults() Limits {
	var d Limits
	if l != nil {
		d = *l
	}
	if d.MaxLayers <= 0 {
		d.MaxLayers = DefaultMaxLayers
	}
	if d.MaxWidth <= 0 {
		d.MaxWidth = DefaultMaxWidth
	}
	if d.MaxSamples <= 0 {
		d.MaxSamples = DefaultMaxSamples
	}
	if !(d.Scale > 0) || math.IsInf(d.Scale, 0) {
		d.Scale = DefaultScale
	}
	return d
}

func (s *Source) value(l Limits) float64 {
	if l.Hostile {
		return s.Hostile(l.Scale)
	}
	return s.Value(l.Scale)
}

// Params returns n parameter values within l.
func (s *Source) Params(n int, l *Limits) []float64 {
	lim := l.withDefaults()
	p := make([]float64, n)
	for i := range p {
		p[i] = s.value(lim)
	}
	return p
}

// Config returns a network configuration within l: 1 to MaxLayers layers of
// widths 1 to MaxWidth, each with any activation, and either loss, but for
// one output the squared error (backprop refuses the softmax cross-entropy
// over one output, which is 0 for any weights; the switch keeps the bytes
// each input consumes, so saved inputs still decode to the same shapes).
func (s *Source) Config(l *Limits) backprop.Config {
	lim := l.withDefaults()
	acts := backprop.Activations()
	losses := backprop.Losses()
	L := s.IntRange(1, lim.MaxLayers)
	c := backprop.Config{Sizes: []int{s.IntRange(1, lim.MaxWidth)}}
	for range L {
		c.Sizes = append(c.Sizes, s.IntRange(1, lim.MaxWidth))
		c.Activations = append(c.Activations, acts[s.IntRange(0, len(acts)-1)])
	}
	c.Loss = losses[s.IntRange(0, len(losses)-1)]
	if c.Loss == backprop.SoftmaxCrossEntropy && c.Sizes[L] < 2 {
		c.Loss = backprop.SquaredError
	}
	return c
}

// Network returns a network of [Source.Config](l) with parameters of
// [Source.Params](l).
func (s *Source) Network(l *Limits) *backprop.Network {
	net := backprop.MustNew(s.Config(l))
	net.SetParams(s.Params(net.NumParams(), l))
	return net
}

// Dataset returns 1 to l.MaxSamples samples of in inputs and out targets
// within l. With l.Hostile the values may be NaN or ±Inf, which
// [backprop.Dataset.Validate] refuses: such a dataset is for checking that
// a model or checker flags them, not for training.
//
// It panics unless in and out are positive.
func (s *Source) Dataset(in, out int, l *Limits) *backprop.Dataset {
	if in <= 0 || out <= 0 {
		panic("fuzz: Dataset: in and out must be positive")
	}
	lim := l.withDefaults()
	n := s.IntRange(1, lim.MaxSamples)
	d := &backprop.Dataset{N: n, In: in, Out: out, X: make([]float64, n*in), Y: make([]float64, n*out)}
	for i := range n {
		for k := range in {
			d.X[i*in+k] = s.value(lim)
		}
		for k := range out {
			d.Y[i*out+k] = s.value(lim)
		}
	}
	return d
}

// DatasetFor returns a [Source.Dataset] for a network configured by c: its
// first and last widths, and for the softmax cross-entropy targets |y|
// (with l.Hostile a NaN stays NaN), since a negative target makes that
// cost unbounded below and netio refuses it in a dataset. It consumes the
// same bytes as Dataset.
func (s *Source) DatasetFor(c backprop.Config, l *Limits) *backprop.Dataset {
	d := s.Dataset(c.Sizes[0], c.Sizes[len(c.Sizes)-1], l)
	if c.Loss == backprop.SoftmaxCrossEntropy {
		for i, y := range d.Y {
			d.Y[i] = math.Abs(y)
		}
	}
	return d
}
