package gpu

import (
	"errors"
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/gpu/cuda"
	"github.com/gradcheck/gradcheck/gpu/kernels"
)

// maxGemmRows is the most rows of C the own GEMM kernels cover: the grid's y dimension
// is at most 65535 tiles.
const maxGemmRows = 65535 * kernels.GemmTile

// buffers are the per-batch device arrays, each sized for cap samples: for layer l the
// pre-activations z[l], activations a[l] (the same array as z[l] for the identity) and
// deltas d[l], each cap×Sizes[l+1]; the per-sample errors e and the cost; and the
// gathered inputs x, targets y and their row indices idx.
type buffers struct {
	cap     int
	z, a, d []uint64
	e, cost uint64
	x, y    uint64
	idx     uint64
	rows32  []int32 // host copy of the indices
}

// plan says where a batch's inputs and targets are on the device.
type plan struct {
	rows int    // B
	x, y uint64 // B×In inputs and B×Out targets, row-major
}

// checkBatch returns an error if b cannot be fed to the network: backprop's checks, and
// the kernels' limits on sizes.
func (n *Network) checkBatch(b backprop.Batch) error {
	in, out := n.cfg.Sizes[0], n.cfg.Sizes[len(n.cfg.Sizes)-1]
	if b.Data == nil || b.Len() == 0 {
		return errors.New("gpu: empty batch")
	}
	if b.Data.In != in || b.Data.Out != out {
		return fmt.Errorf("gpu: data has %d inputs and %d targets per sample, the network takes %d and gives %d", b.Data.In, b.Data.Out, in, out)
	}
	for _, r := range b.Rows {
		if r < 0 || r >= b.Data.N {
			return fmt.Errorf("gpu: batch row %d out of range [0, %d)", r, b.Data.N)
		}
	}
	if err := checkShape(b.Data); err != nil {
		return err
	}
	bs := b.Len()
	for _, w := range n.cfg.Sizes {
		if bs > math.MaxInt32/w {
			return fmt.Errorf("gpu: a batch of %d samples of %d units has more values than a kernel can index (2³¹−1)", bs, w)
		}
	}
	if !n.blas {
		if bs > maxGemmRows {
			return fmt.Errorf("gpu: a batch of %d samples is more than the own GEMM kernels take (%d)", bs, maxGemmRows)
		}
		for l, w := range n.cfg.Sizes[1:] {
			if w > maxGemmRows {
				return fmt.Errorf("gpu: layer %d has %d units, more than the own GEMM kernels take (%d)", l+1, w, maxGemmRows)
			}
		}
	}
	return nil
}

// contiguous reports whether rows are r₀, r₀+1, …, and returns r₀.
func contiguous(rows []int) (int, bool) {
	for i, r := range rows {
		if r != rows[0]+i {
			return 0, false
		}
	}
	return rows[0], true
}

// prepare checks b, puts its dataset on the device, sizes the buffers for it and returns
// where its samples are: the dataset itself for every sample or a run of consecutive
// rows, otherwise rows gathered into the batch buffers.
func (n *Network) prepare(th *cuda.Thread, b backprop.Batch) (plan, error) {
	if err := n.checkBatch(b); err != nil {
		return plan{}, err
	}
	e, err := n.dataset(th, b.Data)
	if err != nil {
		return plan{}, err
	}
	bs := b.Len()
	if err := n.ensure(th, bs); err != nil {
		return plan{}, err
	}
	eb := uint64(n.k.elemBytes)
	if b.Rows == nil {
		return plan{rows: bs, x: e.x, y: e.y}, nil
	}
	if r0, ok := contiguous(b.Rows); ok {
		return plan{rows: bs, x: e.x + uint64(r0*e.in)*eb, y: e.y + uint64(r0*e.out)*eb}, nil
	}
	idx := n.buf.rows32[:bs]
	for i, r := range b.Rows {
		idx[i] = int32(r)
	}
	if err := cuda.ToDevice(th, n.buf.idx, idx); err != nil {
		return plan{}, err
	}
	p := plan{rows: bs, x: n.buf.x, y: n.buf.y}
	for _, g := range []struct {
		cols     int
		src, dst uint64
	}{{e.in, e.x, p.x}, {e.out, e.y, p.y}} {
		if err := n.launch1D(th, n.k.gatherRows, bs*g.cols, cuda.Int(bs), cuda.Int(g.cols), cuda.Ptr(n.buf.idx), cuda.Ptr(g.src), cuda.Ptr(g.dst)); err != nil {
			return plan{}, err
		}
	}
	return p, nil
}

// ensure makes the buffers hold at least bs samples.
func (n *Network) ensure(th *cuda.Thread, bs int) error {
	if bs <= n.buf.cap {
		return nil
	}
	if err := n.freeBuffers(th); err != nil {
		return err
	}
	L := len(n.cfg.Sizes) - 1
	eb := n.k.elemBytes
	buf := buffers{cap: bs, z: make([]uint64, L), a: make([]uint64, L), d: make([]uint64, L), rows32: make([]int32, bs)}
	n.buf = buf // so that a failure below leaves what was allocated to be freed
	var err error
	get := func(dst *uint64, bytes int) {
		if err == nil {
			*dst, err = n.alloc(th, bytes)
		}
	}
	for l := range L {
		w := bs * n.cfg.Sizes[l+1] * eb
		get(&n.buf.z[l], w)
		if n.cfg.Activations[l] == backprop.Identity {
			n.buf.a[l] = n.buf.z[l]
		} else {
			get(&n.buf.a[l], w)
		}
		get(&n.buf.d[l], w)
	}
	get(&n.buf.e, bs*eb)
	get(&n.buf.cost, eb)
	get(&n.buf.x, bs*n.cfg.Sizes[0]*eb)
	get(&n.buf.y, bs*n.cfg.Sizes[L]*eb)
	get(&n.buf.idx, bs*4)
	if err != nil {
		return errors.Join(err, n.freeBuffers(th))
	}
	return nil
}

// freeBuffers frees the batch buffers.
func (n *Network) freeBuffers(th *cuda.Thread) error {
	b := n.buf
	var errs []error
	for l := range b.z {
		if b.a[l] != b.z[l] {
			errs = append(errs, n.free(th, b.a[l]))
		}
		errs = append(errs, n.free(th, b.z[l]), n.free(th, b.d[l]))
	}
	errs = append(errs, n.free(th, b.e), n.free(th, b.cost), n.free(th, b.x), n.free(th, b.y), n.free(th, b.idx))
	n.buf = buffers{}
	return errors.Join(errs...)
}
