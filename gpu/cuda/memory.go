package cuda

import (
	"fmt"
	"unsafe"
)

// Elem is the set of element types that can be copied between host slices and device
// memory.
type Elem interface {
	~float32 | ~float64 | ~int32 | ~uint32 | ~int64 | ~uint64
}

// Alloc allocates bytes of device memory and returns its address. The memory is not
// initialized. It stays allocated until Free or Context.Close.
func (t *Thread) Alloc(bytes int) (uint64, error) {
	t.mustBeActive()
	if bytes < 0 {
		panic(fmt.Sprintf("cuda: Alloc of %d bytes", bytes))
	}
	var p uint64
	if err := t.drv.check("cuMemAlloc_v2", t.drv.CuMemAlloc_v2(&p, uint64(bytes))); err != nil {
		return 0, err
	}
	t.allocs[p] = uint64(bytes)
	return p, nil
}

// Free releases memory returned by Alloc. Freeing an address Alloc did not return (or
// returned and Free already released) panics.
func (t *Thread) Free(p uint64) error {
	t.mustBeActive()
	if _, ok := t.allocs[p]; !ok {
		panic(fmt.Sprintf("cuda: Free of %#x, which is not a live allocation", p))
	}
	delete(t.allocs, p)
	return t.drv.check("cuMemFree_v2", t.drv.CuMemFree_v2(p))
}

// Live returns the number of allocations not yet freed.
func (t *Thread) Live() int {
	t.mustBeActive()
	return len(t.allocs)
}

// MemInfo returns the device's free and total memory in bytes.
func (t *Thread) MemInfo() (free, total uint64, err error) {
	t.mustBeActive()
	err = t.drv.check("cuMemGetInfo_v2", t.drv.CuMemGetInfo_v2(&free, &total))
	return free, total, err
}

// ToDevice copies src to device memory at dst. It waits until the copy is done.
func ToDevice[T Elem](t *Thread, dst uint64, src []T) error {
	t.mustBeActive()
	if len(src) == 0 {
		return nil
	}
	n := uint64(len(src)) * uint64(unsafe.Sizeof(src[0]))
	return t.drv.check("cuMemcpyHtoD_v2", t.drv.CuMemcpyHtoD_v2(dst, unsafe.Pointer(&src[0]), n))
}

// FromDevice copies len(dst) elements from device memory at src into dst. It waits
// for queued work and for the copy, so a kernel fault surfaces here.
func FromDevice[T Elem](t *Thread, dst []T, src uint64) error {
	t.mustBeActive()
	if len(dst) == 0 {
		return nil
	}
	n := uint64(len(dst)) * uint64(unsafe.Sizeof(dst[0]))
	return t.drv.check("cuMemcpyDtoH_v2", t.drv.CuMemcpyDtoH_v2(unsafe.Pointer(&dst[0]), src, n))
}

// CopyDtoD copies bytes of device memory from src to dst.
func (t *Thread) CopyDtoD(dst, src uint64, bytes int) error {
	t.mustBeActive()
	if bytes < 0 {
		panic(fmt.Sprintf("cuda: CopyDtoD of %d bytes", bytes))
	}
	return t.drv.check("cuMemcpyDtoD_v2", t.drv.CuMemcpyDtoD_v2(dst, src, uint64(bytes)))
}

// MemsetD32 sets n consecutive 32-bit words at dst to v. With v = 0 it zeroes float32
// and float64 arrays alike (2n words for n float64 values); math.Float32bits(x) fills
// a float32 array with x.
func (t *Thread) MemsetD32(dst uint64, v uint32, n int) error {
	t.mustBeActive()
	if n < 0 {
		panic(fmt.Sprintf("cuda: MemsetD32 of %d words", n))
	}
	return t.drv.check("cuMemsetD32_v2", t.drv.CuMemsetD32_v2(dst, v, uint64(n)))
}
