package reports

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/gradcheck/gradcheck/numgrad/naive"
)

// Status says whether a size was run.
const (
	Measured   = "measured"
	OverBudget = "over budget"
)

// Result is one method at one size: its work, from the method's own counter
// when measured (checked against the closed form) or from the closed form
// when over budget, and its times.
type Result struct {
	Sweep  string `json:"sweep"`
	Method string `json:"method"`
	Shape
	Params  int    `json:"params"`
	MulAdds int64  `json:"mul_adds"`
	Passes  int64  `json:"passes"`
	Paths   int64  `json:"paths"`
	Status  string `json:"status"`
	// Reps is the number of timed repetitions; each runs Inner gradients
	// back to back. Seconds holds each repetition's time per gradient by
	// the report's clock (the process's CPU time where the system has it,
	// see Report.Clock), WallSeconds its wall-clock time.
	Reps        int       `json:"reps"`
	Inner       int       `json:"inner"`
	Seconds     []float64 `json:"seconds"`
	WallSeconds []float64 `json:"wall_seconds"`
	Median      float64   `json:"median_s"`
	Min         float64   `json:"min_s"`
	Max         float64   `json:"max_s"`
	WallMedian  float64   `json:"wall_median_s"`
	// Extrapolated is, for a size over budget, the predicted seconds per
	// gradient by the report's clock, which decides the budget, and
	// ExtrapolatedWall by the wall clock at the machine's load: the
	// closed-form multiply-adds times the seconds per multiply-add measured
	// at the method's largest measured size of the sweep (Basis says which).
	Extrapolated     float64 `json:"extrapolated_s,omitempty"`
	ExtrapolatedWall float64 `json:"extrapolated_wall_s,omitempty"`
	Basis            string  `json:"basis,omitempty"`
}

// Time returns the time per gradient that the tables, ratios, fits and
// plots use: the fastest repetition (other processes only ever add time,
// so the minimum is the estimate they disturb least), or the extrapolated
// time of a size over budget.
func (r Result) Time() float64 {
	if r.Status == OverBudget {
		return r.Extrapolated
	}
	return r.Min
}

// timing is how hard measure tries.
type timing struct {
	// budget is the most seconds, by the report's clock, that one gradient
	// of one method at one size may take: a size predicted to need more is
	// not run.
	budget float64
	// After the first timed call, measure repeats until it has minReps
	// repetitions and has spent target seconds, but stops at maxReps or
	// before spending more than spend seconds on the size. Gradients faster
	// than minRep seconds are run Inner times per repetition, so that the
	// clock's resolution does not matter.
	target, spend    float64
	minReps, maxReps int
	minRep           float64
}

// measure times run (one gradient per call, its work added to the counter)
// and fills r's counts and times, by the process's CPU time if cpu is set
// and the system has it, else by the wall clock. The first call is a
// warm-up (allocations, caches) and is discarded unless it took more than
// a tenth of the target, in which case repeating it for nothing would waste
// more than it tells. The target and spend are wall-clock seconds: they
// bound how long the user waits. It returns an error if run fails or
// its counted work differs from want.
func measure(r *Result, run func(c *naive.Count) error, want naive.Count, t timing, cpu bool) error {
	// Nothing else runs in the process meanwhile, so its CPU time is the
	// gradient's, on all the threads it uses: gonum runs a matrix product
	// of at least four 64×64 blocks of its output on several goroutines.
	runtime.GC()
	clock := func() float64 {
		if cpu {
			if s, ok := processCPUTime(); ok {
				return s
			}
		}
		return float64(time.Now().UnixNano()) * 1e-9
	}
	var c naive.Count
	w0, c0 := time.Now(), clock()
	if err := run(&c); err != nil {
		return err
	}
	first, firstWall := clock()-c0, time.Since(w0).Seconds()
	if c != want {
		return fmt.Errorf("reports: %s at %v counted %+v, the closed form says %+v", r.Method, r.Shape, c, want)
	}
	r.MulAdds, r.Passes, r.Paths = c.MulAdds, c.Passes, c.Paths
	r.Status = Measured
	r.Inner = 1
	if firstWall < t.minRep {
		r.Inner = int(math.Ceil(t.minRep / math.Max(firstWall, 1e-9)))
	}
	spent := 0.0
	if firstWall > t.target/10 {
		r.Seconds, r.WallSeconds = append(r.Seconds, first), append(r.WallSeconds, firstWall)
		spent = firstWall
	}
	for len(r.Seconds) < t.maxReps {
		per := firstWall * float64(r.Inner)
		if n := len(r.WallSeconds); n > 0 {
			per = r.WallSeconds[n-1] * float64(r.Inner)
		}
		if len(r.Seconds) > 0 && (spent+per > t.spend || (len(r.Seconds) >= t.minReps && spent >= t.target)) {
			break
		}
		w0, c0 := time.Now(), clock()
		for range r.Inner {
			if err := run(nil); err != nil {
				return err
			}
		}
		d, dw := clock()-c0, time.Since(w0).Seconds()
		spent += dw
		r.Seconds = append(r.Seconds, d/float64(r.Inner))
		r.WallSeconds = append(r.WallSeconds, dw/float64(r.Inner))
	}
	r.Reps = len(r.Seconds)
	r.Median, r.Min, r.Max = stats(r.Seconds)
	r.WallMedian, _, _ = stats(r.WallSeconds)
	return nil
}

// stats returns the median, minimum and maximum of x (non-empty).
func stats(x []float64) (median, lo, hi float64) {
	s := slices.Clone(x)
	slices.Sort(s)
	n := len(s)
	median = s[n/2]
	if n%2 == 0 {
		median = (s[n/2-1] + s[n/2]) / 2
	}
	return median, s[0], s[n-1]
}
