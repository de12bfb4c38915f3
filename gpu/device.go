package gpu

import (
	"errors"
	"fmt"
	"sync"

	"github.com/gradcheck/gradcheck/gpu/cuda"
	"github.com/gradcheck/gradcheck/gpu/kernels"
)

// Device is a GPU with the kernels loaded: a CUDA context shared by any number of
// networks. Networks made on one device keep their own memory, which each frees when
// it is closed.
type Device struct {
	ctx    *cuda.Context
	ownCtx bool
	mod    *cuda.Module
	f64    kernelSet
	f32    kernelSet

	mu     sync.Mutex
	closed bool
	blas   error // why cuBLAS is not used, once asked; errNotAsked before

	// math is the cuBLAS handle's math mode, read and set on the context's thread.
	math cuda.MathMode
}

var errNotAsked = errors.New("not asked")

// kernelSet holds one precision's kernel entry points.
type kernelSet struct {
	gemmNN, gemmNT, gemmTN        cuda.Function
	biasActFwd, actBwd            cuda.Function
	sqErr, sqErrGrad              cuda.Function
	softmaxXent, softmaxXentGradW cuda.Function
	colSum, gatherRows, sgdUpdate cuda.Function
	elemBytes                     int
	scalar                        func(float64) cuda.Arg
	precision                     Precision
	name                          string
}

// Open opens device ordinal (0 is the first GPU) and loads the kernels. Without a usable
// GPU the error wraps cuda.ErrUnavailable and says why.
func Open(ordinal int) (*Device, error) {
	ctx, err := cuda.Open(ordinal)
	if err != nil {
		return nil, fmt.Errorf("gpu: %w", err)
	}
	d, err := OnContext(ctx)
	if err != nil {
		return nil, errors.Join(err, ctx.Close())
	}
	d.ownCtx = true
	return d, nil
}

// OnContext loads the kernels into an open context, for a caller that manages the context
// itself (tests use one on a fake driver). Closing the device unloads them and leaves the
// context open.
func OnContext(ctx *cuda.Context) (*Device, error) {
	d := &Device{ctx: ctx, blas: errNotAsked, math: cuda.MathPedantic}
	err := ctx.Do(func(th *cuda.Thread) error {
		m, err := th.LoadModule(kernels.PTX())
		if err != nil {
			return err
		}
		d.mod = m
		if d.f64, err = resolve(th, m, kernels.F64); err != nil {
			return err
		}
		d.f64.elemBytes, d.f64.scalar, d.f64.precision = 8, cuda.F64, Float64
		if d.f32, err = resolve(th, m, kernels.F32); err != nil {
			return err
		}
		d.f32.elemBytes, d.f32.precision = 4, Float32
		d.f32.scalar = func(v float64) cuda.Arg { return cuda.F32(float32(v)) }
		return nil
	})
	if err != nil {
		if d.mod != nil {
			err = errors.Join(err, ctx.Do(func(th *cuda.Thread) error { return th.Unload(d.mod) }))
		}
		return nil, fmt.Errorf("gpu: loading the kernels: %w", err)
	}
	return d, nil
}

func resolve(th *cuda.Thread, m *cuda.Module, s kernels.Set) (kernelSet, error) {
	var k kernelSet
	var errs []error
	get := func(dst *cuda.Function, name string) {
		f, err := th.Function(m, name)
		errs = append(errs, err)
		*dst = f
	}
	get(&k.gemmNN, s.GemmNN)
	get(&k.gemmNT, s.GemmNT)
	get(&k.gemmTN, s.GemmTN)
	get(&k.biasActFwd, s.BiasActFwd)
	get(&k.actBwd, s.ActBwd)
	get(&k.sqErr, s.SqErr)
	get(&k.sqErrGrad, s.SqErrGrad)
	get(&k.softmaxXent, s.SoftmaxXent)
	get(&k.softmaxXentGradW, s.SoftmaxXentGradW)
	get(&k.colSum, s.ColSum)
	get(&k.gatherRows, s.GatherRows)
	get(&k.sgdUpdate, s.SGDUpdate)
	return k, errors.Join(errs...)
}

func (d *Device) kernels(p Precision) *kernelSet {
	if p == Float32 {
		return &d.f32
	}
	return &d.f64
}

// cuBLAS reports whether cuBLAS can be used on the device, and if not why (an error
// wrapping cuda.ErrUnavailable). Other errors, from a cuBLAS that loads but fails, are
// returned as they are.
func (d *Device) cuBLAS() (ok bool, why error, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.blas == errNotAsked {
		err := d.ctx.Do(func(th *cuda.Thread) error {
			_, err := th.BLAS()
			return err
		})
		if err != nil && !errors.Is(err, cuda.ErrUnavailable) {
			return false, nil, err
		}
		d.blas = err
	}
	return d.blas == nil, d.blas, nil
}

// Name returns the GPU's name, e.g. "NVIDIA H100 80GB HBM3".
func (d *Device) Name() string { return d.ctx.Name() }

// Context returns the device's CUDA context.
func (d *Device) Context() *cuda.Context { return d.ctx }

func (d *Device) String() string { return d.ctx.String() }

// Close unloads the kernels and, if Open opened the context, closes it, which frees every
// allocation the device's networks left (on a context of the caller's, closing the
// context does). Networks made on the device must not be used afterwards. Closing twice
// is a no-op.
func (d *Device) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	if d.ownCtx {
		return d.ctx.Close()
	}
	return d.ctx.Do(func(th *cuda.Thread) error { return th.Unload(d.mod) })
}
