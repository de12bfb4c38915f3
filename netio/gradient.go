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
// layout) and its cost as a GradientFile. It panics if len(g) is not net's
// number of parameters.
func NewGradientFile(net *backprop.Network, cost float64, g []float64) *GradientFile {
	if len(g) != net.NumParams() {
		panic(fmt.Sprintf("netio: NewGradientFile: len(g) = %d, the network has %d parameters", len(g), net.NumParams()))
	}
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

// ReadGradient is a shorthand for [ReadGradientWithin](r, name, nil).
func ReadGradient(r io.Reader, name string) (*GradientFile, error) {
	return ReadGradientWithin(r, name, nil)
}

// ReadGradientWithin parses a gradient file from r within lim (nil: the
// defaults); name is used in errors. Both fields are required: a file
// without "loss" claims no loss, which is an error, not a claim of 0. With
// lim.Sizes the file may hold no more layers than the model, and no layer
// more numbers than max(n_in, n_out) a row or bias vector and n_in·n_out
// weights, so that its memory is bounded by the model's.
func ReadGradientWithin(r io.Reader, name string, lim *Limits) (*GradientFile, error) {
	l := lim.withDefaults()
	d := newDecoder(r, name, l.Bytes)
	d.maxKept = l.Values
	if err := d.start(); err != nil {
		return nil, err
	}
	var f GradientFile
	seenLoss := false
	err := d.object("", func(key, field string) error {
		switch key {
		case "loss":
			seenLoss = true
			v, err := d.Float(field)
			f.Loss = v
			return err
		case "layers":
			var caps func(int) layerCaps
			maxLayers := 0
			if sizes := l.Sizes; len(sizes) > 1 {
				maxLayers = len(sizes) - 1
				caps = func(l int) layerCaps {
					in, out := sizes[l], sizes[l+1]
					return layerCaps{rows: max(in, out), row: max(in, out), weights: in * out, biases: max(in, out),
						shape: fmt.Sprintf("the model's layer %d is %d×%d", l, out, in)}
				}
			}
			var err error
			f.Layers, err = d.layers(field, maxLayers, fmt.Sprintf("the model's sizes are %v", l.Sizes), caps)
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
	case !seenLoss:
		return nil, fmt.Errorf("%s: loss: missing (the mean cost the gradient belongs to)", name)
	case f.Layers == nil:
		return nil, fmt.Errorf("%s: layers: missing", name)
	}
	return &f, nil
}

// LoadGradient is a shorthand for [LoadGradientWithin](path, nil).
func LoadGradient(path string) (*GradientFile, error) { return LoadGradientWithin(path, nil) }

// LoadGradientWithin reads the gradient file at path, or standard input for
// "-", within lim (nil: the defaults).
func LoadGradientWithin(path string, lim *Limits) (*GradientFile, error) {
	if path == "-" {
		return ReadGradientWithin(os.Stdin, "<stdin>", lim)
	}
	f, err := open(path, lim.withDefaults().Bytes)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadGradientWithin(f, path, lim)
}
