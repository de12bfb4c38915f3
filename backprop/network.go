package backprop

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
)

// Init chooses how [New] draws the initial weights. Biases start at zero.
type Init int

const (
	// InitAuto uses He for ReLU and leaky-ReLU layers and Xavier otherwise.
	InitAuto Init = iota
	// InitXavier draws W_ji uniformly from ±√(6/(n_in+n_out)) (Glorot & Bengio, 2010).
	InitXavier
	// InitHe draws W_ji from a normal distribution with standard deviation
	// √(2/n_in) (He et al., 2015).
	InitHe
)

// Config describes a network. Activations[i] is the activation of layer i
// (the i-th weight matrix, counting from the input), so
// len(Activations) = len(Sizes) − 1.
type Config struct {
	Sizes       []int
	Activations []Activation
	Loss        Loss
	Init        Init
	// Seed seeds the initial weights: same seed, same bits.
	Seed uint64
}

// Validate returns an error naming the first field that is wrong.
func (c Config) Validate() error {
	if len(c.Sizes) < 2 {
		return fmt.Errorf("sizes: need at least 2 layer sizes (input and output), have %d", len(c.Sizes))
	}
	for i, s := range c.Sizes {
		if s <= 0 {
			return fmt.Errorf("sizes[%d]: layer size %d must be positive", i, s)
		}
	}
	if len(c.Activations) != len(c.Sizes)-1 {
		return fmt.Errorf("activations: have %d, want %d (one per layer after the input)", len(c.Activations), len(c.Sizes)-1)
	}
	for i, a := range c.Activations {
		if a < 0 || a >= numActivations {
			return fmt.Errorf("activations[%d]: unknown activation %d", i, int(a))
		}
	}
	if c.Loss < 0 || c.Loss >= numLosses {
		return fmt.Errorf("loss: unknown loss %d", int(c.Loss))
	}
	if out := c.Sizes[len(c.Sizes)-1]; c.Loss == SoftmaxCrossEntropy && out < 2 {
		// The softmax of one value is 1: e = −y·log 1 = 0 whatever the weights.
		return fmt.Errorf("loss: softmax-cross-entropy over %d output is constant (the softmax of one value is 1, so the cost is 0 for any weights); the last layer needs at least 2 units", out)
	}
	if c.Init < InitAuto || c.Init > InitHe {
		return fmt.Errorf("init: unknown initialisation %d", int(c.Init))
	}
	n := 0
	for i := 1; i < len(c.Sizes); i++ {
		layer := c.Sizes[i] * (c.Sizes[i-1] + 1)
		if layer/(c.Sizes[i-1]+1) != c.Sizes[i] || n+layer < n || n+layer > maxParams {
			return fmt.Errorf("sizes: more than %d parameters", maxParams)
		}
		n += layer
	}
	return nil
}

// maxParams bounds the parameter count so that sizes read from a file
// cannot ask for more memory than a machine has (2²⁸ float64s are 2 GiB).
const maxParams = 1 << 28

// Network is a dense feed-forward network (see the package documentation).
// It implements [Model], [Stepper] and [Layouter].
//
// A Network keeps the activations and deltas of its last call and reuses its
// buffers across calls, so it is not safe for concurrent use; [Network.Clone]
// gives an independent copy for each goroutine.
type Network struct {
	cfg    Config
	params []float64
	layout Layout

	// Buffers of the last call, one per layer, each batch×width row-major.
	batch int
	x     []float64   // the gathered inputs, batch×Sizes[0]
	in    []float64   // the inputs of the last call: x, or the dataset's rows
	z, a  [][]float64 // pre-activations and activations
	e     [][]float64 // e^{−|z|} of sigmoid layers, for σ′ (nil for others)
	delta [][]float64 // ∂C/∂z
	grad  []float64   // Step's gradient of one layer
	wg    sync.WaitGroup
}

// New returns a network with weights drawn as c.Init says from c.Seed.
func New(c Config) (*Network, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c.Sizes = append([]int(nil), c.Sizes...)
	c.Activations = append([]Activation(nil), c.Activations...)
	n := &Network{cfg: c, layout: denseLayout(c.Sizes)}
	n.params = make([]float64, n.layout.Len())
	n.initialize()
	return n, nil
}

// MustNew is like New but panics on an invalid configuration; for tests and
// examples with literal configurations.
func MustNew(c Config) *Network {
	n, err := New(c)
	if err != nil {
		panic("backprop: " + err.Error())
	}
	return n
}

// initialize draws the weights from one PCG stream seeded by the
// configuration's seed, layer by layer, row-major.
func (n *Network) initialize() {
	rng := rand.New(rand.NewPCG(n.cfg.Seed, 0x9e3779b97f4a7c15))
	for l := range n.NumLayers() {
		w, _ := n.weights(n.params, l)
		in, out := n.cfg.Sizes[l], n.cfg.Sizes[l+1]
		init := n.cfg.Init
		if init == InitAuto {
			init = InitXavier
			if n.cfg.Activations[l].HasKink() {
				init = InitHe
			}
		}
		switch init {
		case InitXavier:
			r := math.Sqrt(6 / float64(in+out))
			for i := range w {
				w[i] = r * (2*rng.Float64() - 1)
			}
		case InitHe:
			s := math.Sqrt(2 / float64(in))
			for i := range w {
				w[i] = s * rng.NormFloat64()
			}
		}
	}
}

