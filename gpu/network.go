package gpu

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/gpu/cuda"
	"github.com/gradcheck/gradcheck/gpu/kernels"
)

// Precision is the element type a network computes in on the device.
type Precision int

const (
	// Float64 computes in double precision, as backprop does.
	Float64 Precision = iota
	// Float32 computes in single precision; parameters and data are rounded to float32
	// when they are copied to the device and widened exactly when copied back.
	Float32
)

func (p Precision) String() string {
	switch p {
	case Float64:
		return "float64"
	case Float32:
		return "float32"
	}
	return fmt.Sprintf("Precision(%d)", int(p))
}

// DefaultMaxDatasets is how many datasets a network keeps on the device by default.
const DefaultMaxDatasets = 4

// Settings configures [New]. A nil *Settings means every default; a zero field means
// that field's default.
type Settings struct {
	// Precision is the element type on the device (default Float64).
	Precision Precision
	// OwnGEMM makes the network use the package's own GEMM kernels even where cuBLAS
	// loads. They are the reference: a fixed summation order, the same on every GPU.
	OwnGEMM bool
	// DefaultMath runs cuBLAS in its default math mode, as PyTorch does with TF32 off,
	// rather than the pedantic mode package cuda sets. Both compute float32 and float64
	// products in their own precision (no TF32); the default mode may pick faster kernels.
	DefaultMath bool
	// Device is the GPU to use. Nil opens device 0 for the network alone, and the
	// network's Close closes it.
	Device *Device
	// MaxDatasets is how many datasets the network keeps on the device (default
	// DefaultMaxDatasets); the one least recently used is freed to make room for another.
	MaxDatasets int
}

// ErrClosed is returned by the methods of a network that has been closed.
var ErrClosed = errors.New("gpu: network closed")

// Network is a backprop network whose parameters, data and computation live on a GPU.
// It implements [backprop.Model], [backprop.Stepper] and [backprop.Layouter] with the
// definitions of package backprop. It is not safe for concurrent use.
type Network struct {
	dev    *Device
	ownDev bool
	k      *kernelSet
	cfg    backprop.Config
	layout backprop.Layout
	n      int   // number of parameters
	acts   []int // kernel activation codes per layer
	blas   bool
	math   cuda.MathMode // cuBLAS's mode for this network's GEMMs
	why    error         // why cuBLAS is not used, if it is not

	params, grad uint64 // device arrays of n elements, in backprop's flat layout
	buf          buffers
	data         *cache

	lastRows int // the batch size of the last forward pass, 0 before any

	scratch []float32 // conversion buffer of the float32 precision
	allocs  map[uint64]int
	closed  bool
}

// New copies net's configuration and parameters to a GPU. Without a usable GPU the error
// wraps cuda.ErrUnavailable and says why.
func New(net *backprop.Network, s *Settings) (*Network, error) {
	var set Settings
	if s != nil {
		set = *s
	}
	if set.Precision != Float64 && set.Precision != Float32 {
		return nil, fmt.Errorf("gpu: unknown precision %d", int(set.Precision))
	}
	if set.MaxDatasets < 0 {
		return nil, fmt.Errorf("gpu: MaxDatasets %d must not be negative", set.MaxDatasets)
	}
	if set.MaxDatasets == 0 {
		set.MaxDatasets = DefaultMaxDatasets
	}
	cfg := net.Config()
	for i, w := range cfg.Sizes {
		if w > math.MaxInt32 {
			return nil, fmt.Errorf("gpu: layer %d has %d units, more than a kernel can index", i, w)
		}
	}
	n := &Network{cfg: cfg, layout: net.Layout(), n: net.NumParams(), allocs: map[uint64]int{}}
	for _, a := range cfg.Activations {
		code, err := activationCode(a)
		if err != nil {
			return nil, err
		}
		n.acts = append(n.acts, code)
	}
	n.dev = set.Device
	if n.dev == nil {
		d, err := Open(0)
		if err != nil {
			return nil, err
		}
		n.dev, n.ownDev = d, true
	}
	n.k = n.dev.kernels(set.Precision)
	n.data = newCache(set.MaxDatasets)
	if !set.OwnGEMM {
		ok, why, err := n.dev.cuBLAS()
		if err != nil {
			return nil, errors.Join(fmt.Errorf("gpu: %w", err), n.Close())
		}
		n.blas, n.why = ok, why
	}
	n.math = cuda.MathPedantic
	if set.DefaultMath {
		n.math = cuda.MathDefault
	}
	err := n.do(func(th *cuda.Thread) error {
		var err error
		if n.params, err = n.alloc(th, n.n*n.k.elemBytes); err != nil {
			return err
		}
		if n.grad, err = n.alloc(th, n.n*n.k.elemBytes); err != nil {
			return err
		}
		return n.upload(th, n.params, net.ParamsTo(nil))
	})
	if err != nil {
		return nil, errors.Join(err, n.Close())
	}
	return n, nil
}

