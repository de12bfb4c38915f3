package gpu

import (
	"errors"
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/gpu/cuda"
)

// cache is the datasets a network keeps on the device, keyed by the *Dataset, at most
// max of them; the one least recently used makes room for a new one.
type cache struct {
	max     int
	tick    uint64
	entries map[*backprop.Dataset]*entry
}

// entry is one dataset on the device: X (N×In) and Y (N×Out), row-major, in the
// network's precision.
type entry struct {
	x, y   uint64
	n      int
	in     int
	out    int
	xs, ys *float64 // the backing arrays uploaded, to notice a dataset given new slices
	used   uint64
}

func newCache(max int) *cache {
	return &cache{max: max, entries: map[*backprop.Dataset]*entry{}}
}

// same reports whether e holds d's current slices.
func (e *entry) same(d *backprop.Dataset) bool {
	return e.n == d.N && e.in == d.In && e.out == d.Out &&
		len(d.X) == e.n*e.in && len(d.Y) == e.n*e.out && e.xs == &d.X[0] && e.ys == &d.Y[0]
}

// checkShape returns an error if d's slices do not hold N×In and N×Out values, or if a
// kernel could not index them.
func checkShape(d *backprop.Dataset) error {
	switch {
	case d.N <= 0 || d.In <= 0 || d.Out <= 0:
		return fmt.Errorf("gpu: dataset of %d samples of %d inputs and %d targets", d.N, d.In, d.Out)
	case len(d.X) != d.N*d.In:
		return fmt.Errorf("gpu: dataset: len(X) = %d, want N·In = %d·%d", len(d.X), d.N, d.In)
	case len(d.Y) != d.N*d.Out:
		return fmt.Errorf("gpu: dataset: len(Y) = %d, want N·Out = %d·%d", len(d.Y), d.N, d.Out)
	case d.N > math.MaxInt32:
		return fmt.Errorf("gpu: dataset of %d samples: row indices must fit in an int32", d.N)
	}
	return nil
}

// dataset returns d on the device, uploading it if it is not there or was given new
// slices since.
func (n *Network) dataset(th *cuda.Thread, d *backprop.Dataset) (*entry, error) {
	c := n.data
	c.tick++
	if e, ok := c.entries[d]; ok {
		if e.same(d) {
			e.used = c.tick
			return e, nil
		}
		if err := n.evict(th, d); err != nil {
			return nil, err
		}
	}
	if err := checkShape(d); err != nil {
		return nil, err
	}
	for len(c.entries) >= c.max {
		var lru *backprop.Dataset
		for k, e := range c.entries {
			if lru == nil || e.used < c.entries[lru].used {
				lru = k
			}
		}
		if err := n.evict(th, lru); err != nil {
			return nil, err
		}
	}
	e := &entry{n: d.N, in: d.In, out: d.Out, xs: &d.X[0], ys: &d.Y[0], used: c.tick}
	var err error
	if e.x, err = n.alloc(th, len(d.X)*n.k.elemBytes); err != nil {
		return nil, err
	}
	if e.y, err = n.alloc(th, len(d.Y)*n.k.elemBytes); err != nil {
		return nil, errors.Join(err, n.free(th, e.x))
	}
	if err := errors.Join(n.upload(th, e.x, d.X), n.upload(th, e.y, d.Y)); err != nil {
		return nil, errors.Join(err, n.free(th, e.x), n.free(th, e.y))
	}
	c.entries[d] = e
	return e, nil
}

// evict frees d's copy on the device.
func (n *Network) evict(th *cuda.Thread, d *backprop.Dataset) error {
	e, ok := n.data.entries[d]
	if !ok {
		return nil
	}
	delete(n.data.entries, d)
	return errors.Join(n.free(th, e.x), n.free(th, e.y))
}

// Forget frees the device's copy of d, if the network holds one. A network uploads
// each dataset once and keeps it (see [Settings].MaxDatasets): call Forget after
// changing a dataset's values in place, or to free its memory early. A dataset given new
// X or Y slices is noticed and uploaded again without it.
func (n *Network) Forget(d *backprop.Dataset) error {
	return n.do(func(th *cuda.Thread) error { return n.evict(th, d) })
}

// chunk is the number of values converted at a time between float64 and float32.
const chunk = 1 << 16

// upload copies src to device memory at p, rounding to float32 in that precision.
func (n *Network) upload(th *cuda.Thread, p uint64, src []float64) error {
	if n.k.precision == Float64 {
		return cuda.ToDevice(th, p, src)
	}
	for off := 0; off < len(src); off += chunk {
		part := src[off:min(off+chunk, len(src))]
		s := n.scratch32(len(part))
		for i, v := range part {
			s[i] = float32(v)
		}
		if err := cuda.ToDevice(th, p+uint64(4*off), s); err != nil {
			return err
		}
	}
	return nil
}

// download copies len(dst) values from device memory at p into dst, widening float32
// values exactly.
func (n *Network) download(th *cuda.Thread, dst []float64, p uint64) error {
	if n.k.precision == Float64 {
		return cuda.FromDevice(th, dst, p)
	}
	for off := 0; off < len(dst); off += chunk {
		part := dst[off:min(off+chunk, len(dst))]
		s := n.scratch32(len(part))
		if err := cuda.FromDevice(th, s, p+uint64(4*off)); err != nil {
			return err
		}
		for i, v := range s {
			part[i] = float64(v)
		}
	}
	return nil
}

func (n *Network) scratch32(m int) []float32 {
	if cap(n.scratch) < m {
		n.scratch = make([]float32, m)
	}
	return n.scratch[:m]
}
