package netio

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
)

// Layer is one layer's weights (n_out rows of n_in values) and biases.
type Layer struct {
	Weights [][]float64 `json:"weights"`
	Biases  []float64   `json:"biases"`
}

// ModelFile is the JSON form of a model file (see the package documentation).
type ModelFile struct {
	Sizes       []int    `json:"sizes"`
	Activations []string `json:"activations"`
	Loss        string   `json:"loss"`
	Init        string   `json:"init,omitempty"`
	Seed        uint64   `json:"seed"`
	Layers      []Layer  `json:"layers,omitempty"`
}

var initNames = map[string]backprop.Init{"": backprop.InitAuto, "auto": backprop.InitAuto, "xavier": backprop.InitXavier, "he": backprop.InitHe}

// Config returns the network configuration the file describes, or an error
// naming the first wrong field.
func (m *ModelFile) Config() (backprop.Config, error) {
	c := backprop.Config{Sizes: m.Sizes, Seed: m.Seed}
	if len(m.Sizes) < 2 {
		return c, fmt.Errorf("sizes: need at least 2 layer sizes (input and output), have %d", len(m.Sizes))
	}
	for i, s := range m.Sizes {
		if s <= 0 {
			return c, fmt.Errorf("sizes[%d]: layer size %d must be positive", i, s)
		}
	}
	if len(m.Activations) != len(m.Sizes)-1 {
		return c, fmt.Errorf("activations: have %d, want %d (one per layer after the input)", len(m.Activations), len(m.Sizes)-1)
	}
	for i, name := range m.Activations {
		a, err := backprop.ParseActivation(name)
		if err != nil {
			return c, fmt.Errorf("activations[%d]: %w", i, err)
		}
		c.Activations = append(c.Activations, a)
	}
	var err error
	if c.Loss, err = backprop.ParseLoss(m.Loss); err != nil {
		return c, fmt.Errorf("loss: %w", err)
	}
	init, ok := initNames[strings.ToLower(m.Init)]
	if !ok {
		return c, fmt.Errorf("init: unknown initialisation %s (want auto, xavier or he)", quote(m.Init))
	}
	c.Init = init
	return c, c.Validate()
}

// Network builds the network the file describes, with its weights if the
// file has them.
func (m *ModelFile) Network() (*backprop.Network, error) {
	c, err := m.Config()
	if err != nil {
		return nil, err
	}
	if m.Layers == nil {
		return backprop.New(c)
	}
	if err := checkLayers("layers", m.Layers, m.Sizes); err != nil {
		return nil, err
	}
	net, err := backprop.New(c)
	if err != nil {
		return nil, err
	}
	for l, layer := range m.Layers {
		if err := net.SetWeights(l, layer.Weights, layer.Biases); err != nil {
			return nil, err
		}
	}
	return net, nil
}

// checkLayers checks that layers has the shapes sizes asks for and finite
// values; the error names the field, such as layers[1].weights[2][0].
func checkLayers(field string, layers []Layer, sizes []int) error {
	if len(layers) != len(sizes)-1 {
		return fmt.Errorf("%s: have %d layers, want %d", field, len(layers), len(sizes)-1)
	}
	for l, layer := range layers {
		in, out := sizes[l], sizes[l+1]
		if len(layer.Weights) != out {
			return fmt.Errorf("%s[%d].weights: %d rows, want %d (shape %d×%d: one row per output unit)", field, l, len(layer.Weights), out, out, in)
		}
		for j, row := range layer.Weights {
			if len(row) != in {
				return fmt.Errorf("%s[%d].weights[%d]: %d values, want %d (shape %d×%d: one per input unit)", field, l, j, len(row), in, out, in)
			}
			for i, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("%s[%d].weights[%d][%d]: %v is not finite", field, l, j, i, v)
				}
			}
		}
		if len(layer.Biases) != out {
			return fmt.Errorf("%s[%d].biases: %d values, want %d", field, l, len(layer.Biases), out)
		}
		for j, v := range layer.Biases {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s[%d].biases[%d]: %v is not finite", field, l, j, v)
			}
		}
	}
	return nil
}

// FromNetwork returns the model file of net, with its weights.
func FromNetwork(net *backprop.Network) *ModelFile {
	m := FromConfig(net.Config())
	for l := range net.NumLayers() {
		w, b := net.Weights(l)
		m.Layers = append(m.Layers, Layer{Weights: w, Biases: b})
	}
	return m
}

