package backprop

// Piece appends to dst the signature of the smooth piece of the cost that
// the last forward pass (Cost, Gradient, Step or Predict) lay on, and
// returns it: the sign pattern of the ReLU and leaky-ReLU pre-activations,
// one bit per unit and sample, set for z > 0 (the side whose derivative is
// 1; z = 0 lies on the side of z < 0, as [Activation.Deriv] has it), layer
// by layer, samples then units, eight to a byte from the low bit. Layers
// without a kink contribute nothing, so a network without kinks always
// appends nothing: its cost is smooth.
//
// It is the Piecewise declaration of package numgrad: with it a checker
// knows for certain whether a difference stencil crosses a kink.
func (n *Network) Piece(dst []byte) []byte {
	var cur byte
	bit := 0
	for l, a := range n.cfg.Activations {
		if !a.HasKink() {
			continue
		}
		z := n.PreActivation(l)
		r, cols := z.Dims()
		for i := range r {
			for j := range cols {
				if z.At(i, j) > 0 {
					cur |= 1 << bit
				}
				if bit++; bit == 8 {
					dst, cur, bit = append(dst, cur), 0, 0
				}
			}
		}
	}
	if bit > 0 {
		dst = append(dst, cur)
	}
	return dst
}

// Smooth reports whether the cost is differentiable everywhere: no layer
// has a kink.
func (c Config) Smooth() bool {
	for _, a := range c.Activations {
		if a.HasKink() {
			return false
		}
	}
	return true
}
