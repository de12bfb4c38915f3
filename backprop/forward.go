package backprop

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Cost returns the mean error over b's samples.
func (n *Network) Cost(b Batch) (float64, error) {
	if err := b.check(n.cfg.Sizes[0], n.cfg.Sizes[n.NumLayers()]); err != nil {
		return 0, err
	}
	n.forward(n.params, b)
	return n.cost(b), nil
}

// Predict returns the network's outputs aᴸ for every sample of b, one row
// per sample.
func (n *Network) Predict(b Batch) ([][]float64, error) {
	if err := b.check(n.cfg.Sizes[0], n.cfg.Sizes[n.NumLayers()]); err != nil {
		return nil, err
	}
	n.forward(n.params, b)
	out := n.Activation(n.NumLayers() - 1)
	rows := make([][]float64, b.Len())
	for i := range rows {
		rows[i] = out.Row(nil, i)
	}
	return rows, nil
}

// resize makes the buffers hold a batch of size bs, reusing their memory.
func (n *Network) resize(bs int) {
	n.batch = bs
	L := n.NumLayers()
	if n.z == nil {
		n.z, n.a, n.delta = make([][]float64, L), make([][]float64, L), make([][]float64, L)
	}
	n.x = grow(n.x, bs*n.cfg.Sizes[0])
	for l := range L {
		w := bs * n.cfg.Sizes[l+1]
		n.z[l], n.a[l], n.delta[l] = grow(n.z[l], w), grow(n.a[l], w), grow(n.delta[l], w)
	}
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// forward computes zˡ and aˡ for every layer on b with parameters theta:
// Zˡ = Aˡ⁻¹ Wˡᵀ + 1 bˡᵀ, one row per sample.
func (n *Network) forward(theta []float64, b Batch) {
	bs := b.Len()
	n.resize(bs)
	in0 := n.cfg.Sizes[0]
	for i := range bs {
		x, _ := b.Sample(i)
		copy(n.x[i*in0:], x)
	}
	prev := n.x
	for l := range n.NumLayers() {
		in, out := n.cfg.Sizes[l], n.cfg.Sizes[l+1]
		w, bias := n.weights(theta, l)
		z := n.z[l]
		for i := range bs {
			copy(z[i*out:(i+1)*out], bias)
		}
		blas64.Gemm(blas.NoTrans, blas.Trans, 1,
			general(bs, in, prev), general(out, in, w), 1, general(bs, out, z))
		n.cfg.Activations[l].activate(n.a[l], z)
		prev = n.a[l]
	}
}

// cost returns the mean error of the last forward pass; the sum runs over
// samples in batch order.
func (n *Network) cost(b Batch) float64 {
	L := n.NumLayers()
	out := n.cfg.Sizes[L]
	var s float64
	for i := range n.batch {
		_, y := b.Sample(i)
		s += float64(SampleError(n.cfg.Loss, asReal(n.a[L-1][i*out:(i+1)*out]), y))
	}
	return s / float64(n.batch)
}

func general(r, c int, data []float64) blas64.General {
	return blas64.General{Rows: r, Cols: c, Stride: c, Data: data}
}
