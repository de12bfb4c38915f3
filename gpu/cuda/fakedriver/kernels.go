package fakedriver

import (
	"errors"
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/gpu/kernels"
)

// InstallKernels defines a Go body for every entry point of package kernels, written from
// the contracts in kernels.cu: the same formulas, each sum in the same order, each product
// rounded before it is added (the PTX is built with -fmad=false). exp, log, log1p and tanh
// are Go's, rounded to the element type; CUDA's may differ from them by an ulp or two.
//
// Each body checks its launch shape against the contract (GEMM blocks of
// kernels.GemmTile² threads on a grid that covers C, colsum blocks of
// kernels.ReduceThreads, one-dimensional shapes elsewhere) and the extent of every array
// it touches, and faults the fake otherwise.
func InstallKernels(g *GPU) {
	install[float64](g, kernels.F64)
	install[float32](g, kernels.F32)
}

type float interface{ float32 | float64 }

func install[T float](g *GPU, s kernels.Set) {
	g.Define(s.GemmNN, gemm[T](false, false))
	g.Define(s.GemmNT, gemm[T](false, true))
	g.Define(s.GemmTN, gemm[T](true, false))
	g.Define(s.BiasActFwd, biasActFwd[T])
	g.Define(s.ActBwd, actBwd[T])
	g.Define(s.SqErr, sqErr[T])
	g.Define(s.SqErrGrad, sqErrGrad[T])
	g.Define(s.SoftmaxXent, softmaxXent[T])
	g.Define(s.SoftmaxXentGrad, softmaxXentGrad[T](false))
	g.Define(s.SoftmaxXentGradW, softmaxXentGrad[T](true))
	g.Define(s.ColSum, colSum[T])
	g.Define(s.GatherRows, gatherRows[T])
	g.Define(s.SGDUpdate, sgdUpdate[T])
}

// args decodes a launch's arguments in order, each by the kind its parameter has in
// kernels.cu, and collects the first error.
type args struct {
	l   Launch
	i   int
	err error
}

func (a *args) next() uint64 {
	if a.i >= len(a.l.Args) {
		a.fail(fmt.Errorf("%d arguments, the kernel reads more", len(a.l.Args)))
		return 0
	}
	a.i++
	return a.l.Args[a.i-1]
}

func (a *args) fail(err error) {
	if a.err == nil {
		a.err = err
	}
}

// size reads an int argument that is a size: it must not be negative.
func (a *args) size(what string) int {
	v := int(int32(uint32(a.next())))
	if v < 0 {
		a.fail(fmt.Errorf("%s = %d", what, v))
		return 0
	}
	return v
}

// int reads an int argument.
func (a *args) int() int { return int(int32(uint32(a.next()))) }

func (a *args) ptr() uint64 { return a.next() }

// scalar reads a T argument (a float or a double).
func scalar[T float](a *args) T {
	v := a.next()
	var z T
	if _, ok := any(z).(float32); ok {
		return T(math.Float32frombits(uint32(v)))
	}
	return T(math.Float64frombits(v))
}

// array views n elements at p, recording an out-of-bounds access as the error.
func array[T Elem](m Mem, a *args, what string, p uint64, n int) []T {
	if a.err != nil {
		return make([]T, n)
	}
	v, err := View[T](m, p, n)
	if err != nil {
		a.fail(fmt.Errorf("%s: %w", what, err))
		return make([]T, n)
	}
	return v
}

// done checks that every argument was read.
func (a *args) done() error {
	if a.err == nil && a.i != len(a.l.Args) {
		a.err = fmt.Errorf("%d arguments, the kernel reads %d", len(a.l.Args), a.i)
	}
	return a.err
}

// oneDim checks a launch shape for a kernel that takes any one-dimensional shape.
func oneDim(l Launch) error {
	if l.Grid[1] != 1 || l.Grid[2] != 1 || l.Block[1] != 1 || l.Block[2] != 1 {
		return fmt.Errorf("grid %v and block %v: want one-dimensional shapes", l.Grid, l.Block)
	}
	return nil
}

func gemm[T float](ta, tb bool) Kernel {
	return func(m Mem, l Launch) error {
		a := &args{l: l}
		M, N, K := a.size("M"), a.size("N"), a.size("K")
		A := array[T](m, a, "A", a.ptr(), M*K)
		B := array[T](m, a, "B", a.ptr(), K*N)
		C := array[T](m, a, "C", a.ptr(), M*N)
		if err := a.done(); err != nil {
			return err
		}
		const tile = kernels.GemmTile
		if l.Block != [3]uint32{tile, tile, 1} {
			return fmt.Errorf("block %v, want %d×%d", l.Block, tile, tile)
		}
		if int(l.Grid[0])*tile < N || int(l.Grid[1])*tile < M || l.Grid[2] != 1 {
			return fmt.Errorf("grid %v does not cover C (%d×%d) with %d×%d tiles", l.Grid, M, N, tile, tile)
		}
		for row := range M {
			for col := range N {
				acc := T(0)
				for p := range K {
					av, bv := A[row*K+p], B[p*N+col]
					if ta {
						av = A[p*M+row]
					}
					if tb {
						bv = B[col*K+p]
					}
					acc += T(av * bv)
				}
				C[row*N+col] = acc
			}
		}
		return nil
	}
}

