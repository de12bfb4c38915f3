package netfd

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/gradcheck/gradcheck/backprop"
)

// DefaultStep is the default relative step, numgrad.Central.Step (package
// numgrad, which calls this one, holds the two equal in a test).
const DefaultStep = 6e-6

// Settings configures [Gradient] and [Stencil]. A nil *Settings means every
// default; a zero field means that field's default.
type Settings struct {
	// Step is the relative step c: h_i = (θ_i + c·max(1, |θ_i|)) − θ_i
	// (default DefaultStep).
	Step float64
	// Workers is the number of goroutines (default GOMAXPROCS).
	Workers int
	// Indices, if not nil, restricts the evaluation to these parameters
	// (flat indices, any order, no duplicates; an index out of range or a
	// duplicate panics). The outputs' entries of the other parameters are
	// left untouched. A parameter's results are the same bits with and
	// without Indices: its chunk of perturbations (see chunkElems) is
	// evaluated whole, at the boundaries of a full run.
	Indices []int
}

// Crossing bits of [Stencil]'s cross output.
const (
	CrossPlus  uint8 = 1 // θ + h_i e_i lies on another smooth piece than θ
	CrossMinus uint8 = 2 // θ − h_i e_i does
)

// Gradient sets dst to the central-difference gradient of net's mean cost
// on b (see the package documentation), allocating dst if nil, and returns
// it; with s.Indices only those components are set. net's parameters are
// not changed.
func Gradient(dst []float64, net *backprop.Network, b backprop.Batch, s *Settings) ([]float64, error) {
	if dst == nil {
		dst = make([]float64, net.NumParams())
	}
	if len(dst) != net.NumParams() {
		panic(fmt.Sprintf("netfd: len(dst) = %d, want %d", len(dst), net.NumParams()))
	}
	err := run(net, b, s, false, func(i int, cp, cm, h float64, _ uint8) { dst[i] = (cp - cm) / (2 * h) })
	if err != nil {
		return nil, err
	}
	return dst, nil
}

// Stencil sets fp[i] = C(θ + h_i e_i) and fm[i] = C(θ − h_i e_i) for every
// parameter i (or every i in s.Indices), with the step h_i of the package
// documentation: the values a central difference divides by 2h_i. When
// cross is not nil it also sets cross[i] to the crossing bits of i:
// CrossPlus when some ReLU or leaky-ReLU pre-activation, in any layer and
// any sample, lies on the other side of 0 at θ + h_i e_i than in the
// unperturbed forward pass (z > 0 against z ≤ 0, NaN counting as ≤ 0: the
// convention of the network's piece signature, numgrad.NetworkPiece), and
// CrossMinus for θ − h_i e_i. Networks without kinked layers always get 0.
// The perturbed pre-activations compared are those the stencil's costs are
// computed from, so a bit is clear exactly when that cost lies on θ's
// smooth piece (as far as netfd's rounding sees it: a pre-activation within
// a rounding of 0 may be seen on either side). net's parameters are not
// changed.
func Stencil(fp, fm []float64, cross []uint8, net *backprop.Network, b backprop.Batch, s *Settings) error {
	n := net.NumParams()
	if len(fp) != n || len(fm) != n {
		panic(fmt.Sprintf("netfd: len(fp), len(fm) = %d, %d, want %d", len(fp), len(fm), n))
	}
	if cross != nil && len(cross) != n {
		panic(fmt.Sprintf("netfd: len(cross) = %d, want %d or a nil slice", len(cross), n))
	}
	if cross == nil {
		return run(net, b, s, false, func(i int, cp, cm, _ float64, _ uint8) { fp[i], fm[i] = cp, cm })
	}
	return run(net, b, s, true, func(i int, cp, cm, _ float64, x uint8) { fp[i], fm[i], cross[i] = cp, cm, x })
}

