package gpu

import (
	"strings"

	"github.com/gradcheck/gradcheck/gpu/cuda"
)

// Piece appends to dst the sign pattern of the ReLU and leaky-ReLU pre-activations of the
// last forward pass (Cost, Gradient or Step) and returns it: one bit per unit and sample,
// set for z > 0, layer by layer, samples then units, eight to a byte from the low bit, as
// numgrad.NetworkPiece gives for a backprop network. It is numgrad's Piecewise interface:
// with it the checker knows for certain when a stencil crosses a kink. A network without
// kinks, or before any forward pass, appends nothing. It panics if the device fails.
func (n *Network) Piece(dst []byte) []byte {
	if n.lastRows == 0 {
		return dst
	}
	var cur byte
	bit := 0
	err := n.do(func(th *cuda.Thread) error {
		for l, a := range n.cfg.Activations {
			if !a.HasKink() {
				continue
			}
			z := make([]float64, n.lastRows*n.cfg.Sizes[l+1])
			if err := n.download(th, z, n.buf.z[l]); err != nil {
				return err
			}
			for _, v := range z {
				if v > 0 {
					cur |= 1 << bit
				}
				if bit++; bit == 8 {
					dst, cur, bit = append(dst, cur), 0, 0
				}
			}
		}
		return nil
	})
	if err != nil {
		panic("gpu: Piece: " + strings.TrimPrefix(err.Error(), "gpu: "))
	}
	if bit > 0 {
		dst = append(dst, cur)
	}
	return dst
}