func exp[T float](x T) T   { return T(math.Exp(float64(x))) }
func log1p[T float](x T) T { return T(math.Log1p(float64(x))) }

func sigmoid[T float](z T) T {
	if z >= 0 {
		return 1 / (1 + exp(-z))
	}
	e := exp(z)
	return e / (1 + e)
}

// activate is kernels.cu's activate.
func activate[T float](act int, z, slope T) T {
	switch kernels.Activation(act) {
	case kernels.Identity:
		return z
	case kernels.Sigmoid:
		return sigmoid(z)
	case kernels.Tanh:
		return T(math.Tanh(float64(z)))
	case kernels.ReLU:
		if z > 0 {
			return z
		}
		return 0
	case kernels.LeakyReLU:
		if z > 0 {
			return z
		}
		return T(slope * z)
	case kernels.Softplus:
		return max(z, 0) + log1p(exp(-T(math.Abs(float64(z)))))
	}
	return T(math.NaN())
}

// derivative is kernels.cu's derivative: f′(z) given z and a = f(z).
func derivative[T float](act int, z, a, slope T) T {
	switch kernels.Activation(act) {
	case kernels.Identity:
		return 1
	case kernels.Sigmoid:
		return T(a * (1 - a))
	case kernels.Tanh:
		return 1 - T(a*a)
	case kernels.ReLU:
		if z > 0 {
			return 1
		}
		return 0
	case kernels.LeakyReLU:
		if z > 0 {
			return 1
		}
		return slope
	case kernels.Softplus:
		return sigmoid(z)
	}
	return T(math.NaN())
}

func biasActFwd[T float](m Mem, l Launch) error {
	a := &args{l: l}
	rows, cols := a.size("rows"), a.size("cols")
	bias := array[T](m, a, "bias", a.ptr(), cols)
	Z := array[T](m, a, "Z", a.ptr(), rows*cols)
	A := array[T](m, a, "A", a.ptr(), rows*cols)
	act, slope := a.int(), scalar[T](a)
	if err := errors.Join(a.done(), oneDim(l)); err != nil {
		return err
	}
	for i := range rows * cols {
		z := Z[i] + bias[i%cols]
		Z[i] = z
		A[i] = activate(act, z, slope)
	}
	return nil
}

func actBwd[T float](m Mem, l Launch) error {
	a := &args{l: l}
	n := a.size("n")
	Z := array[T](m, a, "Z", a.ptr(), n)
	A := array[T](m, a, "A", a.ptr(), n)
	dA := array[T](m, a, "dA", a.ptr(), n)
	dZ := array[T](m, a, "dZ", a.ptr(), n)
	act, slope := a.int(), scalar[T](a)
	if err := errors.Join(a.done(), oneDim(l)); err != nil {
		return err
	}
	for i := range n {
		dZ[i] = T(derivative(act, Z[i], A[i], slope) * dA[i])
	}
	return nil
}

func sqErr[T float](m Mem, l Launch) error {
	a := &args{l: l}
	rows, cols := a.size("rows"), a.size("cols")
	Yh := array[T](m, a, "Yhat", a.ptr(), rows*cols)
	Y := array[T](m, a, "Y", a.ptr(), rows*cols)
	E := array[T](m, a, "E", a.ptr(), rows)
	if err := errors.Join(a.done(), oneDim(l)); err != nil {
		return err
	}
	for i := range rows {
		e := T(0)
		for k := range cols {
			d := Yh[i*cols+k] - Y[i*cols+k]
			e += T(d * d)
		}
		E[i] = e
	}
	return nil
}

func sqErrGrad[T float](m Mem, l Launch) error {
	a := &args{l: l}
	rows, cols := a.size("rows"), a.size("cols")
	Yh := array[T](m, a, "Yhat", a.ptr(), rows*cols)
	Y := array[T](m, a, "Y", a.ptr(), rows*cols)
	G := array[T](m, a, "G", a.ptr(), rows*cols)
	if err := errors.Join(a.done(), oneDim(l)); err != nil {
		return err
	}
	for i := range rows * cols {
		G[i] = T(2*(Yh[i]-Y[i])) / T(rows)
	}
	return nil
}

