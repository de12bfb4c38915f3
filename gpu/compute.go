package gpu

import (
	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/gpu/cuda"
	"github.com/gradcheck/gradcheck/gpu/kernels"
)

// Launch shapes. Element- and row-wise kernels loop over a grid stride, so a grid of at
// most maxBlocks blocks covers any size.
const (
	blockThreads = 256
	maxBlocks    = 1 << 16
	maxColBlocks = 65535
)

// launch1D launches f on enough blocks of blockThreads threads for count elements.
func (n *Network) launch1D(th *cuda.Thread, f cuda.Function, count int, args ...cuda.Arg) error {
	blocks := max(1, min((count+blockThreads-1)/blockThreads, maxBlocks))
	return th.Launch(f, cuda.Dim(blocks), cuda.Dim(blockThreads), 0, args...)
}

// colSum sets out_j = (Σ_i X_ij)/div for the rows×cols matrix X, in colsum's fixed tree
// order.
func (n *Network) colSum(th *cuda.Thread, rows, cols int, x, out uint64, div float64) error {
	return th.Launch(n.k.colSum, cuda.Dim(min(cols, maxColBlocks)), cuda.Dim(kernels.ReduceThreads), 0,
		cuda.Int(rows), cuda.Int(cols), cuda.Ptr(x), cuda.Ptr(out), n.k.scalar(div))
}

// gemm sets C = op(A)·op(B), row-major: C is m×nc, the inner dimension k; A is stored
// k×m when ta (else m×k), B is stored nc×k when tb (else k×nc). Only the layouts nn, nt
// and tn occur.
func (n *Network) gemm(th *cuda.Thread, ta, tb bool, m, nc, k int, a, b, c uint64) error {
	if n.blas {
		bl, err := th.BLAS()
		if err != nil {
			return err
		}
		if n.dev.math != n.math {
			if err := bl.SetMathMode(n.math); err != nil {
				return err
			}
			n.dev.math = n.math
		}
		if n.k.precision == Float32 {
			return bl.Sgemm(ta, tb, m, nc, k, 1, a, b, 0, c)
		}
		return bl.Dgemm(ta, tb, m, nc, k, 1, a, b, 0, c)
	}
	f := n.k.gemmNN
	switch {
	case ta && tb:
		panic("gpu: no GEMM kernel for Aᵀ·Bᵀ")
	case ta:
		f = n.k.gemmTN
	case tb:
		f = n.k.gemmNT
	}
	const t = kernels.GemmTile
	return th.Launch(f, cuda.Dim3{X: (nc + t - 1) / t, Y: (m + t - 1) / t}, cuda.Dim3{X: t, Y: t}, 0,
		cuda.Int(m), cuda.Int(nc), cuda.Int(k), cuda.Ptr(a), cuda.Ptr(b), cuda.Ptr(c))
}

// weights returns the device addresses of layer l's weights and biases within the flat
// array at base (the parameters or the gradient).
func (n *Network) weights(base uint64, l int) (w, b uint64) {
	eb := uint64(n.k.elemBytes)
	bw, bb := n.layout.Blocks[2*l], n.layout.Blocks[2*l+1]
	return base + uint64(bw.Offset)*eb, base + uint64(bb.Offset)*eb
}

// slope is LeakyReLU's slope argument.
func (n *Network) slope() cuda.Arg { return n.k.scalar(backprop.LeakySlope) }

// forward computes every layer's Zˡ = Aˡ⁻¹·Wˡᵀ + 1·bˡᵀ and Aˡ = fˡ(Zˡ) for the batch p.
func (n *Network) forward(th *cuda.Thread, p plan) error {
	bs, prev := p.rows, p.x
	n.lastRows = bs
	for l := range len(n.acts) {
		in, out := n.cfg.Sizes[l], n.cfg.Sizes[l+1]
		w, b := n.weights(n.params, l)
		z, a := n.buf.z[l], n.buf.a[l]
		if err := n.gemm(th, false, true, bs, out, in, prev, w, z); err != nil {
			return err
		}
		if err := n.launch1D(th, n.k.biasActFwd, bs*out, cuda.Int(bs), cuda.Int(out),
			cuda.Ptr(b), cuda.Ptr(z), cuda.Ptr(a), cuda.Int(n.acts[l]), n.slope()); err != nil {
			return err
		}
		prev = a
	}
	return nil
}

