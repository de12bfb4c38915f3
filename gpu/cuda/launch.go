package cuda

import (
	"fmt"
	"math"
	"unsafe"
)

// maxParams is the most kernel arguments one launch may pass.
const maxParams = 32

// paramBlock is the storage cuLaunchKernel reads arguments from: one 8-byte slot per
// argument, and the array of pointers to the slots that is passed as kernelParams. It is
// allocated once per context and pinned for the context's lifetime, so a launch
// allocates nothing and the pointers stay valid during the call.
type paramBlock struct {
	vals [maxParams]uint64
	ptrs [maxParams]unsafe.Pointer
}

func (b *paramBlock) init() {
	for i := range b.ptrs {
		b.ptrs[i] = unsafe.Pointer(&b.vals[i])
	}
}

// Arg is one kernel argument. Its value sits in the low bytes of an 8-byte slot; the
// driver reads as many bytes as the kernel's parameter has, which on a little-endian
// host is the value itself.
type Arg struct {
	bits uint64
	kind argKind
}

type argKind uint8

const (
	kindU64 argKind = iota
	kindI64
	kindU32
	kindI32
	kindF32
	kindF64
)

// Ptr is a device pointer argument (a T* parameter).
func Ptr(p uint64) Arg { return Arg{p, kindU64} }

// U64 is an unsigned long long argument.
func U64(v uint64) Arg { return Arg{v, kindU64} }

// I64 is a long long argument.
func I64(v int64) Arg { return Arg{uint64(v), kindI64} }

// U32 is an unsigned int argument.
func U32(v uint32) Arg { return Arg{uint64(v), kindU32} }

// I32 is an int argument.
func I32(v int32) Arg { return Arg{uint64(uint32(v)), kindI32} }

// Int is an int argument given as a Go int; it panics if v does not fit in 32 bits,
// which for a size means the kernel could not index it.
func Int(v int) Arg {
	if v < math.MinInt32 || v > math.MaxInt32 {
		panic(fmt.Sprintf("cuda: kernel argument %d does not fit in an int", v))
	}
	return I32(int32(v))
}

// F32 is a float argument.
func F32(v float32) Arg { return Arg{uint64(math.Float32bits(v)), kindF32} }

// F64 is a double argument.
func F64(v float64) Arg { return Arg{math.Float64bits(v), kindF64} }

func (a Arg) String() string {
	switch a.kind {
	case kindI64:
		return fmt.Sprintf("int64(%d)", int64(a.bits))
	case kindU32:
		return fmt.Sprintf("uint32(%d)", uint32(a.bits))
	case kindI32:
		return fmt.Sprintf("int32(%d)", int32(uint32(a.bits)))
	case kindF32:
		return fmt.Sprintf("float32(%g)", math.Float32frombits(uint32(a.bits)))
	case kindF64:
		return fmt.Sprintf("float64(%g)", math.Float64frombits(a.bits))
	}
	return fmt.Sprintf("%#x", a.bits)
}

// Dim3 is a grid or block shape. Zero components count as 1.
type Dim3 struct{ X, Y, Z int }

// Dim is shorthand for a one-dimensional Dim3{X: x}.
func Dim(x int) Dim3 { return Dim3{X: x} }

func (d Dim3) sizes() (x, y, z uint32) {
	c := func(v int) uint32 {
		switch {
		case v == 0:
			return 1
		case v < 0 || v > math.MaxUint32:
			panic(fmt.Sprintf("cuda: launch dimension %d out of range", v))
		}
		return uint32(v)
	}
	return c(d.X), c(d.Y), c(d.Z)
}

// Launch queues f on the context's default stream with the given grid and block shapes,
// sharedBytes of dynamic shared memory, and args in the kernel's parameter order. It does
// not wait: a fault in the kernel surfaces at the next Synchronize or FromDevice.
func (t *Thread) Launch(f Function, grid, block Dim3, sharedBytes int, args ...Arg) error {
	t.mustBeActive()
	if len(args) > maxParams {
		panic(fmt.Sprintf("cuda: %d kernel arguments, more than %d", len(args), maxParams))
	}
	if sharedBytes < 0 || sharedBytes > math.MaxUint32 {
		panic(fmt.Sprintf("cuda: %d bytes of shared memory", sharedBytes))
	}
	gx, gy, gz := grid.sizes()
	bx, by, bz := block.sizes()
	b := t.params
	for i, a := range args {
		b.vals[i] = a.bits
	}
	var params unsafe.Pointer
	if len(args) > 0 {
		params = unsafe.Pointer(&b.ptrs[0])
	}
	if r := t.drv.CuLaunchKernel(f.h, gx, gy, gz, bx, by, bz, uint32(sharedBytes), 0, params, nil); r != success {
		return t.drv.newError("cuLaunchKernel("+f.name+")", r)
	}
	return nil
}
