package backprop

import (
	"math"

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
		n.z, n.a, n.delta, n.e = make([][]float64, L), make([][]float64, L), make([][]float64, L), make([][]float64, L)
	}
	for l := range L {
		w := bs * n.cfg.Sizes[l+1]
		n.z[l], n.a[l], n.delta[l] = grow(n.z[l], w), grow(n.a[l], w), grow(n.delta[l], w)
		if n.cfg.Activations[l] == Sigmoid {
			n.e[l] = grow(n.e[l], w)
		}
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
	prev := n.inputs(b)
	for l := range n.NumLayers() {
		in, out := n.cfg.Sizes[l], n.cfg.Sizes[l+1]
		w, bias := n.weights(theta, l)
		z := n.z[l]
		for i := range bs {
			copy(z[i*out:(i+1)*out], bias)
		}
		blas64.Gemm(blas.NoTrans, blas.Trans, 1,
			general(bs, in, prev), general(out, in, w), 1, general(bs, out, z))
		if act := n.cfg.Activations[l]; act == Sigmoid {
			elementwise(&n.wg, elemJob{op: opSigmoidExp, a: n.a[l], b: n.e[l], c: z}, len(z))
		} else {
			elementwise(&n.wg, elemJob{op: opActivate, act: act, a: n.a[l], b: z}, len(z))
		}
		prev = n.a[l]
	}
}

// inputs returns b's inputs as one row-major batch×n₀ matrix and keeps it in
// n.in for the backward pass: the dataset's own rows where the batch is the
// whole dataset in order, otherwise the rows gathered into n.x.
func (n *Network) inputs(b Batch) []float64 {
	bs, in0 := b.Len(), n.cfg.Sizes[0]
	if b.Rows == nil {
		n.in = b.Data.X[: bs*in0 : bs*in0]
		return n.in
	}
	n.x = grow(n.x, bs*in0)
	for i := range bs {
		x, _ := b.Sample(i)
		copy(n.x[i*in0:], x)
	}
	n.in = n.x
	return n.in
}

// ApplyTo sets dst[i] = f(z[i]) for every i: [Activation.Apply] over a
// slice, with the sigmoid's loop written out, which saves a call and a
// switch per element (TestApplyTo holds it to Apply bit for bit). dst and z
// may be the same slice.
func (a Activation) ApplyTo(dst, z []float64) {
	dst = dst[:len(z)]
	switch a {
	case Identity:
		copy(dst, z)
	case Sigmoid:
		for i, v := range z {
			e := math.Exp(-math.Abs(v))
			dst[i] = sigmoidNum(v, e) / (1 + e)
		}
	default:
		for i, v := range z {
			dst[i] = a.Apply(v)
		}
	}
}

// sigmoidExp sets dst[i] = σ(z[i]) and e[i] = e^{−|z[i]|}, the exponential
// that σ(z) and σ′(z) = σ(z)·σ(−z) both need (see sigmoidDeriv), so that
// the backward pass does not compute it again.
//
// Where the CPU has AVX2 and FMA the blocks of four run in a vector kernel
// (kernels_amd64.s) that rounds as this loop does; the loop takes the blocks
// the kernel leaves (arguments beyond −708, NaN) and the tail.
func sigmoidExp(dst, e, z []float64) {
	e = e[:len(z)]
	dst = dst[:len(z)]
	i := 0
	for useVector && i < len(z) {
		i += sigmoidExpVector(dst[i:], e[i:], z[i:])
		end := min(i+4, len(z))
		sigmoidExpGo(dst[i:end], e[i:end], z[i:end])
		i = end
	}
	sigmoidExpGo(dst[i:], e[i:], z[i:])
}

// sigmoidExpGo is sigmoidExp's loop in Go.
func sigmoidExpGo(dst, e, z []float64) {
	for i, v := range z {
		ev := math.Exp(-math.Abs(v))
		e[i] = ev
		dst[i] = sigmoidNum(v, ev) / (1 + ev)
	}
}

// sigmoidNum returns the numerator of σ(z) = sigmoidNum(z, e)/(1 + e), e =
// e^{−|z|}: 1 for z ≥ 0 and e otherwise (NaN included). That is
// Sigmoid.Apply operation for operation, which takes 1/(1 + e^{−z}) for
// z ≥ 0 and e^{z}/(1 + e^{z}) for z < 0, both e^{−|z|} with the same
// argument bits (TestApplyTo, TestSigmoidExp). The choice is made on the
// bits, which the compiler turns into a conditional move: a branch on the
// sign of z, which is unpredictable, costs more than the division.
func sigmoidNum(z, e float64) float64 {
	n := math.Float64bits(e)
	if z >= 0 {
		n = 0x3ff0000000000000 // 1.0
	}
	return math.Float64frombits(n)
}

// cost returns the mean error of the last forward pass; the sum runs over
// samples in batch order.
func (n *Network) cost(b Batch) float64 {
	L := n.NumLayers()
	out := n.cfg.Sizes[L]
	var s float64
	for i := range n.batch {
		_, y := b.Sample(i)
		s += sampleError(n.cfg.Loss, n.a[L-1][i*out:(i+1)*out], y)
	}
	return s / float64(n.batch)
}

func general(r, c int, data []float64) blas64.General {
	return blas64.General{Rows: r, Cols: c, Stride: c, Data: data}
}