// ReadModel is a shorthand for [ReadModelWithin](r, name, nil).
func ReadModel(r io.Reader, name string) (*ModelFile, error) { return ReadModelWithin(r, name, nil) }

// ReadModelWithin parses a model file from r within lim (nil: the
// defaults); name is used in errors. It reads the file as a stream: memory
// is the weights it keeps and one bounded token, and a layer, row or bias
// vector longer than sizes asks for is an error at its position (when sizes
// comes before layers, as gradcheck writes it).
func ReadModelWithin(r io.Reader, name string, lim *Limits) (*ModelFile, error) {
	l := lim.withDefaults()
	d := newDecoder(r, name, l.Bytes)
	d.maxKept = l.Values
	if err := d.start(); err != nil {
		return nil, err
	}
	m := &ModelFile{}
	var seenSizes, seenActs, seenLoss, checked bool
	// checkSizes validates the sizes read so far and hands them to
	// lim.CheckSizes, once.
	checkSizes := func(layers bool) error {
		if checked || !seenSizes || sizesError(m.Sizes) != nil {
			return nil
		}
		checked = true
		if l.CheckSizes == nil {
			return nil
		}
		if err := l.CheckSizes(append([]int(nil), m.Sizes...), layers); err != nil {
			return fmt.Errorf("%s: sizes: %w", name, err)
		}
		return nil
	}
	err := d.object("", func(key, field string) error {
		switch key {
		case "sizes":
			seenSizes = true
			m.Sizes = []int{}
			return d.array(field, func(_ int, sub string) error {
				if err := d.keep(1, sub); err != nil {
					return err
				}
				v, err := d.Int(sub)
				m.Sizes = append(m.Sizes, v)
				return err
			})
		case "activations":
			seenActs = true
			m.Activations = []string{}
			return d.array(field, func(_ int, sub string) error {
				s, err := d.String(sub)
				if err != nil {
					return err
				}
				if err := d.keep(int64(2+len(s)/8), sub); err != nil {
					return err
				}
				m.Activations = append(m.Activations, s)
				return nil
			})
		case "loss":
			seenLoss = true
			s, err := d.String(field)
			m.Loss = s
			return err
		case "init":
			s, err := d.String(field)
			m.Init = s
			return err
		case "seed":
			v, err := d.Uint64(field)
			m.Seed = v
			return err
		case "layers":
			if err := checkSizes(true); err != nil {
				return err
			}
			var caps func(int) layerCaps
			maxLayers := 0
			if checked {
				sizes := m.Sizes
				maxLayers = len(sizes) - 1
				caps = func(l int) layerCaps {
					in, out := sizes[l], sizes[l+1]
					return layerCaps{rows: out, row: in, biases: out, exact: true,
						shape: fmt.Sprintf("shape %d×%d", out, in)}
				}
			}
			var err error
			m.Layers, err = d.layers(field, maxLayers, fmt.Sprintf("sizes %v", m.Sizes), caps)
			return err
		}
		return errUnknownKey
	})
	if err == nil {
		err = d.end()
	}
	if err != nil {
		return nil, err
	}
	switch {
	case !seenSizes:
		return nil, fmt.Errorf("%s: sizes: missing (the width of every layer, input first)", name)
	case !seenActs:
		return nil, fmt.Errorf("%s: activations: missing (one per layer after the input)", name)
	case !seenLoss:
		return nil, fmt.Errorf("%s: loss: missing (squared-error or softmax-cross-entropy)", name)
	}
	if _, err := m.Config(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := checkSizes(m.Layers != nil); err != nil {
		return nil, err
	}
	if m.Layers != nil {
		if err := checkLayers("layers", m.Layers, m.Sizes); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return m, nil
}

// sizesError returns the error of backprop's validation of sizes alone.
func sizesError(sizes []int) error {
	c := backprop.Config{Sizes: sizes}
	if len(sizes) > 1 {
		c.Activations = make([]backprop.Activation, len(sizes)-1)
	}
	return c.Validate()
}

// LoadModelFile reads the model file at path within lim (nil: the
// defaults); a regular file over lim's size is refused before it is read.
func LoadModelFile(path string, lim *Limits) (*ModelFile, error) {
	f, err := open(path, lim.withDefaults().Bytes)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadModelWithin(f, path, lim)
}

// LoadModel reads the model file at path and builds its network.
func LoadModel(path string) (*backprop.Network, error) {
	m, err := LoadModelFile(path, nil)
	if err != nil {
		return nil, err
	}
	net, err := m.Network()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return net, nil
}
