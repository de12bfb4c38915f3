package numgrad

import (
	"fmt"
	"runtime"
	"sync"
)

// Settings configures [Gradient] and [Richardson]. A nil *Settings means
// every default; a zero field means that field's default.
type Settings struct {
	// Formula is the finite-difference scheme of Gradient (default
	// Central). Richardson ignores it: it extrapolates central differences.
	Formula Formula
	// Step is the relative step c, h_i = c·max(1, |x_i|) made exact by
	// [Step] (default the formula's Step; for Richardson the largest step of
	// the ladder, default 2⁻⁷).
	Step float64
	// Concurrent spreads the coordinates over GOMAXPROCS goroutines; f must
	// then be safe for concurrent use. The result is the same bits either
	// way: every coordinate is computed alone, in the same order of
	// operations.
	Concurrent bool
}

func (s *Settings) formula() Formula {
	if s != nil && s.Formula.Stencil != nil {
		return s.Formula
	}
	return Central
}

func (s *Settings) concurrent() bool { return s != nil && s.Concurrent }

// Gradient sets dst[i] ≈ ∂f/∂x_i by the settings' formula with the step
// h_i = Step(x_i, c), one coordinate at a time, each from a fresh copy of x.
// It allocates dst if nil and returns it; x is not modified. It panics if
// len(dst) != len(x).
func Gradient(dst []float64, f func([]float64) float64, x []float64, s *Settings) []float64 {
	if dst == nil {
		dst = make([]float64, len(x))
	}
	if len(dst) != len(x) {
		panic(fmt.Sprintf("numgrad: Gradient: len(dst) = %d, len(x) = %d", len(dst), len(x)))
	}
	form := s.formula()
	c := form.Step
	if s != nil && s.Step != 0 {
		c = s.Step
	}
	parallel(len(x), s.concurrent(), func() func(i int) {
		xc := make([]float64, len(x))
		return func(i int) {
			copy(xc, x)
			dst[i] = derivative(f, xc, i, Step(x[i], c), form)
		}
	})
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

// parallel calls work(i) for every i in [0, n), on GOMAXPROCS goroutines
// when concurrent is set. newWorker is called once per goroutine to give it
// its own buffers. Each i is handled by exactly one call, so results that
// depend only on i do not depend on the scheduling.
func parallel(n int, concurrent bool, newWorker func() func(i int)) {
	workers := 1
	if concurrent {
		workers = min(runtime.GOMAXPROCS(0), n)
	}
	if workers <= 1 {
		w := newWorker()
		for i := range n {
			w(i)
		}
		return
	}
	var mu sync.Mutex
	next := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newWorker()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				w(i)
			}
		}()
	}
	wg.Wait()
}
