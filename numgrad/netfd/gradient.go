package netfd

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// Settings configures [Gradient]. A nil *Settings means every default; a
// zero field means that field's default.
type Settings struct {
	// Step is the relative step s/max(1, |θ_i|) (default numgrad.Central.Step).
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
	step, workers := numgrad.Central.Step, runtime.GOMAXPROCS(0)
	if s != nil && s.Step != 0 {
		step = s.Step
	}
	if s != nil && s.Workers > 0 {
		workers = s.Workers
	}
	st, err := newState(net, b)
	if err != nil {
		return nil, err
	}
	// A job is one unit (layer, row): its weights and its bias.
	type job struct{ l, j int }
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := st.newWorker()
			for jb := range jobs {
				w.unit(dst, jb.l, jb.j, step)
			}
		}()
	}
	for l := range st.L {
		for j := range st.sizes[l+1] {
			jobs <- job{l, j}
		}
	}
	close(jobs)
	wg.Wait()
	return dst, nil
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

// worker holds one goroutine's buffers.
type worker struct {
	*state
	bufs [2][]float64 // ping-pong rows × width buffers
	out  []backprop.Real
}

func (st *state) newWorker() *worker { return &worker{state: st} }

// unit computes the components of every weight into unit j of layer l and
// of its bias: P = n_l + 1 perturbations, each at ±h, each on B samples.
func (w *worker) unit(dst []float64, l, j int, step float64) {
	in, out := w.sizes[l], w.sizes[l+1]
	P, B := in+1, w.B
	rows := 2 * P * B
	// Row r = (p·2 + sign)·B + s holds sample s under perturbation p
	// (p < in: weight W_ji, p = in: bias b_j) with sign 0 (+h) or 1 (−h).
	hs := make([]float64, P)
	for p := range P {
		t := w.bs[l][j]
		if p < in {
			t = w.w[l][j*in+p]
		}
		s := step * math.Max(1, math.Abs(t))
		hs[p] = (t + s) - t
	}
	act := w.cfg.Activations[l]
	// delta[r] = fˡ(zˡ_j + δ) − aˡ_j, the change of unit j's activation.
	delta := make([]float64, rows)
	prevIn := w.x
	if l > 0 {
		prevIn = w.a[l-1]
	}
	for p := range P {
		for sign := range 2 {
			h := hs[p]
			if sign == 1 {
				h = -h
			}
			for s := range B {
				d := h
				if p < in {
					d = h * prevIn[s*in+p]
				}
				zj := w.z[l][s*out+j] + d
				delta[(p*2+sign)*B+s] = act.Apply(zj) - w.a[l][s*out+j]
			}
		}
	}
	// cur holds aˡ (or zˡ⁺¹ after the rank-one update) for every row.
	var cur []float64
	width := 0
	if l == w.L-1 {
		// The perturbed layer is the output: aᴸ with unit j changed.
		width = out
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
		wn := w.w[l+1]
		width = next
		cur = w.grow(0, rows*next)
		for r := range rows {
			s := r % B
			row := cur[r*next : (r+1)*next]
			copy(row, w.z[l+1][s*next:(s+1)*next])
			for k := range next {
				row[k] += wn[k*out+j] * delta[r]
			}
			w.activate(w.cfg.Activations[l+1], row)
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
			for r := range rows {
				w.activate(w.cfg.Activations[k], nxt[r*kout:(r+1)*kout])
			}
			cur, buf, width = nxt, 1-buf, kout
		}
	}
	// Costs: the mean over samples of the errors, summed in sample order.
	wj, bj := w.offsets(l, j)
	for p := range P {
		var c [2]float64
		for sign := range 2 {
			var sum float64
			for s := range B {
				r := (p*2+sign)*B + s
				sum += w.sampleError(cur[r*width:(r+1)*width], w.y[s])
			}
			c[sign] = sum / float64(B)
		}
		idx := wj + p
		if p == in {
			idx = bj
		}
		dst[idx] = (c[0] - c[1]) / (2 * hs[p])
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

func (w *worker) activate(a backprop.Activation, row []float64) {
	for i, v := range row {
		row[i] = a.Apply(v)
	}
}

func (w *worker) sampleError(a []float64, y []float64) float64 {
	w.out = w.out[:0]
	for _, v := range a {
		w.out = append(w.out, backprop.Real(v))
	}
	return float64(backprop.SampleError(w.cfg.Loss, w.out, y))
}

func (w *worker) grow(i, n int) []float64 {
	if cap(w.bufs[i]) < n {
		w.bufs[i] = make([]float64, n)
	}
	return w.bufs[i][:n]
}

func general(r, c int, data []float64) blas64.General {
	return blas64.General{Rows: r, Cols: c, Stride: c, Data: data}
}
