package netio

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
)

// WriteModel writes m as indented JSON. JSON has no NaN or ±Inf: the
// error for one names its field, and nothing is written then.
func WriteModel(w io.Writer, m *ModelFile) error {
	if err := finiteLayers("layers", m.Layers); err != nil {
		return err
	}
	return writeModel(w, m, len(m.Layers), func(l int) ([][]float64, []float64) {
		return m.Layers[l].Weights, m.Layers[l].Biases
	})
}

// SaveModel writes net's model file to path. It writes a temporary file
// beside path and renames it, so that a failure (a full disk) leaves an
// existing file at path as it was.
func SaveModel(path string, net *backprop.Network) error {
	// Layer by layer: a copy of one layer at a time, never of the whole.
	for l := range net.NumLayers() {
		w, b := net.Weights(l)
		if err := finiteLayers(fmt.Sprintf("layers[%d]", l), []Layer{{w, b}}); err != nil {
			// finiteLayers counts from 0 within the one layer given.
			return errors.New(strings.Replace(err.Error(), fmt.Sprintf("layers[%d][0]", l), fmt.Sprintf("layers[%d]", l), 1))
		}
	}
	header := FromConfig(net.Config())
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	err = writeModel(tmp, header, net.NumLayers(), net.Weights)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// WriteGradient writes f as indented JSON. JSON has no NaN or ±Inf: the
// error for one names its field, and nothing is written then.
func WriteGradient(w io.Writer, f *GradientFile) error {
	if math.IsNaN(f.Loss) || math.IsInf(f.Loss, 0) {
		return fmt.Errorf("loss: %v cannot be written (JSON has no NaN or Inf)", f.Loss)
	}
	if err := finiteLayers("layers", f.Layers); err != nil {
		return err
	}
	return writeGradient(w, f.Loss, len(f.Layers), func(l int) ([][]float64, []float64) {
		return f.Layers[l].Weights, f.Layers[l].Biases
	})
}

// WriteFlatGradient writes the gradient g of a network of the given sizes
// (backprop's flat layout) and its cost, as [WriteGradient] writes
// NewGradientFile's result, without arranging a copy of g first. It panics
// if len(g) does not match sizes.
func WriteFlatGradient(w io.Writer, sizes []int, cost float64, g []float64) error {
	n := 0
	for l := 1; l < len(sizes); l++ {
		n += sizes[l] * (sizes[l-1] + 1)
	}
	if len(g) != n {
		panic(fmt.Sprintf("netio: WriteFlatGradient: len(g) = %d, sizes %v have %d parameters", len(g), sizes, n))
	}
	if math.IsNaN(cost) || math.IsInf(cost, 0) {
		return fmt.Errorf("loss: %v cannot be written (JSON has no NaN or Inf)", cost)
	}
	for i, v := range g {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("component %d: %v cannot be written (JSON has no NaN or Inf)", i, v)
		}
	}
	offs := make([]int, len(sizes))
	for l := 1; l < len(sizes); l++ {
		offs[l] = offs[l-1] + sizes[l]*(sizes[l-1]+1)
	}
	return writeGradient(w, cost, len(sizes)-1, func(l int) ([][]float64, []float64) {
		in, out, off := sizes[l], sizes[l+1], offs[l]
		rows := make([][]float64, out)
		for j := range rows {
			rows[j] = g[off+j*in : off+(j+1)*in]
		}
		return rows, g[off+in*out : off+in*out+out]
	})
}

// FromConfig returns the model file of c without weights.
func FromConfig(c backprop.Config) *ModelFile {
	m := &ModelFile{Sizes: c.Sizes, Loss: c.Loss.String(), Seed: c.Seed}
	for _, a := range c.Activations {
		m.Activations = append(m.Activations, a.String())
	}
	for name, v := range initNames {
		if v == c.Init && name != "" {
			m.Init = name
		}
	}
	return m
}