// loss follows forward: with cost set it leaves the batch's cost C = (1/B) Σ_s e_s in
// buf.cost, with grad set δᴸ = ∂C/∂aᴸ in buf.d[L−1] (not yet multiplied by fᴸ′).
func (n *Network) loss(th *cuda.Thread, p plan, cost, grad bool) error {
	L := len(n.acts)
	bs, out := p.rows, n.cfg.Sizes[L]
	aL, dL, e := n.buf.a[L-1], n.buf.d[L-1], n.buf.e
	switch n.cfg.Loss {
	case backprop.SquaredError:
		if cost {
			if err := n.launch1D(th, n.k.sqErr, bs, cuda.Int(bs), cuda.Int(out), cuda.Ptr(aL), cuda.Ptr(p.y), cuda.Ptr(e)); err != nil {
				return err
			}
		}
		if grad {
			if err := n.launch1D(th, n.k.sqErrGrad, bs*out, cuda.Int(bs), cuda.Int(out), cuda.Ptr(aL), cuda.Ptr(p.y), cuda.Ptr(dL)); err != nil {
				return err
			}
		}
	case backprop.SoftmaxCrossEntropy:
		// The softmax P goes into δᴸ's array, which the gradient then overwrites in place.
		if err := n.launch1D(th, n.k.softmaxXent, bs, cuda.Int(bs), cuda.Int(out), cuda.Ptr(aL), cuda.Ptr(p.y), cuda.Ptr(dL), cuda.Ptr(e)); err != nil {
			return err
		}
		if grad {
			if err := n.launch1D(th, n.k.softmaxXentGradW, bs, cuda.Int(bs), cuda.Int(out), cuda.Ptr(dL), cuda.Ptr(p.y), cuda.Ptr(dL)); err != nil {
				return err
			}
		}
	default:
		panic("gpu: unknown loss") // New copies a validated configuration
	}
	if cost {
		return n.colSum(th, bs, 1, e, n.buf.cost, float64(bs))
	}
	return nil
}

// backward runs the chain rule from δᴸ = ∂C/∂aᴸ (left by loss) down to the first layer
// and writes ∂C/∂θ into the gradient array, in backprop's layout:
//
//	δˡ ← δˡ ⊙ fˡ′(zˡ),  ∂C/∂Wˡ = δˡᵀ·Aˡ⁻¹,  ∂C/∂bˡ = Σ_samples δˡ,  δˡ⁻¹ = δˡ·Wˡ.
func (n *Network) backward(th *cuda.Thread, p plan) error {
	bs := p.rows
	for l := len(n.acts) - 1; l >= 0; l-- {
		in, out := n.cfg.Sizes[l], n.cfg.Sizes[l+1]
		d := n.buf.d[l]
		if n.cfg.Activations[l] != backprop.Identity { // f′ = 1: δ is unchanged
			if err := n.launch1D(th, n.k.actBwd, bs*out, cuda.Int(bs*out),
				cuda.Ptr(n.buf.z[l]), cuda.Ptr(n.buf.a[l]), cuda.Ptr(d), cuda.Ptr(d), cuda.Int(n.acts[l]), n.slope()); err != nil {
				return err
			}
		}
		prev := p.x
		if l > 0 {
			prev = n.buf.a[l-1]
		}
		gw, gb := n.weights(n.grad, l)
		if err := n.gemm(th, true, false, out, in, bs, d, prev, gw); err != nil {
			return err
		}
		if err := n.colSum(th, bs, out, d, gb, 1); err != nil {
			return err
		}
		if l > 0 {
			w, _ := n.weights(n.params, l)
			if err := n.gemm(th, false, false, bs, in, out, d, w, n.buf.d[l-1]); err != nil {
				return err
			}
		}
	}
	return nil
}