// run evaluates the cost at θ ± h_i e_i for every requested i and hands
// each pair, with its crossing bits when cross is set, to emit, from
// several goroutines but once per i.
func run(net *backprop.Network, b backprop.Batch, s *Settings, cross bool, emit func(i int, cp, cm, h float64, x uint8)) error {
	step, workers := DefaultStep, runtime.GOMAXPROCS(0)
	if s != nil && s.Step != 0 {
		step = s.Step
	}
	if s != nil && s.Workers > 0 {
		workers = s.Workers
	}
	var want []bool
	if s != nil && s.Indices != nil {
		want = selection(s.Indices, net.NumParams())
	}
	st, err := newState(net, b)
	if err != nil {
		return err
	}
	st.want, st.cross = want, cross && st.kinked()
	// A job is one unit (layer, row): its weights and its bias. The costly
	// units, those of the first layers, come first, so that the workers
	// finish together.
	type job struct{ l, j int }
	var jobs []job
	for l := range st.L {
		for j := range st.sizes[l+1] {
			if st.unitWanted(l, j) {
				jobs = append(jobs, job{l, j})
			}
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, len(jobs)) {
		wg.Go(func() {
			w := st.newWorker()
			for i := next.Add(1) - 1; i < int64(len(jobs)); i = next.Add(1) - 1 {
				w.unit(emit, jobs[i].l, jobs[i].j, step)
			}
		})
	}
	wg.Wait()
	return nil
}

// selection returns the set of indices as a mask over the n parameters,
// panicking on an index out of range or a repeated one (a repeat is most
// likely a caller's bug, and emitting it twice would hide it).
func selection(indices []int, n int) []bool {
	want := make([]bool, n)
	for k, i := range indices {
		if i < 0 || i >= n {
			panic(fmt.Sprintf("netfd: Indices[%d] = %d out of range [0, %d)", k, i, n))
		}
		if want[i] {
			panic(fmt.Sprintf("netfd: Indices[%d] = %d is a duplicate", k, i))
		}
		want[i] = true
	}
	return want
}

// state is the unperturbed forward pass, shared read-only by the workers.
type state struct {
	cfg   backprop.Config
	sizes []int
	L, B  int
	theta []float64
	w, bs [][]float64 // per layer: weights (out×in, row-major) and biases
	x     []float64   // B×n₀ inputs
	z, a  [][]float64 // per layer: B×n_l
	t     [][]float64 // per sigmoid layer: e^{−|z|} (see shiftedSigmoid)
	y     [][]float64 // per sample: targets
	kinks []*kernels  // per layer: a kinked layer's kernels (kink.go), nil for the others
	want  []bool      // the parameters to evaluate; nil: all
	cross bool        // whether to detect crossings (kinked network, cross wanted)
}

func newState(net *backprop.Network, b backprop.Batch) (*state, error) {
	probe := net.Clone()
	if _, err := probe.Cost(b); err != nil {
		return nil, err
	}
	cfg := net.Config()
	st := &state{cfg: cfg, sizes: cfg.Sizes, L: len(cfg.Sizes) - 1, B: b.Len(), theta: net.ParamsTo(nil)}
	lay := net.Layout()
	for l := range st.L {
		bw, bb := lay.Blocks[2*l], lay.Blocks[2*l+1]
		st.w = append(st.w, st.theta[bw.Offset:bw.Offset+bw.Len()])
		st.bs = append(st.bs, st.theta[bb.Offset:bb.Offset+bb.Len()])
		st.z = append(st.z, flatten(probe.PreActivation(l)))
		st.a = append(st.a, flatten(probe.Activation(l)))
		var t []float64
		if cfg.Activations[l] == backprop.Sigmoid {
			t = make([]float64, len(st.z[l]))
			for i, z := range st.z[l] {
				t[i] = math.Exp(-math.Abs(z))
			}
		}
		st.t = append(st.t, t)
		st.kinks = append(st.kinks, kinkKernels(cfg.Activations[l]))
	}
	for i := range st.B {
		x, y := b.Sample(i)
		st.x = append(st.x, x...)
		st.y = append(st.y, y)
	}
	return st, nil
}

// kinked reports whether some layer is ReLU or leaky ReLU.
func (st *state) kinked() bool {
	for _, a := range st.cfg.Activations {
		if a.HasKink() {
			return true
		}
	}
	return false
}

// unitWanted reports whether some parameter of unit j of layer l is to be
// evaluated.
func (st *state) unitWanted(l, j int) bool {
	if st.want == nil {
		return true
	}
	wj, bj := st.offsets(l, j)
	if st.want[bj] {
		return true
	}
	for _, w := range st.want[wj : wj+st.sizes[l]] {
		if w {
			return true
		}
	}
	return false
}

// index returns the flat index of perturbation p of unit j of layer l: the
// weight Wˡ_{jp} for p < n_{l−1}, the bias bˡ_j for p = n_{l−1}.
func (st *state) index(l, j, p int) int {
	wj, bj := st.offsets(l, j)
	if p == st.sizes[l] {
		return bj
	}
	return wj + p
}

// wanted reports whether perturbation p of unit j of layer l is to be
// evaluated.
func (st *state) wanted(l, j, p int) bool { return st.want == nil || st.want[st.index(l, j, p)] }

func flatten(v backprop.View) []float64 {
	r, c := v.Dims()
	out := make([]float64, 0, r*c)
	for i := range r {
		out = append(out, v.Row(nil, i)...)
	}
	return out
}

// worker holds one goroutine's buffers, reused from unit to unit.
type worker struct {
	*state
	hs    []float64    // the steps of a unit's perturbations
	col   []float64    // column j of Wˡ⁺¹
	delta []float64    // per row: the change of unit j's activation
	bufs  [2][]float64 // ping-pong rows × width buffers
	costs [][2]float64 // per perturbation of a chunk: C(θ + h e_i), C(θ − h e_i)
	xr    []bool       // per row: some kinked pre-activation crossed 0
	xs    []uint8      // per perturbation of a chunk: its crossing bits
	safe  []float64    // per sample: the rank-one layer's safeRadius
	zj    []float64    // per sample: zˡ_j and aˡ_j of the unit
	aj    []float64
}

func (st *state) newWorker() *worker { return &worker{state: st} }

// chunkElems bounds the rows × width of a chunk of perturbations evaluated
// together, so that a chunk's activations stay in cache (32768 float64s,
// 256 KiB) while its matrix products have rows enough to run fast. It is a
// variable for the tests, which also run with one perturbation a chunk.
var chunkElems = 1 << 15

// unit computes the components of every weight into unit j of layer l and
// of its bias: P = n_{l−1} + 1 perturbations, each at ±h, each on B
// samples, evaluated in chunks of consecutive perturbations. The chunks
// depend only on the network's shape and B, so the result does not depend
// on the number of workers.
//
// With a selection of parameters (Settings.Indices) a chunk is evaluated
// when it holds a selected perturbation, and then whole, at the same
// boundaries: a matrix product's rounding may depend on its number of rows
// (OpenBLAS's kernels for edge tiles, its threads' split of the rows,
// package blas's choice of implementation by m·n·k), so a chunk of other
// rows could give a component other bits than the full run does. Only the
// selected components are emitted. A selection of k scattered parameters
// thus costs about k chunks, k·per perturbations.
func (w *worker) unit(emit func(i int, cp, cm, h float64, x uint8), l, j int, step float64) {
	in, out := w.sizes[l], w.sizes[l+1]
	P := in + 1
	w.hs = grow(w.hs, P)
	for p := range P {
		t := w.bs[l][j]
		if p < in {
			t = w.w[l][j*in+p]
		}
		s := step * math.Max(1, math.Abs(t))
		w.hs[p] = (t + s) - t
	}
	w.zj, w.aj = grow(w.zj, w.B), grow(w.aj, w.B)
	for s := range w.B {
		w.zj[s], w.aj[s] = w.z[l][s*out+j], w.a[l][s*out+j]
	}
	width := 0 // the widest layer from l+1 on, which bounds a chunk's rows
	for k := l + 1; k <= w.L; k++ {
		width = max(width, w.sizes[k])
	}
	if l+1 < w.L {
		next := w.sizes[l+2]
		w.col = grow(w.col, next)
		for k := range next {
			w.col[k] = w.w[l+1][k*out+j]
		}
		if w.cross && w.kinks[l+1] != nil {
			w.safe = grow(w.safe, w.B)
			for s := range w.B {
				w.safe[s] = safeRadius(w.z[l+1][s*next:(s+1)*next], w.col)
			}
		}
	}
	per := max(1, chunkElems/(2*w.B*width))
	for p0 := 0; p0 < P; p0 += per {
		p1 := min(P, p0+per)
		if !w.chunkWanted(l, j, p0, p1) {
			continue
		}
		w.chunk(l, j, p0, p1)
		for p := p0; p < p1; p++ {
			if !w.wanted(l, j, p) {
				continue
			}
			c := w.costs[p-p0]
			emit(w.index(l, j, p), c[0], c[1], w.hs[p], w.xs[p-p0])
		}
	}
}

// chunkWanted reports whether one of the perturbations p0 ≤ p < p1 of unit
// j of layer l is to be evaluated.
func (w *worker) chunkWanted(l, j, p0, p1 int) bool {
	for p := p0; p < p1; p++ {
		if w.wanted(l, j, p) {
			return true
		}
	}
	return false
}

// chunk sets w.costs[p−p0] to the costs at θ ± h_p e_p for the perturbations
// p0 ≤ p < p1 of unit j of layer l (p < n_{l−1}: the weight Wˡ_{jp};
// p = n_{l−1}: the bias bˡ_j), and w.xs[p−p0] to their crossing bits when
// w.cross. Row r = ((p−p0)·2 + sign)·B + s holds sample s under
// perturbation p with sign 0 (+h) or 1 (−h).
//
// The crossings are looked for wherever the perturbation changes a
// pre-activation, each compared with the unperturbed pass's before its
// activation is applied: unit j of layer l (zˡ_j + h·aˡ⁻¹_p), layer l+1's
// rank-one change, and every layer recomputed after it. The layers before
// l are unchanged, and so are layer l's other units.
func (w *worker) chunk(l, j, p0, p1 int) {
	in, out, B := w.sizes[l], w.sizes[l+1], w.B
	rows := 2 * (p1 - p0) * B
	prevIn := w.x
	if l > 0 {
		prevIn = w.a[l-1]
	}
	if cap(w.xr) < rows {
		w.xr = make([]bool, rows)
	}
	xr := w.xr[:rows]
	clear(xr)
	// delta[r] = fˡ(zˡ_j + h·aˡ⁻¹_p) − aˡ_j (h alone for the bias), the
	// change of unit j's activation.
	delta := grow(w.delta, rows)
	w.delta = delta
	kink := w.cross && w.cfg.Activations[l].HasKink()
	// Row by row in their order, r = ((p−p0)·2 + sign)·B + s, without
	// the divisions that recovering p, sign and s from r would cost.
	r := 0
	for p := p0; p < p1; p++ {
		for sign := range 2 {
			h := w.hs[p]
			if sign == 1 {
				h = -h
			}
			for s := range B {
				d := h
				if p < in {
					d = h * prevIn[s*in+p]
				}
				z := w.zj[s]
				delta[r] = z + d
				if kink && side(delta[r]) != side(z) {
					xr[r] = true
				}
				r++
			}
		}
	}
	if act := w.cfg.Activations[l]; act == backprop.Sigmoid {
		sigmoidTo(delta, delta) // ApplyTo's bits, four lanes at a time
	} else {
		act.ApplyTo(delta, delta)
	}
	for r := 0; r < rows; r += B {
		for s, a := range delta[r : r+B] {
			delta[r+s] = a - w.aj[s]
		}
	}
	// cur holds aᵏ for every row, k from l on.
	var cur []float64
	width := out
	if l == w.L-1 {
		// The perturbed layer is the output: aᴸ with unit j changed.
		cur = w.grow(0, rows*out)
		for r := range rows {
			s := r % B
			copy(cur[r*out:(r+1)*out], w.a[l][s*out:(s+1)*out])
			cur[r*out+j] += delta[r]
		}
	} else {
		// Rank-one update of the next layer's pre-activation, then its
		// activation, while the row is in the L1 cache.
		next := w.sizes[l+2]
		width = next
		cur = w.grow(0, rows*next)
		act, kinks := w.cfg.Activations[l+1], w.kinks[l+1]
		zs := w.z[l+1]
		// The case is decided once a chunk; s = r mod B is counted.
		switch {
		case act == backprop.Sigmoid:
			ts := w.t[l+1]
			for r, s := 0, 0; r < rows; r++ {
				shiftedSigmoid(cur[r*next:(r+1)*next], zs[s*next:(s+1)*next], ts[s*next:(s+1)*next], w.col, delta[r])
				if s++; s == B {
					s = 0
				}
			}
		case kinks != nil:
			for r, s := 0, 0; r < rows; r++ {
				row, z, d := cur[r*next:(r+1)*next], zs[s*next:(s+1)*next], delta[r]
				if w.cross && !(math.Abs(d) < w.safe[s]) {
					if kinks.rankOne(row, z, w.col, d) {
						xr[r] = true
					}
				} else {
					// No crossing wanted, or none possible (safeRadius).
					kinks.rankOneFast(row, z, w.col, d)
				}
				if s++; s == B {
					s = 0
				}
			}
		default:
			for r, s := 0, 0; r < rows; r++ {
				row, z, d := cur[r*next:(r+1)*next], zs[s*next:(s+1)*next], delta[r]
				for k, zk := range z {
					row[k] = zk + w.col[k]*d
				}
				if s++; s == B {
					s = 0
				}
			}
			// The activation elementwise, all rows at once (the
			// identity's would copy cur onto itself).
			if act != backprop.Identity {
				act.ApplyTo(cur, cur)
			}
		}
		// Full recomputation of the remaining layers, all rows at once.
		buf := 1
		for k := l + 2; k < w.L; k++ {
			kin, kout := w.sizes[k], w.sizes[k+1]
			nxt := w.grow(buf, rows*kout)
			fill(nxt, w.bs[k])
			blas64.Gemm(blas.NoTrans, blas.Trans, 1,
				general(rows, kin, cur), general(kout, kin, w.w[k]), 1, general(rows, kout, nxt))
			if kinks := w.kinks[k]; kinks != nil && w.cross {
				// Row by row against the unperturbed pass's zᵏ: the
				// chunk is at most chunkElems, in cache since the
				// product wrote it, and the comparison is small next
				// to the product's n_k multiply-adds an element.
				for r := range rows {
					s := r % B
					if kinks.apply(nxt[r*kout:(r+1)*kout], w.z[k][s*kout:(s+1)*kout]) {
						xr[r] = true
					}
				}
			} else if kinks != nil {
				kinks.applyFast(nxt)
			} else {
				w.cfg.Activations[k].ApplyTo(nxt, nxt)
			}
			cur, buf, width = nxt, 1-buf, kout
		}
	}
	// Costs: the mean over samples of the errors, summed in sample order;
	// crossing bits: a sign's bit when one of its B rows crossed.
	if cap(w.costs) < p1-p0 {
		w.costs, w.xs = make([][2]float64, p1-p0), make([]uint8, p1-p0)
	}
	w.costs, w.xs = w.costs[:p1-p0], w.xs[:p1-p0]
	// The squared error's loop inline (sampleError's, the same bits),
	// which spares a call a row.
	se := w.cfg.Loss == backprop.SquaredError && width == len(w.y[0])
	r = 0 // = (i·2 + sign)·B + s
	for i := range w.costs {
		w.xs[i] = 0
		for sign := range 2 {
			var sum float64
			for s := range B {
				if se {
					sum += squaredError(cur[r*width:(r+1)*width], w.y[s])
				} else {
					sum += w.sampleError(cur[r*width:(r+1)*width], w.y[s])
				}
				if xr[r] {
					w.xs[i] |= CrossPlus << sign
				}
				r++
			}
			w.costs[i][sign] = sum / float64(B)
		}
	}
}

// offsets returns the flat indices of Wˡ_{j0} and bˡ_j (see backprop's
// flat layout).
func (st *state) offsets(l, j int) (weight, bias int) {
	off := 0
	for k := range l {
		off += st.sizes[k+1] * (st.sizes[k] + 1)
	}
	return off + j*st.sizes[l], off + st.sizes[l+1]*st.sizes[l] + j
}

func (w *worker) sampleError(a []float64, y []float64) float64 {
	return sampleError(w.cfg.Loss, a, y)
}

func (w *worker) grow(i, n int) []float64 {
	w.bufs[i] = grow(w.bufs[i], n)
	return w.bufs[i]
}

// fill sets every row of dst, len(bias) wide, to bias. An output layer's
// rows are a few elements wide, too few to pay for copy's call.
func fill(dst, bias []float64) {
	n := len(bias)
	if n > 4 {
		for r := 0; r < len(dst); r += n {
			copy(dst[r:r+n], bias)
		}
		return
	}
	for r := 0; r < len(dst); r += n {
		for i, b := range bias {
			dst[r+i] = b
		}
	}
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

func general(r, c int, data []float64) blas64.General {
	return blas64.General{Rows: r, Cols: c, Stride: c, Data: data}
}
