package numgrad

import (
	"math"
	"runtime"
	"sync"
)

// Settings configures [Gradient]. A nil *Settings means every default; a
// zero field means that field's default.
type Settings struct {
	// Formula is the finite-difference scheme (default Central).
	Formula Formula
	// Step overrides the formula's relative step.
	Step float64
	// Concurrent spreads the coordinates over GOMAXPROCS goroutines. f must
	// then be safe for concurrent use.
	Concurrent bool
}

// Gradient sets dst[i] ≈ ∂f/∂x_i by the settings' formula with the relative
// step h_i = Step·max(1, |x_i|), one coordinate at a time, each from a fresh
// copy of x. It allocates dst if nil and returns it; x is not modified.
// The result does not depend on Concurrent: each coordinate is computed the
// same way, whichever goroutine computes it.
func Gradient(dst []float64, f func([]float64) float64, x []float64, s *Settings) []float64 {
	if dst == nil {
		dst = make([]float64, len(x))
	}
	if len(dst) != len(x) {
		panic("numgrad: len(dst) != len(x)")
	}
	form := Central
	step := 0.0
	workers := 1
	if s != nil {
		if s.Formula.Stencil != nil {
			form = s.Formula
		}
		step = s.Step
		if s.Concurrent {
			workers = runtime.GOMAXPROCS(0)
		}
	}
	if step == 0 {
		step = form.Step
	}
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(workers, max(len(x), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			xc := make([]float64, len(x))
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(x) {
					return
				}
				copy(xc, x)
				h := step * math.Max(1, math.Abs(x[i]))
				dst[i] = derivative(f, xc, i, h, form)
			}
		}()
	}
	wg.Wait()
	return dst
}

// derivative returns Σ_k Coeff_k·f(x + Loc_k·h·e_i) / h; x[i] is restored.
func derivative(f func([]float64) float64, x []float64, i int, h float64, form Formula) float64 {
	xi := x[i]
	var s float64
	for _, p := range form.Stencil {
		x[i] = xi + p.Loc*h
		s += p.Coeff * f(x)
	}
	x[i] = xi
	return s / h
}