func softmaxXent[T float](m Mem, l Launch) error {
	a := &args{l: l}
	rows, cols := a.size("rows"), a.size("cols")
	Z := array[T](m, a, "Z", a.ptr(), rows*cols)
	Y := array[T](m, a, "Y", a.ptr(), rows*cols)
	P := array[T](m, a, "P", a.ptr(), rows*cols)
	E := array[T](m, a, "E", a.ptr(), rows)
	if err := errors.Join(a.done(), oneDim(l)); err != nil {
		return err
	}
	if cols == 0 && rows > 0 {
		return errors.New("cols = 0: the kernel reads Z[0] of each row")
	}
	for i := range rows {
		z, y, p := Z[i*cols:(i+1)*cols], Y[i*cols:(i+1)*cols], P[i*cols:(i+1)*cols]
		mx := z[0]
		for _, v := range z[1:] {
			if v > mx {
				mx = v
			}
		}
		s := T(0)
		for k := range z {
			e := exp(z[k] - mx)
			p[k] = e
			s += e
		}
		logs := T(math.Log(float64(s)))
		e := T(0)
		for k := range z {
			p[k] = p[k] / s
			e += T(y[k] * ((z[k] - mx) - logs))
		}
		E[i] = -e
	}
	return nil
}

// softmaxXentGrad is softmax_xent_grad, or with weighted set softmax_xent_grad_w.
func softmaxXentGrad[T float](weighted bool) Kernel {
	return func(m Mem, l Launch) error {
		a := &args{l: l}
		rows, cols := a.size("rows"), a.size("cols")
		P := array[T](m, a, "P", a.ptr(), rows*cols)
		Y := array[T](m, a, "Y", a.ptr(), rows*cols)
		G := array[T](m, a, "G", a.ptr(), rows*cols)
		if err := errors.Join(a.done(), oneDim(l)); err != nil {
			return err
		}
		for i := range rows {
			s := T(1)
			if weighted {
				s = 0
				for k := range cols {
					s += Y[i*cols+k]
				}
			}
			for k := range cols {
				j := i*cols + k
				if weighted {
					G[j] = (T(P[j]*s) - Y[j]) / T(rows)
				} else {
					G[j] = (P[j] - Y[j]) / T(rows)
				}
			}
		}
		return nil
	}
}

// colSum sums each column with kernels.cu's fixed tree: thread t adds rows t, t+256, ...
// in order, then the partial sums combine pairwise, s[t] += s[t+h] for h = 128, ..., 1.
func colSum[T float](m Mem, l Launch) error {
	a := &args{l: l}
	rows, cols := a.size("rows"), a.size("cols")
	X := array[T](m, a, "X", a.ptr(), rows*cols)
	out := array[T](m, a, "out", a.ptr(), cols)
	div := scalar[T](a)
	if err := errors.Join(a.done(), oneDim(l)); err != nil {
		return err
	}
	const threads = kernels.ReduceThreads
	if l.Block[0] != threads {
		return fmt.Errorf("block of %d threads: colsum traps unless it has %d", l.Block[0], threads)
	}
	var s [threads]T
	for j := range cols {
		for t := range s {
			acc := T(0)
			for i := t; i < rows; i += threads {
				acc += X[i*cols+j]
			}
			s[t] = acc
		}
		for h := threads / 2; h > 0; h /= 2 {
			for t := range h {
				s[t] += s[t+h]
			}
		}
		out[j] = s[0] / div
	}
	return nil
}

func gatherRows[T float](m Mem, l Launch) error {
	a := &args{l: l}
	rows, cols := a.size("rows"), a.size("cols")
	idx := array[int32](m, a, "idx", a.ptr(), rows)
	srcp := a.ptr()
	dst := array[T](m, a, "dst", a.ptr(), rows*cols)
	if err := errors.Join(a.done(), oneDim(l)); err != nil {
		return err
	}
	need := 0
	for r, i := range idx {
		if i < 0 {
			return fmt.Errorf("idx[%d] = %d", r, i)
		}
		need = max(need, int(i)+1)
	}
	src := array[T](m, a, "src", srcp, need*cols)
	if a.err != nil {
		return a.err
	}
	for r, i := range idx {
		copy(dst[r*cols:(r+1)*cols], src[int(i)*cols:(int(i)+1)*cols])
	}
	return nil
}

func sgdUpdate[T float](m Mem, l Launch) error {
	a := &args{l: l}
	n := a.size("n")
	G := array[T](m, a, "G", a.ptr(), n)
	W := array[T](m, a, "W", a.ptr(), n)
	eta := scalar[T](a)
	if err := errors.Join(a.done(), oneDim(l)); err != nil {
		return err
	}
	for i := range n {
		W[i] = W[i] - T(eta*G[i])
	}
	return nil
}
