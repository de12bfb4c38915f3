package reports

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"

	"gonum.org/v1/gonum/blas/blas64"

	"github.com/gradcheck/gradcheck/blas"
)

// Sweep is a series of shapes that differ in one dimension, each timed by
// every method of the sweep.
type Sweep struct {
	// Name is "width", "depth" or "batch": what varies.
	Name    string   `json:"name"`
	Shapes  []Shape  `json:"shapes"`
	Methods []string `json:"methods"`
	// FitFrom and FitTo (0: no limit) bound the values of the varying
	// dimension (parameters for "width", depth for "depth", batch for
	// "batch") that the fits use: the window where the machine runs the
	// dense products at a steady speed, so that a fitted exponent measures
	// the algorithm's growth rather than the speed-up of small products or
	// the cache misses of large ones. Every size is in the tables and plots.
	FitFrom int `json:"fit_from"`
	FitTo   int `json:"fit_to,omitempty"`
}

// x returns the value of the sweep's varying dimension for r: the number
// of parameters for a width sweep, the depth or the batch size.
func (s Sweep) x(r Result) float64 {
	switch s.Name {
	case "depth":
		return float64(r.Depth)
	case "batch":
		return float64(r.Batch)
	}
	return float64(r.Params)
}

// inFit reports whether r lies in the sweep's fit window.
func (s Sweep) inFit(r Result) bool {
	x := s.x(r)
	return x >= float64(s.FitFrom) && (s.FitTo == 0 || x <= float64(s.FitTo))
}

// parallelProducts reports whether some shape has products that gonum
// runs on several goroutines.
func parallelProducts(sweeps []Sweep) bool {
	for _, sw := range sweeps {
		for _, sh := range sw.Shapes {
			if sh.Width > 64 || sh.Batch > 192 {
				return true
			}
		}
	}
	return false
}

// Settings configures [Run]. A nil *Settings means every default; a zero
// field means that field's default.
type Settings struct {
	// Quick runs the small sweeps of [QuickSweeps] (under 20 s on two
	// cores) instead of [DefaultSweeps], and times each size briefly.
	Quick bool
	// Sweeps, if not nil, replaces the built-in sweeps (Quick then only
	// chooses the brief timing).
	Sweeps []Sweep
	// MaxSeconds is the time budget of one gradient of one method at one
	// size, in seconds by the report's clock (CPU time where the system has
	// it; default 6, or 0.5 with Quick): a size whose gradient is predicted
	// to take longer is reported over budget, with its extrapolated time,
	// and not run.
	MaxSeconds float64
	// Seed seeds every network and batch (default 1).
	Seed uint64
	// Progress, if not nil, is called before each measurement with the
	// number done, the total and what comes next.
	Progress func(done, total int, what string)
	// GPU, if not nil, adds the GPU's gradient to every sweep.
	GPU GPU
	// NoGPU says, where GPU is nil, why no GPU was found ("cannot open
	// libcuda.so.1: …"); the report quotes it.
	NoGPU string
	// Command is the command line that reproduces the run, for the report.
	Command string
}

// DefaultSweeps are the sweeps of `gradcheck report`: one to two minutes
// on two cores.
//
// The width sweep runs one sample through two layers, so that the naive
// methods, whose work grows as W², reach widths of 128 to 181 within the
// budget: with gonum's pure-Go products the time per multiply-add falls
// about threefold from width 16 to 90 (each of the B·w dot products of a
// layer has a fixed cost) and rises again from 256 on (the weights no longer
// fit in the caches), so the growth of the work shows in the time only in
// between, where the fits are taken (widths 64 to 181: five sizes, 110
// among them, so that the methods whose work grows as W² and that stop at
// 128 within the budget still have the five points a fit needs). It goes on
// to 512, where only backprop runs within budget; w = 70 gives W = 9,940 ≈
// 10⁴. The batch sweep doubles the batch from 1 to 64: seven sizes.
func DefaultSweeps() []Sweep {
	all := []string{Backprop, ForwardPass, FDForward, FDCentral, Dual, Paths}
	var width, depth, batch []Shape
	for _, w := range []int{4, 6, 8, 12, 16, 24, 32, 45, 64, 70, 90, 110, 128, 181, 256, 362, 512} {
		width = append(width, Shape{Width: w, Depth: 2, Batch: 4})
	}
	for L := 1; L <= 12; L++ {
		depth = append(depth, Shape{Width: 4, Depth: L, Batch: 8})
	}
	for _, b := range []int{1, 2, 4, 8, 16, 32, 64} {
		batch = append(batch, Shape{Width: 16, Depth: 3, Batch: b})
	}
	return []Sweep{
		{Name: "width", Shapes: width, Methods: all, FitFrom: 8000, FitTo: 70000},
		{Name: "depth", Shapes: depth, Methods: all, FitFrom: 3},
		{Name: "batch", Shapes: batch, Methods: all, FitFrom: 1},
	}
}

