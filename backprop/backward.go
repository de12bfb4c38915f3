package backprop

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Gradient sets dst = ∂C/∂θ on b by backpropagation and returns C.
func (n *Network) Gradient(dst []float64, b Batch) (float64, error) {
	if len(dst) != len(n.params) {
		panic(fmt.Sprintf("backprop: Gradient: len(dst) = %d, want %d", len(dst), len(n.params)))
	}
	if err := b.check(n.cfg.Sizes[0], n.cfg.Sizes[n.NumLayers()]); err != nil {
		return 0, err
	}
	n.forward(n.params, b)
	n.backward(dst, n.params, b, 0)
	return n.cost(b), nil
}

// Step applies θ ← θ − η·∂C/∂θ on b in place: the parameters Gradient and
// then Update would give, bit for bit (TestStepIsUpdate), but each
// layer is updated as soon as the backward pass has its gradient and has
// used its old weights, so that the gradient lives in one layer-sized buffer
// that stays in cache rather than in a whole gradient vector written to and
// read back from memory ([1024 1024 1024 1024] at batch 256: 25 MB). Once the
// buffers have grown to b's size, Step, Gradient and Cost allocate nothing
// with the native matrix product of package blas (blas.Use). With gonum's
// pure Go product they allocate in the products that gonum splits among
// goroutines, those whose result (batch × layer width, or a weight
// gradient's n_l × n_{l−1}) has 4 or more blocks of 64×64: a channel, and a
// goroutine and a closure per block (TestNoAllocs).
func (n *Network) Step(eta float64, b Batch) error {
	if err := b.check(n.cfg.Sizes[0], n.cfg.Sizes[n.NumLayers()]); err != nil {
		return err
	}
	n.forward(n.params, b)
	n.backward(nil, n.params, b, eta)
	return nil
}

// backward runs the chain rule from the last layer to the first over the
// buffers of the last forward pass and writes the gradient into dst:
//
//	δᴸ = (1/B) ∂e/∂aᴸ ⊙ fᴸ′(zᴸ)
//	∂C/∂Wˡ = δˡᵀ aˡ⁻¹,  ∂C/∂bˡ = Σ_samples δˡ
//	δˡ⁻¹ = (δˡ Wˡ) ⊙ fˡ⁻¹′(zˡ⁻¹)
//
// With dst nil it makes Step's update instead: each layer's gradient goes
// into the buffer n.grad and, once δˡ⁻¹ has been computed from the old Wˡ,
// updates that layer of theta by θ − fl(η·g), as Update does.
func (n *Network) backward(dst, theta []float64, b Batch, eta float64) {
	bs, L := n.batch, n.NumLayers()
	out := n.cfg.Sizes[L]
	d := n.delta[L-1]
	for i := range bs {
		_, y := b.Sample(i)
		n.cfg.Loss.outputGrad(d[i*out:(i+1)*out], n.a[L-1][i*out:(i+1)*out], y, 1/float64(bs))
	}
	n.mulDeriv(L-1, d)
	for l := L - 1; l >= 0; l-- {
		in, out := n.cfg.Sizes[l], n.cfg.Sizes[l+1]
		prev := n.in
		if l > 0 {
			prev = n.a[l-1]
		}
		d := n.delta[l]
		var gw, gb []float64
		if dst != nil {
			gw, gb = n.weights(dst, l)
		} else {
			n.grad = grow(n.grad, (in+1)*out)
			gw, gb = n.grad[:in*out], n.grad[in*out:]
		}
		blas64.Gemm(blas.Trans, blas.NoTrans, 1, general(bs, out, d), general(bs, in, prev), 0, general(out, in, gw))
		// Column sums in sample order: a fixed order, so fixed bits.
		clear(gb)
		for i := range bs {
			addTo(gb, d[i*out:(i+1)*out])
		}
		w, bias := n.weights(theta, l)
		if l > 0 {
			blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, general(bs, out, d), general(out, in, w), 0, general(bs, in, n.delta[l-1]))
			n.mulDeriv(l-1, n.delta[l-1])
		}
		if dst == nil {
			elementwise(&n.wg, elemJob{op: opUpdate, a: w, eta: eta, b: gw}, len(w))
			Update(bias, eta, gb)
		}
	}
}

// addTo sets dst[j] += src[j] for every j, in a vector kernel where the
// CPU has AVX2 (the same additions, four at a time).
func addTo(dst, src []float64) {
	src = src[:len(dst)]
	i := 0
	if useVector {
		i = addToVector(dst, src)
	}
	for ; i < len(dst); i++ {
		dst[i] += src[i]
	}
}

// mulDeriv sets d[i] *= fˡ′(zˡ[i]) for layer l of the last forward pass.
func (n *Network) mulDeriv(l int, d []float64) {
	if act := n.cfg.Activations[l]; act == Sigmoid {
		elementwise(&n.wg, elemJob{op: opSigmoidDeriv, a: d, b: n.z[l], c: n.a[l], d: n.e[l]}, len(d))
	} else if act != Identity {
		elementwise(&n.wg, elemJob{op: opMulDeriv, act: act, a: d, b: n.z[l], c: n.a[l]}, len(d))
	}
}

// mulDeriv sets d[i] *= f′(z[i]), given a[i] = f(z[i]).
func (a Activation) mulDeriv(d, z, fz []float64) {
	if a == Identity {
		return
	}
	for i := range d {
		d[i] *= a.Deriv(z[i], fz[i])
	}
}

// sigmoidDeriv sets d[i] *= σ′(z[i]) given fz[i] = σ(z[i]) and e[i] =
// e^{−|z[i]|} from sigmoidExp. It is Sigmoid.Deriv, fz·Sigmoid.Apply(−z),
// operation for operation, with σ(−z) = sigmoidNum(−z, e)/(1 + e), since
// e^{−|−z|} = e^{−|z|} (TestSigmoidExp).
// Blocks of four run in a vector kernel where the CPU has AVX2 (see
// sigmoidExp).
func sigmoidDeriv(d, z, fz, e []float64) {
	z, fz, e = z[:len(d)], fz[:len(d)], e[:len(d)]
	if useVector {
		i := sigmoidDerivVector(d, z, fz, e)
		d, z, fz, e = d[i:], z[i:], fz[i:], e[i:]
	}
	for i, v := range z {
		d[i] *= fz[i] * (sigmoidNum(-v, e[i]) / (1 + e[i])) // fz·σ(−z)
	}
}
