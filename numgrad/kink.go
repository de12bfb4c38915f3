package numgrad

import "github.com/gradcheck/gradcheck/backprop"

// Piecewise is an optional interface of a [backprop.Model] whose cost is
// smooth except where some internal quantity crosses zero, such as the
// pre-activation of a ReLU. Piece appends to dst a signature of the smooth
// piece that the last Cost call lay on and returns it; two calls on the
// same piece give equal signatures.
//
// The checker compares the signatures of the points of a stencil with that
// of the point itself: a stencil that straddles a kink is then recognised
// for certain rather than inferred from the shape of the differences. A
// *backprop.Network needs no method: the checker reads its pre-activations
// (see [NetworkPiece]).
type Piecewise interface {
	Piece(dst []byte) []byte
}

// NetworkPiece appends to dst the sign pattern of net's ReLU and leaky-ReLU
// pre-activations from its last forward pass (one bit per unit and sample,
// set for z > 0, the side whose derivative is 1) and returns it. Layers
// without a kink contribute nothing. A model that wraps a Network can
// implement [Piecewise] with it.
func NetworkPiece(net *backprop.Network, dst []byte) []byte { return signs(net, dst) }

func signs(net networkLike, dst []byte) []byte {
	c := net.Config()
	var cur byte
	bit := 0
	for l, a := range c.Activations {
		if !a.HasKink() {
			continue
		}
		z := net.PreActivation(l)
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

// networkLike is what the sign pattern needs: a *backprop.Network, or a
// model that embeds one (its Cost must then run the embedded forward pass).
type networkLike interface {
	Config() backprop.Config
	PreActivation(l int) backprop.View
}

// pieceOf returns the piece signature function of m, or nil when m cannot
// tell its pieces or has no kinks.
func pieceOf(m backprop.Model) func([]byte) []byte {
	if p, ok := m.(Piecewise); ok {
		return p.Piece
	}
	if net, ok := m.(networkLike); ok {
		if !hasKink(net.Config()) {
			return nil
		}
		return func(dst []byte) []byte { return signs(net, dst) }
	}
	return nil
}

func hasKink(c backprop.Config) bool {
	for _, a := range c.Activations {
		if a.HasKink() {
			return true
		}
	}
	return false
}
