package netio

import (
	"fmt"
	"io"
	"math"
	"os"

	"github.com/gradcheck/gradcheck/backprop"
)

// GradientFile is the JSON form of a gradient: the mean cost and ∂C/∂W, ∂C/∂b
// per layer, in the model file's layout.
type GradientFile struct {
	Loss   float64 `json:"loss"`
	Layers []Layer `json:"layers"`
}

// NewGradientFile arranges a flat gradient g of net (see backprop's flat
// layout) and its cost as a GradientFile.
func NewGradientFile(net *backprop.Network, cost float64, g []float64) *GradientFile {
	f := &GradientFile{Loss: cost}
	c := net.Config()
	off := 0
	for l := range net.NumLayers() {
		in, out := c.Sizes[l], c.Sizes[l+1]
		var layer Layer
		for j := range out {
			layer.Weights = append(layer.Weights, append([]float64(nil), g[off+j*in:off+(j+1)*in]...))
		}
		off += in * out
		layer.Biases = append([]float64(nil), g[off:off+out]...)
		off += out
		f.Layers = append(f.Layers, layer)
	}
	return f
}

// Flat returns the gradient as one vector in backprop's flat layout, after
// checking it against sizes; the error names the layer and the expected and
// found shapes.
func (f *GradientFile) Flat(sizes []int) ([]float64, error) {
	if math.IsNaN(f.Loss) || math.IsInf(f.Loss, 0) {
		return nil, fmt.Errorf("loss: %v is not finite", f.Loss)
	}
	if err := checkLayers("layers", f.Layers, sizes); err != nil {
		return nil, err
	}
	var g []float64
	for _, layer := range f.Layers {
		for _, row := range layer.Weights {
			g = append(g, row...)
		}
		g = append(g, layer.Biases...)
	}
	return g, nil
}

// ReadGradient parses a gradient file from r; name is used in errors.
func ReadGradient(r io.Reader, name string) (*GradientFile, error) {
	var f GradientFile
	if err := decodeJSON(r, name, &f); err != nil {
		return nil, err
	}
	if f.Layers == nil {
		return nil, fmt.Errorf("%s: layers: missing", name)
	}
	return &f, nil
}

// LoadGradient reads the gradient file at path, or standard input for "-".
func LoadGradient(path string) (*GradientFile, error) {
	if path == "-" {
		return ReadGradient(os.Stdin, "<stdin>")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadGradient(f, path)
}

// WriteGradient writes f as indented JSON. JSON has no NaN or ±Inf: the
// error for one names its field.
func WriteGradient(w io.Writer, f *GradientFile) error {
	if math.IsNaN(f.Loss) || math.IsInf(f.Loss, 0) {
		return fmt.Errorf("loss: %v cannot be written (JSON has no NaN or Inf)", f.Loss)
	}
	if err := finiteLayers("layers", f.Layers); err != nil {
		return err
	}
	return encodeJSON(w, f)
}
