package backprop

import (
	"fmt"
	"unsafe"
)

// CostAt returns C(θ; b) computed in the element type T, one sample at a
// time, by the same activation and loss definitions as the float64 path.
// With T = [Complex] and θ_i = w_i + ih it gives the complex-step derivative
// Im C/h; with T = [Dual] and a unit D in θ_i, the exact ∂C/∂θ_i in D.
// The network's own parameters are not used or changed.
func CostAt[T Scalar[T]](n *Network, theta []T, b Batch) (T, error) {
	var zero T
	if len(theta) != len(n.params) {
		panic(fmt.Sprintf("backprop: CostAt: len(theta) = %d, want %d", len(theta), len(n.params)))
	}
	if err := b.check(n.cfg.Sizes[0], n.cfg.Sizes[n.NumLayers()]); err != nil {
		return zero, err
	}
	maxw := 0
	for _, s := range n.cfg.Sizes {
		maxw = max(maxw, s)
	}
	cur, next := make([]T, maxw), make([]T, maxw)
	sum := zero.Const(0)
	for i := range b.Len() {
		x, y := b.Sample(i)
		a := cur[:len(x)]
		for k, v := range x {
			a[k] = zero.Const(v)
		}
		for l := range n.NumLayers() {
			in, out := n.cfg.Sizes[l], n.cfg.Sizes[l+1]
			bw, bb := n.layout.Blocks[2*l], n.layout.Blocks[2*l+1]
			w, bias := theta[bw.Offset:bw.Offset+in*out], theta[bb.Offset:bb.Offset+out]
			z := next[:out]
			for j := range out {
				s := bias[j]
				for k, ak := range a {
					s = s.Add(w[j*in+k].Mul(ak))
				}
				z[j] = Activate(n.cfg.Activations[l], s)
			}
			a, cur, next = z, next, cur
		}
		sum = sum.Add(SampleError(n.cfg.Loss, a, y))
	}
	return sum.Div(zero.Const(float64(b.Len()))), nil
}

// asReal views a []float64 as a []Real, without copying.
func asReal(x []float64) []Real {
	return unsafe.Slice((*Real)(unsafe.SliceData(x)), len(x))
}