// QuickSweeps are the sweeps of `gradcheck report --quick`: the same
// methods on smaller networks, a few seconds.
func QuickSweeps() []Sweep {
	all := []string{Backprop, ForwardPass, FDForward, FDCentral, Dual, Paths}
	var width, depth, batch []Shape
	for _, w := range []int{4, 8, 16, 32} {
		width = append(width, Shape{Width: w, Depth: 2, Batch: 1})
	}
	for L := 1; L <= 6; L++ {
		depth = append(depth, Shape{Width: 3, Depth: L, Batch: 4})
	}
	for _, b := range []int{1, 8} {
		batch = append(batch, Shape{Width: 8, Depth: 2, Batch: b})
	}
	return []Sweep{
		{Name: "width", Shapes: width, Methods: all, FitFrom: 100},
		{Name: "depth", Shapes: depth, Methods: all, FitFrom: 2},
		{Name: "batch", Shapes: batch, Methods: all, FitFrom: 1},
	}
}

// The clocks a report may time by.
const (
	CPUClock  = "CPU time of the process"
	WallClock = "wall-clock time"
)

// Report is what [Run] measured.
type Report struct {
	Machine Machine `json:"machine"`
	// Clock is what Result.Seconds measures: CPUClock where the system
	// has process CPU time, else WallClock.
	Clock    string    `json:"clock"`
	Seed     uint64    `json:"seed"`
	Quick    bool      `json:"quick"`
	Budget   float64   `json:"budget_s"`
	Target   float64   `json:"target_s"`
	Sweeps   []Sweep   `json:"sweeps"`
	Results  []Result  `json:"results"`
	Started  time.Time `json:"started"`
	Elapsed  float64   `json:"elapsed_s"`
	LoadEnd  []float64 `json:"load_average_end,omitempty"`
	Command  string    `json:"command"`
	GPUFound bool      `json:"gpu_found"`
	methods  []method
}

// runMu serialises Run: two sweeps at once would disturb each other's
// timings, and each sets GOMAXPROCS.
var runMu sync.Mutex

