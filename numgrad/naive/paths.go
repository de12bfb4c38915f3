package naive

import (
	"fmt"

	"github.com/gradcheck/gradcheck/backprop"
)

// PathLimitError is returned by [PathEnumeration] when a gradient would
// need more path products than the limit allows.
type PathLimitError struct {
	// Paths is the number of path products the gradient needs, over all
	// samples (a float64: it can exceed any integer type).
	Paths float64
	// Samples is the batch size, a factor of Paths.
	Samples int
	// Limit is Settings.MaxPaths, or DefaultMaxPaths.
	Limit int64
}

func (e *PathLimitError) Error() string {
	return fmt.Sprintf("naive: path enumeration needs %.3g path products (%.3g per sample × %d samples), more than the limit of %d (Settings.MaxPaths)",
		e.Paths, e.Paths/float64(e.Samples), e.Samples, e.Limit)
}

// PathEnumeration sets dst_i = ∂C/∂θ_i on b exactly, as the textbook's sum
// over paths: for the weight Wᵐ_jk from unit k of layer m−1 to unit j of
// layer m (1-based layers, L in all),
//
//	∂e/∂Wᵐ_jk = Σ_{u_{m+1}, …, u_L} aᵐ⁻¹_k · fᵐ′(zᵐ_j) · Π_{l=m+1..L} Wˡ_{u_l u_{l−1}} fˡ′(zˡ_{u_l}) · ∂e/∂aᴸ_{u_L}
//
// with u_m = j: one product of one-layer derivatives per path from unit j to
// an output, Π_{l>m} n_l paths. A bias's paths are those of its unit, without
// the factor aᵐ⁻¹_k. Each path's product is formed from scratch, for every
// parameter and every sample; nothing is shared between parameters, which
// is exactly the saving the chain rule makes by storing δˡ = ∂C/∂zˡ once per
// layer. Factors f′ = 1 of identity layers are left out.
//
// One float64 forward pass provides zˡ, aˡ and ∂e/∂aᴸ. Before it, the
// number of path products B·Σ_m n_m(n_{m−1}+1)·Π_{l>m} n_l is computed; if
// it exceeds the limit the call returns a *[PathLimitError] and does no
// work, so a deep or wide network is refused instead of running for hours.
//
// It allocates dst if nil and returns it; it panics if len(dst) is not
// net.NumParams(). The network is not modified. The work is added to c.
func PathEnumeration(dst []float64, net *backprop.Network, b backprop.Batch, c *Count, s *Settings) ([]float64, error) {
	sh := shapeOf(net)
	if err := sh.checkBatch(b); err != nil {
		return nil, err
	}
	limit := int64(DefaultMaxPaths)
	if s != nil && s.MaxPaths != 0 {
		limit = s.MaxPaths
	}
	if limit < 0 {
		return nil, fmt.Errorf("naive: Settings.MaxPaths = %d must not be negative", limit)
	}
	if n := pathsPerSample(sh.sizes) * float64(b.Len()); n > float64(limit) {
		return nil, &PathLimitError{Paths: n, Samples: b.Len(), Limit: limit}
	}
	dst = dstFor(dst, net)
	theta := net.ParamsTo(nil)
	e := newEnumerator(sh, theta, b, c)
	for _, blk := range sh.blocks {
		for r := range blk.Rows {
			for col := range blk.Cols {
				k := col
				if blk.Group == backprop.Biases {
					k = -1
				}
				var sum float64
				for i := range e.bs {
					sum += e.sum(blk.Layer, r, k, i)
				}
				dst[blk.Offset+r*blk.Cols+col] = sum / float64(e.bs)
			}
		}
	}
	if c != nil {
		c.MulAdds += e.mults
		c.Paths += e.paths
	}
	return dst, nil
}

// enumerator holds the one-layer factors of one forward pass: the weights,
// the activations, fˡ′(zˡ) (nil for identity layers) and ∂e/∂aᴸ, per sample.
type enumerator struct {
	*pass
	w            [][]float64 // layer l's weights, n_{l+1}×n_l row-major
	deriv        [][]float64
	grad         []float64 // bs×n_L
	u            []int     // the units of the current path, one per layer
	mults, paths int64
}

func newEnumerator(sh shape, theta []float64, b backprop.Batch, c *Count) *enumerator {
	e := &enumerator{pass: newPass(sh, b)}
	e.forward(theta, c)
	L := e.layers()
	for l := range L {
		w, _ := e.params(theta, l)
		e.w = append(e.w, w)
		if e.acts[l] == backprop.Identity {
			e.deriv = append(e.deriv, nil)
			continue
		}
		d := make([]float64, len(e.z[l]))
		for i, z := range e.z[l] {
			d[i] = e.acts[l].Deriv(z, e.a[l][i])
		}
		e.deriv = append(e.deriv, d)
	}
	out := e.sizes[L]
	e.grad = make([]float64, e.bs*out)
	for i := range e.bs {
		e.outputGrad(e.grad[i*out:(i+1)*out], b, i)
	}
	e.u = make([]int, L)
	return e
}

// sum returns Σ over the paths from unit j of layer m (0-based) to the
// outputs of the products of one-layer derivatives on sample s, times the
// input activation k (k < 0 for the bias).
func (e *enumerator) sum(m, j, k, s int) float64 {
	L := e.layers()
	u := e.u
	u[m] = j
	for l := m + 1; l < L; l++ {
		u[l] = 0
	}
	var total float64
	for {
		// One path, its product formed from the output back.
		prod := e.grad[s*e.sizes[L]+u[L-1]]
		for l := L - 1; l > m; l-- {
			n, in := e.sizes[l+1], e.sizes[l]
			if d := e.deriv[l]; d != nil {
				prod *= d[s*n+u[l]]
				e.mults++
			}
			prod *= e.w[l][u[l]*in+u[l-1]]
			e.mults++
		}
		if d := e.deriv[m]; d != nil {
			prod *= d[s*e.sizes[m+1]+j]
			e.mults++
		}
		if k >= 0 {
			prod *= e.input(m)[s*e.sizes[m]+k]
			e.mults++
		}
		total += prod
		e.paths++
		// The next path: an odometer over u_{m+1}, …, u_L, the last fastest.
		l := L - 1
		for ; l > m; l-- {
			u[l]++
			if u[l] < e.sizes[l+1] {
				break
			}
			u[l] = 0
		}
		if l == m {
			return total
		}
	}
}

// pathsPerSample returns Σ_m n_m(n_{m−1}+1)·Π_{l>m} n_l, the number of
// path products one sample needs, as a float64 so that it cannot overflow.
func pathsPerSample(sizes []int) float64 {
	var total float64
	tail := 1.0 // Π_{l>m} n_l
	for m := len(sizes) - 1; m >= 1; m-- {
		total += float64(sizes[m]) * float64(sizes[m-1]+1) * tail
		tail *= float64(sizes[m])
	}
	return total
}