// jsonWriter writes JSON in the layout of encoding/json's Encoder with
// SetIndent("", "  "), one value at a time, so that a file of any size is
// written with memory for one row; the first error sticks.
type jsonWriter struct {
	w   *bufio.Writer
	buf []byte
	err error
}

func newJSONWriter(w io.Writer) *jsonWriter { return &jsonWriter{w: bufio.NewWriterSize(w, 64<<10)} }

func (j *jsonWriter) raw(s string) {
	if j.err == nil {
		_, j.err = j.w.WriteString(s)
	}
}

func (j *jsonWriter) newline(depth int) { j.raw("\n" + strings.Repeat("  ", depth)) }

// key writes the key of a member at depth, preceded by a comma unless first.
func (j *jsonWriter) key(depth int, name string, first bool) {
	if !first {
		j.raw(",")
	}
	j.newline(depth)
	j.raw(strconv.Quote(name) + ": ")
}

// array writes [e(0), …, e(n−1)] with elements at depth+1.
func (j *jsonWriter) array(depth, n int, e func(i int)) {
	if n == 0 {
		j.raw("[]")
		return
	}
	j.raw("[")
	for i := range n {
		if i > 0 {
			j.raw(",")
		}
		j.newline(depth + 1)
		e(i)
	}
	j.newline(depth)
	j.raw("]")
}

// float writes v as encoding/json does: the shortest decimal that reads
// back to v, in exponent form below 1e-6 and from 1e21 on.
func (j *jsonWriter) float(v float64) {
	format := byte('f')
	if a := math.Abs(v); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	b := strconv.AppendFloat(j.buf[:0], v, format, -1, 64)
	if format == 'e' {
		// 1e-07 → 1e-7, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	j.buf = b
	if j.err == nil {
		_, j.err = j.w.Write(b)
	}
}

func (j *jsonWriter) str(s string) {
	b, _ := json.Marshal(s) // a string always marshals
	j.raw(string(b))
}

func (j *jsonWriter) floats(depth int, v []float64) {
	j.array(depth, len(v), func(i int) { j.float(v[i]) })
}

// layers writes the layers array at depth.
func (j *jsonWriter) layers(depth, n int, layer func(l int) ([][]float64, []float64)) {
	j.array(depth, n, func(l int) {
		w, b := layer(l)
		j.raw("{")
		j.key(depth+2, "weights", true)
		j.array(depth+2, len(w), func(r int) { j.floats(depth+3, w[r]) })
		j.key(depth+2, "biases", false)
		j.floats(depth+2, b)
		j.newline(depth + 1)
		j.raw("}")
	})
}

func (j *jsonWriter) close() error {
	j.raw("\n")
	if j.err == nil {
		j.err = j.w.Flush()
	}
	return j.err
}

// writeModel writes m's fields but its layers, then n layers from layer.
func writeModel(w io.Writer, m *ModelFile, n int, layer func(l int) ([][]float64, []float64)) error {
	j := newJSONWriter(w)
	j.raw("{")
	j.key(1, "sizes", true)
	j.array(1, len(m.Sizes), func(i int) { j.raw(strconv.Itoa(m.Sizes[i])) })
	j.key(1, "activations", false)
	j.array(1, len(m.Activations), func(i int) { j.str(m.Activations[i]) })
	j.key(1, "loss", false)
	j.str(m.Loss)
	if m.Init != "" {
		j.key(1, "init", false)
		j.str(m.Init)
	}
	j.key(1, "seed", false)
	j.raw(strconv.FormatUint(m.Seed, 10))
	if n > 0 {
		j.key(1, "layers", false)
		j.layers(1, n, layer)
	}
	j.newline(0)
	j.raw("}")
	return j.close()
}

// writeGradient writes {"loss": cost, "layers": […]}.
func writeGradient(w io.Writer, cost float64, n int, layer func(l int) ([][]float64, []float64)) error {
	j := newJSONWriter(w)
	j.raw("{")
	j.key(1, "loss", true)
	j.float(cost)
	j.key(1, "layers", false)
	j.layers(1, n, layer)
	j.newline(0)
	j.raw("}")
	return j.close()
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
