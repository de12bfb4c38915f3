package claimed

import (
	"errors"
	"fmt"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/netio"
)

// Flatten returns the per-layer gradient f as one vector in backprop's flat
// order for net, after checking its shape against net's sizes. The error
// names the layer and the expected and found shapes, and says when a weight
// block is transposed ([in][out] instead of [out][in]); non-finite values
// are errors naming the field (see [netio.GradientFile.Flat]).
func Flatten(net *backprop.Network, f *netio.GradientFile) ([]float64, error) {
	if f == nil {
		return nil, errors.New("no gradient")
	}
	sizes := net.Config().Sizes
	if len(f.Layers) != len(sizes)-1 {
		return nil, fmt.Errorf("layers: the gradient has %d, the model %d (sizes %v)", len(f.Layers), len(sizes)-1, sizes)
	}
	for l, layer := range f.Layers {
		in, out := sizes[l], sizes[l+1]
		rows, cols, ragged := shape(layer.Weights)
		switch {
		case ragged >= 0:
			return nil, fmt.Errorf("layer %d weights: row %d has %d values, row 0 has %d; want %d×%d (%d rows, one per output unit, of %d values, one per input unit)",
				l, ragged, len(layer.Weights[ragged]), cols, out, in, out, in)
		case rows != out || cols != in:
			hint := ""
			if rows == in && cols == out {
				hint = "; it is transposed: write ∂C/∂W as [out][in], the shape of nn.Linear.weight, not [in][out]"
			}
			return nil, fmt.Errorf("layer %d weights: found %d×%d, want %d×%d (n_out × n_in: row j holds the weights into output unit j)%s", l, rows, cols, out, in, hint)
		case len(layer.Biases) != out:
			return nil, fmt.Errorf("layer %d biases: found %d, want %d (one per output unit)", l, len(layer.Biases), out)
		}
	}
	return f.Flat(sizes)
}

// shape returns the number of rows and the length of row 0, and the first
// row of another length (−1 if none).
func shape(w [][]float64) (rows, cols, ragged int) {
	if len(w) == 0 {
		return 0, 0, -1
	}
	for j, row := range w {
		if len(row) != len(w[0]) {
			return len(w), len(w[0]), j
		}
	}
	return len(w), len(w[0]), -1
}
