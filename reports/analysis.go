package reports

import (
	"errors"
	"fmt"
	"math"
)

// minFitPoints is the fewest sizes a growth is fitted over. A line through
// the logarithms of four points or fewer has one or two degrees of freedom
// left: its exponent moves by tenths with the noise of one timing, too much
// to compare with the theory's, so such a sweep gets no exponent and no
// verdict, only its measurements.
const minFitPoints = 5

// errTooFew is a growth's error when its sweep measured fewer than
// minFitPoints sizes in the fit window.
var errTooFew = errors.New("too few sizes to fit")

// growth is how one method's time and work grow along one sweep.
type growth struct {
	Method string
	// Time and Work are power fits (exponent = Slope) against the sweep's
	// varying dimension, over the measured points in the sweep's fit
	// window; Rate is the fit of seconds per multiply-add, so that
	// Time.Slope = Work.Slope + Rate.Slope exactly (least squares is linear).
	Time, Work, Rate Fit
	// ExpTime and ExpWork are exponential fits (factor exp(Slope) per unit
	// of x), for the depth sweep.
	ExpTime, ExpWork Fit
	Err              error
	// Theory is the exponent the closed forms predict for large sizes
	// (NaN where the growth is exponential), TheoryText says it in words.
	Theory     float64
	TheoryText string
	// Lo and Hi are the smallest and largest x fitted.
	Lo, Hi float64
}

// growths returns the growth of every method of sweep sw.
func (r *Report) growths(sw Sweep) []growth {
	var gs []growth
	for _, name := range sw.Methods {
		g := growth{Method: name}
		g.Theory, g.TheoryText = theory(sw, name)
		var x, t, w, rate []float64
		for _, res := range r.Results {
			if res.Sweep != sw.Name || res.Method != name || res.Status != Measured || !sw.inFit(res) {
				continue
			}
			x = append(x, sw.x(res))
			t = append(t, res.Min)
			w = append(w, float64(res.MulAdds))
			rate = append(rate, res.Min/float64(res.MulAdds))
		}
		if len(x) > 0 {
			g.Lo, g.Hi = x[0], x[len(x)-1]
		}
		g.Time.N = len(x)
		if len(x) < minFitPoints {
			g.Err = fmt.Errorf("%w: %d measured in the window, %d needed", errTooFew, len(x), minFitPoints)
		} else if g.Time, g.Err = fitPower(x, t); g.Err == nil {
			g.Work, _ = fitPower(x, w)
			g.Rate, _ = fitPower(x, rate)
			g.ExpTime, _ = fitExp(x, t)
			g.ExpWork, _ = fitExp(x, w)
		}
		gs = append(gs, g)
	}
	return gs
}

// theory returns the growth exponent the closed forms predict for method
// along sweep sw, and a sentence that says why.
func theory(sw Sweep, name string) (float64, string) {
	switch sw.Name {
	case "batch":
		return 1, "every method does the same work per sample: ∝ B"
	case "depth":
		switch name {
		case Paths:
			w := sw.Shapes[0].Width
			return math.NaN(), fmt.Sprintf("exponential: about w^{L+1} paths of about 2L multiplications, a factor w·(L+1)/L per layer, → w = %d", w)
		case FDForward, FDCentral, Dual:
			return 2, "W passes of F multiply-adds, both ∝ L: ∝ L²"
		}
		return 1, "∝ F ∝ L"
	}
	switch name {
	case FDForward, FDCentral, Dual:
		return 2, "W passes of ≈ F ≈ W multiply-adds: ∝ W²"
	case Paths:
		L := sw.Shapes[0].Depth
		return float64(L+1) / 2, fmt.Sprintf("∝ w^{L+1} = W^{(L+1)/2} paths at depth L = %d", L)
	}
	return 1, "∝ F ≈ W"
}

// ratio returns method's time and work at shape s of sweep sw divided by
// backprop's, and whether both were measured.
func (r *Report) ratio(sw, name string, s Shape) (timeRatio, workRatio float64, measured bool) {
	m, err1 := r.result(sw, name, s)
	b, err2 := r.result(sw, Backprop, s)
	if err1 != nil || err2 != nil || b.Time() == 0 || b.MulAdds == 0 {
		return math.NaN(), math.NaN(), false
	}
	return m.Time() / b.Time(), float64(m.MulAdds) / float64(b.MulAdds), m.Status == Measured && b.Status == Measured
}

// sweep returns the sweep called name, if the report has it.
func (r *Report) sweep(name string) (Sweep, bool) {
	for _, s := range r.Sweeps {
		if s.Name == name {
			return s, true
		}
	}
	return Sweep{}, false
}

// headline is the summary's one comparison in numbers: naive central
// finite differences against backprop at the width sweep's size nearest
// 10⁴ parameters.
type headline struct {
	Shape             Shape
	Params            int
	FD, BP            Result
	Ratio, WorkRatio  float64
	Measured, Present bool
}

func (r *Report) headline() headline {
	sw, ok := r.sweep("width")
	if !ok {
		return headline{}
	}
	var h headline
	best := math.Inf(1)
	for _, s := range sw.Shapes {
		if d := math.Abs(math.Log(float64(s.Params()) / 1e4)); d < best {
			best, h.Shape = d, s
		}
	}
	fd, err1 := r.result("width", FDCentral, h.Shape)
	bp, err2 := r.result("width", Backprop, h.Shape)
	if err1 != nil || err2 != nil {
		return h
	}
	h.Present, h.Params, h.FD, h.BP = true, h.Shape.Params(), fd, bp
	h.Ratio, h.WorkRatio, h.Measured = r.ratio("width", FDCentral, h.Shape)
	return h
}
