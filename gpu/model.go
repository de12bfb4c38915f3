package gpu

import (
	"fmt"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/gpu/cuda"
)

// Cost returns C(θ; b), the mean over b's samples of their errors.
func (n *Network) Cost(b backprop.Batch) (float64, error) {
	var c [1]float64
	err := n.do(func(th *cuda.Thread) error {
		p, err := n.prepare(th, b)
		if err != nil {
			return err
		}
		if err := n.forward(th, p); err != nil {
			return err
		}
		if err := n.loss(th, p, true, false); err != nil {
			return err
		}
		return n.download(th, c[:], n.buf.cost)
	})
	return c[0], err
}

// Gradient sets dst = ∂C/∂θ on b, copied from the device, and returns C(θ; b). It
// panics if len(dst) != NumParams().
func (n *Network) Gradient(dst []float64, b backprop.Batch) (float64, error) {
	if len(dst) != n.n {
		panic(fmt.Sprintf("gpu: Gradient: len(dst) = %d, want %d", len(dst), n.n))
	}
	var c [1]float64
	err := n.do(func(th *cuda.Thread) error {
		if err := n.backpropOn(th, b, true); err != nil {
			return err
		}
		if err := n.download(th, dst, n.grad); err != nil {
			return err
		}
		return n.download(th, c[:], n.buf.cost)
	})
	return c[0], err
}

// Step applies θ ← θ − η·∂C/∂θ on b in place on the device, each product η·g rounded
// before the subtraction (in float32, η is rounded to float32 first). Nothing is copied
// back, and the cost is not computed.
func (n *Network) Step(eta float64, b backprop.Batch) error {
	return n.do(func(th *cuda.Thread) error {
		if err := n.backpropOn(th, b, false); err != nil {
			return err
		}
		return n.launch1D(th, n.k.sgdUpdate, n.n, cuda.Int(n.n), cuda.Ptr(n.grad), cuda.Ptr(n.params), n.k.scalar(eta))
	})
}

// ParamsTo copies θ from the device into dst (allocated if nil) and returns it. It
// panics if dst has the wrong length, and, having no error to return, if the device fails
// or the network is closed.
func (n *Network) ParamsTo(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, n.n)
	}
	if len(dst) != n.n {
		panic(fmt.Sprintf("gpu: ParamsTo: len(dst) = %d, want %d", len(dst), n.n))
	}
	if err := n.do(func(th *cuda.Thread) error { return n.download(th, dst, n.params) }); err != nil {
		panic("gpu: ParamsTo: " + strings.TrimPrefix(err.Error(), "gpu: "))
	}
	return dst
}

// SetParams sets θ = src on the device (rounded to float32 in that precision). It panics
// if len(src) != NumParams(), and, having no error to return, if the device fails or the
// network is closed.
func (n *Network) SetParams(src []float64) {
	if len(src) != n.n {
		panic(fmt.Sprintf("gpu: SetParams: len(src) = %d, want %d", len(src), n.n))
	}
	if err := n.do(func(th *cuda.Thread) error { return n.upload(th, n.params, src) }); err != nil {
		panic("gpu: SetParams: " + strings.TrimPrefix(err.Error(), "gpu: "))
	}
}

// Synchronize waits until the device has finished the work queued so far (Step does not
// wait), and returns the first failure.
func (n *Network) Synchronize() error {
	return n.do(func(th *cuda.Thread) error { return th.Synchronize() })
}

var (
	_ backprop.Model    = (*Network)(nil)
	_ backprop.Stepper  = (*Network)(nil)
	_ backprop.Layouter = (*Network)(nil)
)

// backpropOn leaves the gradient on b in n.grad: the forward pass, the loss
// (with its value in n.buf.cost if cost) and the backward pass.
func (n *Network) backpropOn(th *cuda.Thread, b backprop.Batch, cost bool) error {
	p, err := n.prepare(th, b)
	if err != nil {
		return err
	}
	if err := n.forward(th, p); err != nil {
		return err
	}
	if err := n.loss(th, p, cost, true); err != nil {
		return err
	}
	return n.backward(th, p)
}
