package backprop

import "fmt"

// GradientAt sets dst = ∂C/∂θ at theta on b, computed in the element type
// T by the backward pass of the package documentation, one sample at a
// time, with the generic definitions of the activations ([Activate],
// [DerivAt]) and losses ([SampleError], [SampleErrorGrad]); it returns
// C(θ; b). With T = [Real] it is the network's gradient in another order
// of summation; with T = [Dual] and θ = θ₀ + ε·v it is forward-over-reverse
// differentiation: the dual part of dst is the Hessian–vector product
// ∇²C(θ₀)·v, exact up to rounding (see [Network.HessianVector]); with
// T = [Complex] and θ = θ₀ + ih·v, Im dst/h is the same product by the
// complex step. The network's own parameters are not used or changed. It
// panics if theta or dst has the wrong length.
func GradientAt[T Scalar[T]](n *Network, dst, theta []T, b Batch) (T, error) {
	var zero T
	if len(theta) != len(n.params) || len(dst) != len(n.params) {
		panic(fmt.Sprintf("backprop: GradientAt: len(theta) = %d, len(dst) = %d, want %d", len(theta), len(dst), len(n.params)))
	}
	if err := b.check(n.cfg.Sizes[0], n.cfg.Sizes[n.NumLayers()]); err != nil {
		return zero, err
	}
	L := n.NumLayers()
	sizes := n.cfg.Sizes
	// z[l] and a[l] of one sample; a[-1] is the input, kept in in.
	z, a := make([][]T, L), make([][]T, L)
	for l := range L {
		z[l], a[l] = make([]T, sizes[l+1]), make([]T, sizes[l+1])
	}
	in := make([]T, sizes[0])
	maxw := 0
	for _, s := range sizes {
		maxw = max(maxw, s)
	}
	bufA, bufB := make([]T, maxw), make([]T, maxw)
	for i := range dst {
		dst[i] = zero.Const(0)
	}
	sum := zero.Const(0)
	invB := zero.Const(1 / float64(b.Len()))
	for s := range b.Len() {
		x, y := b.Sample(s)
		for k, v := range x {
			in[k] = zero.Const(v)
		}
		act := in
		for l := range L {
			nin, nout := sizes[l], sizes[l+1]
			bw, bb := n.layout.Blocks[2*l], n.layout.Blocks[2*l+1]
			w, bias := theta[bw.Offset:bw.Offset+nin*nout], theta[bb.Offset:bb.Offset+nout]
			for j := range nout {
				v := bias[j]
				for k, ak := range act {
					v = v.Add(w[j*nin+k].Mul(ak))
				}
				z[l][j] = v
				a[l][j] = Activate(n.cfg.Activations[l], v)
			}
			act = a[l]
		}
		sum = sum.Add(SampleError(n.cfg.Loss, a[L-1], y))
		// δᴸ = (1/B) ∂e/∂aᴸ ⊙ fᴸ′(zᴸ), then layer by layer to the input.
		cur, other := bufA, bufB
		d := cur[:sizes[L]]
		SampleErrorGrad(n.cfg.Loss, d, a[L-1], y)
		for j := range d {
			d[j] = d[j].Mul(invB).Mul(DerivAt(n.cfg.Activations[L-1], z[L-1][j]))
		}
		for l := L - 1; l >= 0; l-- {
			nin, nout := sizes[l], sizes[l+1]
			act := in
			if l > 0 {
				act = a[l-1]
			}
			bw, bb := n.layout.Blocks[2*l], n.layout.Blocks[2*l+1]
			gw, gb := dst[bw.Offset:bw.Offset+nin*nout], dst[bb.Offset:bb.Offset+nout]
			for j := range nout {
				for k, ak := range act {
					gw[j*nin+k] = gw[j*nin+k].Add(d[j].Mul(ak))
				}
				gb[j] = gb[j].Add(d[j])
			}
			if l == 0 {
				break
			}
			w := theta[bw.Offset : bw.Offset+nin*nout]
			p := other[:nin]
			for k := range nin {
				v := zero.Const(0)
				for j := range nout {
					v = v.Add(d[j].Mul(w[j*nin+k]))
				}
				p[k] = v.Mul(DerivAt(n.cfg.Activations[l-1], z[l-1][k]))
			}
			d = p
			cur, other = other, cur
		}
	}
	return sum.Div(zero.Const(float64(b.Len()))), nil
}

// HessianVector sets dst = ∇²C(θ)·v on b at the network's parameters θ,
// by forward-over-reverse dual numbers: the dual part of [GradientAt] at
// θ + ε·v. It is exact up to the rounding of the generic backward pass
// (no step, no truncation), so it serves as the reference of a check of a
// claimed Hessian–vector product (package numgrad/vector). At a ReLU kink
// it differentiates the piece the real computation takes. It allocates
// dst if nil and returns it; it panics if v or dst has the wrong length.
func (n *Network) HessianVector(dst, v []float64, b Batch) ([]float64, error) {
	if dst == nil {
		dst = make([]float64, len(n.params))
	}
	if len(v) != len(n.params) || len(dst) != len(n.params) {
		panic(fmt.Sprintf("backprop: HessianVector: len(v) = %d, len(dst) = %d, want %d", len(v), len(dst), len(n.params)))
	}
	theta := make([]Dual, len(n.params))
	for i, p := range n.params {
		theta[i] = Dual{V: p, D: v[i]}
	}
	g := make([]Dual, len(n.params))
	if _, err := GradientAt(n, g, theta, b); err != nil {
		return nil, err
	}
	for i, gi := range g {
		dst[i] = gi.D
	}
	return dst, nil
}