// activationCode returns the kernels' code for a.
func activationCode(a backprop.Activation) (int, error) {
	switch a {
	case backprop.Identity:
		return int(kernels.Identity), nil
	case backprop.Sigmoid:
		return int(kernels.Sigmoid), nil
	case backprop.Tanh:
		return int(kernels.Tanh), nil
	case backprop.ReLU:
		return int(kernels.ReLU), nil
	case backprop.LeakyReLU:
		return int(kernels.LeakyReLU), nil
	case backprop.Softplus:
		return int(kernels.Softplus), nil
	}
	return 0, fmt.Errorf("gpu: activation %v has no kernel", a)
}

// do runs f on the device's thread, with device errors prefixed "gpu: ".
func (n *Network) do(f func(th *cuda.Thread) error) error {
	if n.closed {
		return ErrClosed
	}
	err := n.dev.ctx.Do(f)
	if err != nil && !strings.HasPrefix(err.Error(), "gpu: ") {
		err = fmt.Errorf("gpu: %w", err)
	}
	return err
}

// alloc allocates device memory that Close frees.
func (n *Network) alloc(th *cuda.Thread, bytes int) (uint64, error) {
	p, err := th.Alloc(max(bytes, 1))
	if err != nil {
		return 0, err
	}
	n.allocs[p] = bytes
	return p, nil
}

// free frees an allocation made by alloc; 0 is ignored.
func (n *Network) free(th *cuda.Thread, p uint64) error {
	if p == 0 {
		return nil
	}
	delete(n.allocs, p)
	return th.Free(p)
}

// Config returns the network's configuration (a copy).
func (n *Network) Config() backprop.Config {
	c := n.cfg
	c.Sizes = append([]int(nil), c.Sizes...)
	c.Activations = append([]backprop.Activation(nil), c.Activations...)
	return c
}

// NumParams returns the number of weights and biases.
func (n *Network) NumParams() int { return n.n }

// Layout returns backprop's layout of the parameters, which the device keeps too.
func (n *Network) Layout() backprop.Layout { return n.layout }

// Precision returns the element type on the device.
func (n *Network) Precision() Precision { return n.k.precision }

// Device returns the GPU the network is on.
func (n *Network) Device() *Device { return n.dev }

// GEMM names the matrix products in use: "cuBLAS" or "own kernels", with the reason
// when cuBLAS was wanted and is missing.
func (n *Network) GEMM() string {
	switch {
	case n.blas:
		return "cuBLAS"
	case n.why != nil:
		return "own kernels (" + n.why.Error() + ")"
	}
	return "own kernels"
}

// Close frees the network's device memory (and its device, if New opened one). The
// network must not be used afterwards; its methods return [ErrClosed]. Closing twice is
// a no-op.
func (n *Network) Close() error {
	if n.closed {
		return nil
	}
	var err error
	if n.dev != nil {
		err = n.dev.ctx.Do(func(th *cuda.Thread) error {
			var errs []error
			for p := range n.allocs {
				errs = append(errs, n.free(th, p))
			}
			return errors.Join(errs...)
		})
		if errors.Is(err, cuda.ErrClosed) {
			err = nil // the device's Close freed everything
		}
		if n.ownDev {
			err = errors.Join(err, n.dev.Close())
		}
	}
	n.closed = true
	n.data = nil
	if err != nil {
		return fmt.Errorf("gpu: %w", err)
	}
	return nil
}
