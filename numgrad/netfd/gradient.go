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

// Settings configures [Gradient]. A nil *Settings means every default; a
// zero field means that field's default.
type Settings struct {
	// Step is the relative step s/max(1, |θ_i|) (default DefaultStep).
	Step float64
	// Workers is the number of goroutines (default GOMAXPROCS).
	Workers int
}

// Gradient sets dst to the central-difference gradient of net's mean cost
// on b (see the package documentation), allocating dst if nil, and returns
// it. net's parameters are not changed.
func Gradient(dst []float64, net *backprop.Network, b backprop.Batch, s *Settings) ([]float64, error) {
	if dst == nil {
		dst = make([]float64, net.NumParams())
	}
	if len(dst) != net.NumParams() {
		panic(fmt.Sprintf("netfd: len(dst) = %d, want %d", len(dst), net.NumParams()))
	}
	err := run(net, b, s, func(i int, cp, cm, h float64) { dst[i] = (cp - cm) / (2 * h) })
	if err != nil {
		return nil, err
	}
	return dst, nil
}

// Stencil sets fp[i] = C(θ + h_i e_i) and fm[i] = C(θ − h_i e_i) for every
// parameter i, with the step h_i of the package documentation: the values
// a central difference divides by 2h_i. numgrad's checker uses them for a
// network's first comparison. net's parameters are not changed.
func Stencil(fp, fm []float64, net *backprop.Network, b backprop.Batch, s *Settings) error {
	if len(fp) != net.NumParams() || len(fm) != net.NumParams() {
		panic(fmt.Sprintf("netfd: len(fp), len(fm) = %d, %d, want %d", len(fp), len(fm), net.NumParams()))
	}
	return run(net, b, s, func(i int, cp, cm, _ float64) { fp[i], fm[i] = cp, cm })
}

// run evaluates the cost at θ ± h_i e_i for every i and hands each pair to
// emit, from several goroutines but once per i.
func run(net *backprop.Network, b backprop.Batch, s *Settings, emit func(i int, cp, cm, h float64)) error {
	step, workers := DefaultStep, runtime.GOMAXPROCS(0)
	if s != nil && s.Step != 0 {
		step = s.Step
	}
	if s != nil && s.Workers > 0 {
		workers = s.Workers
	}
	st, err := newState(net, b)
	if err != nil {
		return err
	}
	// A job is one unit (layer, row): its weights and its bias. The costly
	// units, those of the first layers, come first, so that the workers
	// finish together.
	type job struct{ l, j int }
	var jobs []job
	for l := range st.L {
		for j := range st.sizes[l+1] {
			jobs = append(jobs, job{l, j})
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
	}
	for i := range st.B {
		x, y := b.Sample(i)
		st.x = append(st.x, x...)
		st.y = append(st.y, y)
	}
	return st, nil
}

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
	out   []backprop.Real
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
func (w *worker) unit(emit func(i int, cp, cm, h float64), l, j int, step float64) {
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
	}
	per := max(1, chunkElems/(2*w.B*width))
	wj, bj := w.offsets(l, j)
	for p0 := 0; p0 < P; p0 += per {
		p1 := min(P, p0+per)
		w.chunk(l, j, p0, p1)
		for p := p0; p < p1; p++ {
			idx := wj + p
			if p == in {
				idx = bj
			}
			c := w.costs[p-p0]
			emit(idx, c[0], c[1], w.hs[p])
		}
	}
}

// chunk sets w.costs[p−p0] to the costs at θ ± h_p e_p for the perturbations
// p0 ≤ p < p1 of unit j of layer l (p < n_{l−1}: the weight Wˡ_{jp};
// p = n_{l−1}: the bias bˡ_j). Row r = ((p−p0)·2 + sign)·B + s holds sample
// s under perturbation p with sign 0 (+h) or 1 (−h).
func (w *worker) chunk(l, j, p0, p1 int) {
	in, out, B := w.sizes[l], w.sizes[l+1], w.B
	rows := 2 * (p1 - p0) * B
	prevIn := w.x
	if l > 0 {
		prevIn = w.a[l-1]
	}
	// delta[r] = fˡ(zˡ_j + h·aˡ⁻¹_p) − aˡ_j (h alone for the bias), the
	// change of unit j's activation.
	delta := grow(w.delta, rows)
	w.delta = delta
	for r := range delta {
		p, s := p0+r/(2*B), r%B
		h := w.hs[p]
		if (r/B)%2 == 1 {
			h = -h
		}
		d := h
		if p < in {
			d = h * prevIn[s*in+p]
		}
		delta[r] = w.z[l][s*out+j] + d
	}
	w.cfg.Activations[l].ApplyTo(delta, delta)
	for r := range delta {
		delta[r] -= w.a[l][r%B*out+j]
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
		// activation.
		next := w.sizes[l+2]
		width = next
		cur = w.grow(0, rows*next)
		act := w.cfg.Activations[l+1]
		for r := range rows {
			s, d := r%B, delta[r]
			row, z := cur[r*next:(r+1)*next], w.z[l+1][s*next:(s+1)*next]
			if act == backprop.Sigmoid {
				shiftedSigmoid(row, z, w.t[l+1][s*next:(s+1)*next], w.col, d)
				continue
			}
			for k, zk := range z {
				row[k] = zk + w.col[k]*d
			}
			act.ApplyTo(row, row) // while the row is in the L1 cache
		}
		// Full recomputation of the remaining layers, all rows at once.
		buf := 1
		for k := l + 2; k < w.L; k++ {
			kin, kout := w.sizes[k], w.sizes[k+1]
			nxt := w.grow(buf, rows*kout)
			for r := range rows {
				copy(nxt[r*kout:(r+1)*kout], w.bs[k])
			}
			blas64.Gemm(blas.NoTrans, blas.Trans, 1,
				general(rows, kin, cur), general(kout, kin, w.w[k]), 1, general(rows, kout, nxt))
			w.cfg.Activations[k].ApplyTo(nxt, nxt)
			cur, buf, width = nxt, 1-buf, kout
		}
	}
	// Costs: the mean over samples of the errors, summed in sample order.
	if cap(w.costs) < p1-p0 {
		w.costs = make([][2]float64, p1-p0)
	}
	w.costs = w.costs[:p1-p0]
	for i := range w.costs {
		for sign := range 2 {
			var sum float64
			for s := range B {
				r := (i*2+sign)*B + s
				sum += w.sampleError(cur[r*width:(r+1)*width], w.y[s])
			}
			w.costs[i][sign] = sum / float64(B)
		}
	}
}

// offsets returns the flat indices of Wˡ_{j0} and bˡ_j (see backprop's
// flat layout).
func (w *worker) offsets(l, j int) (weight, bias int) {
	off := 0
	for k := range l {
		off += w.sizes[k+1] * (w.sizes[k] + 1)
	}
	return off + j*w.sizes[l], off + w.sizes[l+1]*w.sizes[l] + j
}

func (w *worker) sampleError(a []float64, y []float64) float64 {
	w.out = w.out[:0]
	for _, v := range a {
		w.out = append(w.out, backprop.Real(v))
	}
	return float64(backprop.SampleError(w.cfg.Loss, w.out, y))
}

func (w *worker) grow(i, n int) []float64 {
	w.bufs[i] = grow(w.bufs[i], n)
	return w.bufs[i]
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