// Config returns the network's configuration (a copy).
func (n *Network) Config() Config {
	c := n.cfg
	c.Sizes = append([]int(nil), c.Sizes...)
	c.Activations = append([]Activation(nil), c.Activations...)
	return c
}

// NumLayers returns L, the number of weight layers.
func (n *Network) NumLayers() int { return len(n.cfg.Sizes) - 1 }

// NumParams returns the number of weights and biases.
func (n *Network) NumParams() int { return len(n.params) }

// Layout returns the map from flat indices to layers, groups and positions.
func (n *Network) Layout() Layout { return n.layout }

// ParamsTo copies the parameters into dst (allocated if nil) and returns it.
func (n *Network) ParamsTo(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(n.params))
	}
	if len(dst) != len(n.params) {
		panic(fmt.Sprintf("backprop: ParamsTo: len(dst) = %d, want %d", len(dst), len(n.params)))
	}
	copy(dst, n.params)
	return dst
}

// SetParams sets the parameters to src.
func (n *Network) SetParams(src []float64) {
	if len(src) != len(n.params) {
		panic(fmt.Sprintf("backprop: SetParams: len(src) = %d, want %d", len(src), len(n.params)))
	}
	copy(n.params, src)
}

// Weights returns a copy of layer l's weights as rows (n_{l+1} rows of n_l
// values; row j holds the weights into unit j) and its biases.
func (n *Network) Weights(l int) (w [][]float64, b []float64) {
	flatW, flatB := n.weights(n.params, l)
	in := n.cfg.Sizes[l]
	for j := range n.cfg.Sizes[l+1] {
		w = append(w, append([]float64(nil), flatW[j*in:(j+1)*in]...))
	}
	return w, append([]float64(nil), flatB...)
}

// SetWeights sets layer l's weights and biases, in the shapes [Network.Weights]
// returns. The error names the row that has the wrong length.
func (n *Network) SetWeights(l int, w [][]float64, b []float64) error {
	if l < 0 || l >= n.NumLayers() {
		return fmt.Errorf("layer %d: the network has layers 0 to %d", l, n.NumLayers()-1)
	}
	in, out := n.cfg.Sizes[l], n.cfg.Sizes[l+1]
	if len(w) != out {
		return fmt.Errorf("layer %d: weights have %d rows, want %d (one per output unit)", l, len(w), out)
	}
	for j, row := range w {
		if len(row) != in {
			return fmt.Errorf("layer %d: weights row %d has %d values, want %d (one per input unit)", l, j, len(row), in)
		}
	}
	if len(b) != out {
		return fmt.Errorf("layer %d: %d biases, want %d", l, len(b), out)
	}
	flatW, flatB := n.weights(n.params, l)
	for j, row := range w {
		copy(flatW[j*in:], row)
	}
	copy(flatB, b)
	return nil
}

// weights returns the views of layer l's weights and biases in theta.
func (n *Network) weights(theta []float64, l int) (w, b []float64) {
	bw, bb := n.layout.Blocks[2*l], n.layout.Blocks[2*l+1]
	return theta[bw.Offset : bw.Offset+bw.Len()], theta[bb.Offset : bb.Offset+bb.Len()]
}

// Clone returns an independent copy of n with the same parameters.
func (n *Network) Clone() *Network {
	c := &Network{cfg: n.Config(), layout: n.layout, params: append([]float64(nil), n.params...)}
	return c
}

// Delta returns ∂C/∂zˡ of the last Gradient or Step for layer l (0-based),
// one row per sample, read-only. It returns nil before any gradient.
func (n *Network) Delta(l int) View { return n.view(n.delta, l) }

// Activation returns the activations aˡ of layer l (0-based) from the last
// forward pass, one row per sample, read-only.
func (n *Network) Activation(l int) View { return n.view(n.a, l) }

// PreActivation returns the pre-activations zˡ of layer l (0-based) from the
// last forward pass, one row per sample, read-only.
func (n *Network) PreActivation(l int) View { return n.view(n.z, l) }

func (n *Network) view(bufs [][]float64, l int) View {
	if bufs == nil || n.batch == 0 {
		return View{}
	}
	w := n.cfg.Sizes[l+1]
	return View{rows: n.batch, cols: w, data: bufs[l][:n.batch*w]}
}

// View is a read-only row-major matrix.
type View struct {
	rows, cols int
	data       []float64
}

// Dims returns the number of rows and columns.
func (v View) Dims() (r, c int) { return v.rows, v.cols }

// At returns element (i, j).
func (v View) At(i, j int) float64 {
	if i < 0 || i >= v.rows || j < 0 || j >= v.cols {
		panic("backprop: View index out of range")
	}
	return v.data[i*v.cols+j]
}

// Row copies row i into dst (allocated if nil) and returns it.
func (v View) Row(dst []float64, i int) []float64 {
	return append(dst[:0], v.data[i*v.cols:(i+1)*v.cols]...)
}