// Run times every method of every sweep at every size.
//
// When a sweep has products large enough for gonum to run them on several
// goroutines (at least four 64×64 blocks of output: a width above 64, or a
// batch above 192), Run sets GOMAXPROCS = 1 until it returns, so that every
// method computes on one core: with more processors the goroutines'
// start-up, hand-offs and idle spinning would be charged to backprop at the
// widths where its weight gradient switches, a step in its time that its
// work does not have. A native BLAS library in use (blas.Use) computes on one
// thread meanwhile, likewise. Smaller sweeps (the quick one) leave
// GOMAXPROCS and the library's threads alone.
func Run(s *Settings) (*Report, error) {
	runMu.Lock()
	defer runMu.Unlock()
	var set Settings
	if s != nil {
		set = *s
	}
	sweeps, t := DefaultSweeps(), timing{budget: 6, target: 0.25, spend: 3, minReps: 3, maxReps: 30, minRep: 2e-3}
	if set.Quick {
		sweeps, t = QuickSweeps(), timing{budget: 0.5, target: 0.02, spend: 0.1, minReps: 3, maxReps: 10, minRep: 2e-4}
	}
	if set.Sweeps != nil {
		sweeps = set.Sweeps
	}
	if set.MaxSeconds != 0 {
		if !(set.MaxSeconds > 0) || math.IsInf(set.MaxSeconds, 0) {
			return nil, fmt.Errorf("max seconds %v must be positive and finite", set.MaxSeconds)
		}
		t.budget = set.MaxSeconds
	}
	t.target, t.spend = math.Min(t.target, t.budget), math.Min(t.spend, t.budget)
	if set.Seed == 0 {
		set.Seed = 1
	}
	ms := methods
	if set.GPU != nil {
		ms = append(ms[:len(ms):len(ms)], gpuMethod(set.GPU))
		for i := range sweeps {
			sweeps[i].Methods = append(sweeps[i].Methods[:len(sweeps[i].Methods):len(sweeps[i].Methods)], GPUBackprop)
		}
	}
	if parallelProducts(sweeps) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		// A native library that blas.Use installed runs the large products
		// on threads of its own, which GOMAXPROCS does not bound: one
		// thread too, for the same reason, restored after.
		if _, native := blas64.Implementation().(blas.Implementation); native {
			if info, err := blas.Load(); err == nil && info.Threads > 1 && blas.SetThreads(1) == nil {
				defer blas.SetThreads(info.Threads)
			}
		}
	}
	total := 0
	for _, sw := range sweeps {
		if len(sw.Shapes) == 0 || len(sw.Methods) == 0 {
			return nil, fmt.Errorf("reports: sweep %q has no shapes or no methods", sw.Name)
		}
		for _, name := range sw.Methods {
			if _, ok := methodByName(ms, name); !ok {
				return nil, fmt.Errorf("reports: sweep %q: unknown method %q", sw.Name, name)
			}
		}
		total += len(sw.Shapes) * len(sw.Methods)
	}
	r := &Report{Machine: machine(), Clock: WallClock, Seed: set.Seed, Quick: set.Quick, Budget: t.budget, Target: t.target, Sweeps: sweeps,
		Started: time.Now(), Command: set.Command, GPUFound: set.GPU != nil, methods: ms}
	if set.GPU == nil && set.NoGPU != "" {
		r.Machine.GPU = "no GPU found: " + set.NoGPU
	}
	if set.GPU != nil {
		r.Machine.GPU = set.GPU.Name()
	}
	if _, ok := processCPUTime(); ok {
		r.Clock = CPUClock
	}
	done := 0
	for _, sw := range sweeps {
		// clock[m] and wall[m] are m's seconds per multiply-add at its
		// largest measured size so far in this sweep, by the report's clock
		// (which decides the budget, so that which sizes run does not
		// depend on how busy the machine is) and by the wall clock; basis
		// says where they come from.
		wall, clock, basis := map[string]float64{}, map[string]float64{}, map[string]string{}
		for _, shape := range sw.Shapes {
			net, b, err := shape.build(set.Seed)
			if err != nil {
				return nil, err
			}
			for _, name := range sw.Methods {
				m, _ := methodByName(ms, name)
				if set.Progress != nil {
					set.Progress(done, total, fmt.Sprintf("%s %s %v", sw.Name, name, shape))
				}
				done++
				res := Result{Sweep: sw.Name, Method: name, Shape: shape, Params: shape.Params()}
				want := m.work(net.Config(), b.Len())
				from := name
				if _, ok := wall[name]; !ok && name != ForwardPass {
					// No size of this method measured yet: the forward
					// pass's rate, the fastest per multiply-add, gives a
					// lower bound.
					from = ForwardPass
				}
				if rc, ok := clock[from]; ok && rc*float64(want.MulAdds) > t.budget {
					res.Status = OverBudget
					res.ExtrapolatedWall = wall[from] * float64(want.MulAdds)
					res.Extrapolated = rc * float64(want.MulAdds)
					res.Basis = basis[from]
					if from != name {
						res.Basis = "lower bound from " + res.Basis
					}
					res.MulAdds, res.Passes, res.Paths = want.MulAdds, want.Passes, want.Paths
					r.Results = append(r.Results, res)
					continue
				}
				run, err := m.prepare(net, b)
				if err != nil {
					return nil, err
				}
				if err := measure(&res, run, want, t, !m.wall && r.Clock == CPUClock); err != nil {
					return nil, err
				}
				if res.MulAdds > 0 {
					wall[name] = res.WallMedian / float64(res.MulAdds)
					clock[name] = res.Min / float64(res.MulAdds)
					basis[name] = fmt.Sprintf("%s measured at %v: %.3g ns per multiply-add (%.3g ns wall-clock)", name, shape, 1e9*clock[name], 1e9*wall[name])
				}
				r.Results = append(r.Results, res)
			}
		}
	}
	if set.Progress != nil {
		set.Progress(done, total, "done")
	}
	r.Elapsed = time.Since(r.Started).Seconds()
	r.LoadEnd = loadAverage()
	return r, nil
}

// errNoResult reports a lookup of a result that the sweep does not hold.
var errNoResult = errors.New("reports: no such result")

// result returns the result of method at shape in sweep.
func (r *Report) result(sweep, method string, s Shape) (Result, error) {
	for _, x := range r.Results {
		if x.Sweep == sweep && x.Method == method && x.Shape == s {
			return x, nil
		}
	}
	return Result{}, errNoResult
}
