package netio

// layerCaps bounds one layer of a file while it is read: the most rows of
// weights, values in a row and biases (0: unbounded but for the reader's
// Values). With exact set the bounds are the shape itself, validated (and
// seen by Limits.CheckSizes): the reader allocates each slice at its final
// size, and does not count it against Values, since the sizes bound it.
type layerCaps struct {
	rows, row, weights, biases int
	exact                      bool
	shape                      string // the shape the bounds come from, for messages
}

// layers reads an array of layer objects {"weights": [[…]], "biases": […]}
// into field, at most maxLayers of them (0: unbounded), the l-th bounded by
// caps(l) when caps is not nil. have names what maxLayers comes from.
func (d *decoder) layers(field string, maxLayers int, have string, caps func(l int) layerCaps) ([]Layer, error) {
	layers := []Layer{}
	err := d.array(field, func(l int, sub string) error {
		if maxLayers > 0 && l >= maxLayers {
			return d.errorf("%s: more than %d layers, want %d (%s)", field, maxLayers, maxLayers, have)
		}
		var c layerCaps
		if caps != nil {
			c = caps(l)
		}
		layer, err := d.layer(sub, c)
		layers = append(layers, layer)
		return err
	})
	return layers, err
}

// layer reads one layer object within c.
func (d *decoder) layer(field string, c layerCaps) (Layer, error) {
	var layer Layer
	line, col := d.tokLine, d.tokCol // the layer's {, which array has peeked
	err := d.object(field, func(key, sub string) error {
		switch key {
		case "weights":
			layer.Weights = make([][]float64, 0, prealloc(c.rows, c.exact))
			total := 0
			return d.array(sub, func(j int, rowField string) error {
				if c.rows > 0 && j >= c.rows {
					return d.errorf("%s: more than %d rows, want %d (%s: one row per output unit)", sub, c.rows, c.rows, c.shape)
				}
				if err := d.keepUnless(c.exact, 3, rowField); err != nil {
					return err
				}
				row := make([]float64, 0, prealloc(c.row, c.exact))
				err := d.array(rowField, func(i int, vf string) error {
					if c.row > 0 && i >= c.row {
						return d.errorf("%s: more than %d values, want %d (%s: one per input unit)", rowField, c.row, c.row, c.shape)
					}
					if c.weights > 0 && total >= c.weights {
						return d.errorf("%s: more than the %d weights of the layer (%s)", vf, c.weights, c.shape)
					}
					if err := d.keepUnless(c.exact, 1, vf); err != nil {
						return err
					}
					v, err := d.Float(vf)
					row = append(row, v)
					total++
					return err
				})
				layer.Weights = append(layer.Weights, row)
				return err
			})
		case "biases":
			layer.Biases = make([]float64, 0, prealloc(c.biases, c.exact))
			return d.array(sub, func(j int, vf string) error {
				if c.biases > 0 && j >= c.biases {
					return d.errorf("%s: more than %d values, want %d (%s)", sub, c.biases, c.biases, c.shape)
				}
				if err := d.keepUnless(c.exact, 1, vf); err != nil {
					return err
				}
				v, err := d.Float(vf)
				layer.Biases = append(layer.Biases, v)
				return err
			})
		}
		return errUnknownKey
	})
	if err != nil {
		return layer, err
	}
	d.tokLine, d.tokCol = line, col
	switch {
	case layer.Weights == nil:
		return layer, d.errorf("%s: weights: missing", field)
	case layer.Biases == nil:
		return layer, d.errorf("%s: biases: missing", field)
	}
	return layer, nil
}

// prealloc is the capacity to allocate for a slice bounded by n: n itself
// when the bound is the exact shape, otherwise none (the slice grows with
// what the file holds, so that a bound never allocates memory by itself).
func prealloc(n int, exact bool) int {
	if exact {
		return n
	}
	return 0
}

// keepUnless is keep, but for values whose bound is exact.
func (d *decoder) keepUnless(exact bool, n int64, field string) error {
	if exact {
		return nil
	}
	return d.keep(n, field)
}
