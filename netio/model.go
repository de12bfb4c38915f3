package netio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
)

// MaxFileSize bounds the bytes read from one model, gradient or dataset
// file, so that a hostile input cannot exhaust memory.
const MaxFileSize = 1 << 30

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
		return c, fmt.Errorf("init: unknown initialisation %q (want auto, xavier or he)", m.Init)
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
	c := net.Config()
	m := &ModelFile{Sizes: c.Sizes, Loss: c.Loss.String(), Seed: c.Seed}
	for _, a := range c.Activations {
		m.Activations = append(m.Activations, a.String())
	}
	for name, v := range initNames {
		if v == c.Init && name != "" {
			m.Init = name
		}
	}
	for l := range net.NumLayers() {
		w, b := net.Weights(l)
		m.Layers = append(m.Layers, Layer{Weights: w, Biases: b})
	}
	return m
}

// ReadModel parses a model file from r; name is used in errors.
func ReadModel(r io.Reader, name string) (*ModelFile, error) {
	var m ModelFile
	if err := decodeJSON(r, name, &m); err != nil {
		return nil, err
	}
	if _, err := m.Config(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if m.Layers != nil {
		if err := checkLayers("layers", m.Layers, m.Sizes); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	return &m, nil
}

// LoadModel reads the model file at path and builds its network.
func LoadModel(path string) (*backprop.Network, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := ReadModel(f, path)
	if err != nil {
		return nil, err
	}
	net, err := m.Network()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return net, nil
}

// WriteModel writes m as indented JSON. JSON has no NaN or ±Inf: the
// error for one names its field.
func WriteModel(w io.Writer, m *ModelFile) error {
	if err := finiteLayers("layers", m.Layers); err != nil {
		return err
	}
	return encodeJSON(w, m)
}

// finiteLayers returns an error naming the first NaN or ±Inf in layers.
func finiteLayers(field string, layers []Layer) error {
	for l, layer := range layers {
		for j, row := range layer.Weights {
			for i, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("%s[%d].weights[%d][%d]: %v cannot be written (JSON has no NaN or Inf)", field, l, j, i, v)
				}
			}
		}
		for j, v := range layer.Biases {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s[%d].biases[%d]: %v cannot be written (JSON has no NaN or Inf)", field, l, j, v)
			}
		}
	}
	return nil
}

// SaveModel writes net's model file to path.
func SaveModel(path string, net *backprop.Network) error {
	var buf bytes.Buffer
	if err := WriteModel(&buf, FromNetwork(net)); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// decodeJSON decodes one JSON value from r into v, refusing unknown fields
// and trailing data. Errors name the file, the line and column and, for a
// value of the wrong type, the field.
func decodeJSON(r io.Reader, name string, v any) error {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxFileSize {
		return fmt.Errorf("%s: larger than %d bytes", name, MaxFileSize)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fmt.Errorf("%s: empty file", name)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			// Offset counts the bytes read, the offending one included.
			return fmt.Errorf("%s:%s: %v", name, position(data, syn.Offset-1), err)
		case errors.As(err, &typ):
			return fmt.Errorf("%s:%s: field %s: %s is not a valid %v", name, position(data, typ.Offset), typ.Field, typ.Value, typ.Type)
		case errors.Is(err, io.ErrUnexpectedEOF):
			return fmt.Errorf("%s: unexpected end of file", name)
		}
		return fmt.Errorf("%s: %v", name, err)
	}
	if dec.More() {
		return fmt.Errorf("%s:%s: data after the JSON value", name, position(data, dec.InputOffset()))
	}
	return nil
}

// position returns "line:col" of byte offset off in data.
func position(data []byte, off int64) string {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("%d:%d", line, col)
}
