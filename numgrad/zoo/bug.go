package zoo

import (
	"fmt"

	"github.com/gradcheck/gradcheck/backprop"
)

// kind is one classic mistake of a backward pass.
type kind int

const (
	none          kind = iota
	noDeriv            // f′(zˡ) left out of δˡ
	derivAtOutput      // f′ evaluated at aˡ = f(zˡ) instead of at zˡ
	noFactor2          // ∂e/∂a = a − y for e = Σ(a − y)²
	sumBatch           // δᴸ not divided by B
	transposed         // δˡ⁻¹ from Wˡᵀ instead of Wˡ (square layers only)
	noBiasGrad         // ∂C/∂bˡ left at zero
	wrongDelta         // ∂C/∂Wˡ and ∂C/∂bˡ from δˡ⁺¹ instead of δˡ
	signFlip           // ∂C/∂Wˡ and ∂C/∂bˡ negated
	wrongClass         // softmax − y shifted by one class
	noSoftmax          // a − y for softmax(a) − y
	preactInput        // ∂C/∂Wˡ = δˡᵀ zˡ⁻¹ instead of δˡᵀ aˡ⁻¹
)

// every in bug.layer puts the bug in every layer.
const every = -1

// bug is a kind of mistake and the layer it sits in. Loss-level kinds
// (noFactor2, sumBatch, wrongClass, noSoftmax) ignore the layer.
type bug struct {
	kind  kind
	layer int
}

// at reports whether the bug is of kind k and sits in layer l.
func (b bug) at(k kind, l int) bool {
	return b.kind == k && (b.layer == every || b.layer == l)
}

// check returns an error if the bug cannot run on a network of
// configuration c: a loss bug on the other loss, a layer the network does
// not have, or shapes that the mistaken formula cannot multiply. A bug that
// can run but happens to change nothing (the derivative of an identity
// layer left out) is not an error: that is what the buggy code would do.
func (b bug) check(c backprop.Config) error {
	L := len(c.Sizes) - 1
	switch b.kind {
	case none, sumBatch:
		return nil
	case noFactor2:
		if c.Loss != backprop.SquaredError {
			return fmt.Errorf("needs the %v loss, the network has %v", backprop.SquaredError, c.Loss)
		}
		return nil
	case wrongClass, noSoftmax:
		if c.Loss != backprop.SoftmaxCrossEntropy {
			return fmt.Errorf("needs the %v loss, the network has %v", backprop.SoftmaxCrossEntropy, c.Loss)
		}
		return nil
	}
	if b.layer != every && (b.layer < 0 || b.layer >= L) {
		return fmt.Errorf("the bug is in layer %d, the network has layers 0 to %d", b.layer, L-1)
	}
	for l := range L {
		if !b.at(b.kind, l) {
			continue
		}
		switch b.kind {
		case transposed:
			// δˡ⁻¹ = δˡ Wˡ needs Wˡ (n_out×n_in) as it is; δˡ Wˡᵀ
			// multiplies only if it is square. Layer 0's weights are
			// not used to propagate anything.
			if l == 0 && b.layer == 0 {
				return fmt.Errorf("layer 0's weights are not used in the backward pass")
			}
			if l > 0 && c.Sizes[l+1] != c.Sizes[l] {
				return fmt.Errorf("layer %d's weights are %d×%d; transposed they do not fit the backward pass (need a square matrix)", l, c.Sizes[l+1], c.Sizes[l])
			}
		case wrongDelta:
			if l == L-1 {
				return fmt.Errorf("layer %d is the last layer: there is no delta above it to take", l)
			}
			if c.Sizes[l+2] != c.Sizes[l+1] {
				return fmt.Errorf("layer %d has %d units and layer %d has %d: its delta does not fit (need equal widths)", l, c.Sizes[l+1], l+1, c.Sizes[l+2])
			}
		}
	}
	return nil
}
