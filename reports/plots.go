package reports

import (
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// writePlots saves the figures as SVG and PNG in dir and returns the SVG
// file names, in the order the report shows them.
func (r *Report) writePlots(dir string) ([]string, error) {
	var figs []struct {
		name string
		p    *plot.Plot
	}
	add := func(name string, p *plot.Plot, err error) error {
		if err != nil {
			return fmt.Errorf("reports: plot %s: %w", name, err)
		}
		if p != nil {
			_, logX := p.X.Scale.(plot.LogScale)
			pad(p, logX)
			figs = append(figs, struct {
				name string
				p    *plot.Plot
			}{name, p})
		}
		return nil
	}
	if sw, ok := r.sweep("width"); ok {
		p, err := r.timePlot(sw, "Time per gradient vs parameters (depth %d, batch %d)", "parameters W", true)
		if err := add("time_vs_params", p, err); err != nil {
			return nil, err
		}
		p, err = r.ratioPlot(sw)
		if err := add("ratio_vs_params", p, err); err != nil {
			return nil, err
		}
	}
	if sw, ok := r.sweep("depth"); ok {
		p, err := r.timePlot(sw, "Time per gradient vs depth (width %d, batch %d)", "depth L (weight layers)", false)
		if err := add("time_vs_depth", p, err); err != nil {
			return nil, err
		}
		p, err = r.pathsPlot(sw)
		if err := add("paths_vs_depth", p, err); err != nil {
			return nil, err
		}
	}
	if sw, ok := r.sweep("batch"); ok {
		p, err := r.timePlot(sw, "Time per gradient vs batch size (width %d, depth %d)", "batch size B (samples)", true)
		if err := add("time_vs_batch", p, err); err != nil {
			return nil, err
		}
	}
	var names []string
	for _, f := range figs {
		for _, ext := range []string{".svg", ".png"} {
			if err := f.p.Save(8*vg.Inch, 5.5*vg.Inch, filepath.Join(dir, f.name+ext)); err != nil {
				return nil, fmt.Errorf("reports: saving %s%s: %w", f.name, ext, err)
			}
		}
		names = append(names, f.name+".svg")
	}
	return names, nil
}

// newPlot returns a plot with the title and axis labels, a log y axis
// labelled by yfmt, a log x axis if logX, a grid and the legend at the top
// left.
func newPlot(title, x, y string, logX bool, yfmt func(float64) string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	if logX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = logTicks{label: short}
	}
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = logTicks{label: yfmt}
	p.Add(plotter.NewGrid())
	// The legend sits in the data area's top left corner, where rising
	// curves leave room, a little below the title and right of the axis,
	// so that neither crowds the other.
	p.Title.Padding = vg.Points(12)
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(8), -vg.Points(6)
	p.Legend.Padding = vg.Points(1.5)
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	return p
}

// logTicks marks a log axis: every 1..9 × 10^k, labelled at the powers of
// ten, and also at 2 and 5 × 10^k when the axis spans two decades or less.
// (STYLE.md: a log axis needs a log ticker; plot.LogTicks labels 10⁻⁴ as
// 9.999…e-05.)
type logTicks struct{ label func(float64) string }

func (t logTicks) Ticks(min, max float64) []plot.Tick {
	var ticks []plot.Tick
	lo, hi := int(math.Floor(math.Log10(min))), int(math.Ceil(math.Log10(max)))
	dense := hi-lo <= 2
	for e := lo; e <= hi; e++ {
		for m := 1; m <= 9; m++ {
			v, err := strconv.ParseFloat(fmt.Sprintf("%de%d", m, e), 64) // exact decimal, no drift
			if err != nil || v < min || v > max {
				continue
			}
			tk := plot.Tick{Value: v}
			if m == 1 || (dense && (m == 2 || m == 5)) {
				tk.Label = t.label(v)
			}
			ticks = append(ticks, tk)
		}
	}
	return ticks
}

// short formats a count: 20, 500, 2k, 10k, 1M, 1G.
func short(v float64) string {
	for _, u := range []struct {
		f float64
		s string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if v >= u.f {
			return strconv.FormatFloat(v/u.f, 'g', 3, 64) + u.s
		}
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// times formats seconds with a unit: 1 µs, 10 ms, 2 s.
func times(v float64) string { return dur(v) }

// ratios formats a ratio: 10×.
func ratios(v float64) string { return short(v) + "×" }

// pad widens the plot's ranges by a fraction of their log span, so that no
// point sits on an axis.
func pad(p *plot.Plot, logX bool) {
	p.Y.Min, p.Y.Max = p.Y.Min/1.5, p.Y.Max*1.5
	if logX {
		p.X.Min, p.X.Max = p.X.Min/1.25, p.X.Max*1.25
	} else {
		d := (p.X.Max - p.X.Min) * 0.04
		p.X.Min, p.X.Max = p.X.Min-d, p.X.Max+d
	}
}

// series adds the points (x, y) of one method, filled where measured and
// hollow where extrapolated, and its fitted line over [lo, hi]; the line is
// a power law in log–log plots and an exponential when expo is set.
func series(p *plot.Plot, label string, col color.Color, measured, extrapolated plotter.XYs, fit *Fit, lo, hi float64, expo bool) error {
	var thumbs []plot.Thumbnailer
	if len(measured) > 0 {
		s, err := plotter.NewScatter(measured)
		if err != nil {
			return err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
		p.Add(s)
		thumbs = append(thumbs, s)
	}
	if len(extrapolated) > 0 {
		s, err := plotter.NewScatter(extrapolated)
		if err != nil {
			return err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3.5), Shape: draw.RingGlyph{}}
		p.Add(s)
		if len(thumbs) == 0 {
			thumbs = append(thumbs, s)
		}
	}
	if fit != nil && hi > lo {
		var pts plotter.XYs
		for i := range 41 {
			var x, y float64
			if expo {
				x = lo + (hi-lo)*float64(i)/40
				y = math.Exp(fit.Intercept + fit.Slope*x)
			} else {
				x = math.Exp(math.Log(lo) + (math.Log(hi)-math.Log(lo))*float64(i)/40)
				y = math.Exp(fit.Intercept + fit.Slope*math.Log(x))
			}
			pts = append(pts, plotter.XY{X: x, Y: y})
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		l.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}}
		p.Add(l)
		thumbs = append(thumbs, l)
	}
	if len(thumbs) > 0 {
		p.Legend.Add(label, thumbs...)
	}
	return nil
}

// points returns the measured and the extrapolated (x, y) of method in sw.
func (r *Report) points(sw Sweep, name string, y func(Result) float64) (measured, extrapolated plotter.XYs) {
	for _, res := range r.Results {
		if res.Sweep != sw.Name || res.Method != name {
			continue
		}
		v := y(res)
		if !(v > 0) || math.IsInf(v, 0) {
			continue
		}
		pt := plotter.XY{X: sw.x(res), Y: v}
		if res.Status == Measured {
			measured = append(measured, pt)
		} else {
			extrapolated = append(extrapolated, pt)
		}
	}
	return measured, extrapolated
}

func (r *Report) colorOf(name string) (color.Color, string) {
	if m, ok := methodByName(r.methods, name); ok {
		return m.color, m.name
	}
	return color.Black, name
}

// timePlot is the time of every method against the sweep's dimension,
// with each method's fit: power laws, and for path enumeration in the
// depth sweep an exponential.
func (r *Report) timePlot(sw Sweep, title, xlabel string, logX bool) (*plot.Plot, error) {
	s0 := sw.Shapes[0]
	a, b := s0.Depth, s0.Batch
	switch sw.Name {
	case "depth":
		a, b = s0.Width, s0.Batch
	case "batch":
		a, b = s0.Width, s0.Depth
	}
	p := newPlot(fmt.Sprintf(title, a, b), xlabel, "time per gradient", logX, times)
	extrapolatedSeen := false
	for _, g := range r.growths(sw) {
		col, name := r.colorOf(g.Method)
		meas, ext := r.points(sw, g.Method, Result.Time)
		extrapolatedSeen = extrapolatedSeen || len(ext) > 0
		var fit *Fit
		label := name
		expo := sw.Name == "depth" && g.Method == Paths
		if g.Err == nil {
			switch {
			case expo:
				f := g.ExpTime
				fit = &f
				label += fmt.Sprintf(" (fit: ×%.2f per layer)", math.Exp(f.Slope))
			default:
				f := g.Time
				fit = &f
				label += fmt.Sprintf(" (fit: %s^%.2f)", map[string]string{"width": "W", "depth": "L", "batch": "B"}[sw.Name], f.Slope)
			}
		}
		if err := series(p, label, col, meas, ext, fit, g.Lo, g.Hi, expo); err != nil {
			return nil, err
		}
	}
	if extrapolatedSeen {
		if err := ringLegend(p, "ring: over budget, time extrapolated"); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// ringLegend adds the legend's line that explains the hollow points.
func ringLegend(p *plot.Plot, text string) error {
	ring, err := plotter.NewScatter(plotter.XYs{{X: 1, Y: 1}})
	if err != nil {
		return err
	}
	ring.GlyphStyle = draw.GlyphStyle{Color: color.Gray{Y: 90}, Radius: vg.Points(3.5), Shape: draw.RingGlyph{}}
	p.Legend.Add(text, ring)
	return nil
}

// ratioPlot is each naive method's time over backprop's against W.
func (r *Report) ratioPlot(sw Sweep) (*plot.Plot, error) {
	p := newPlot(fmt.Sprintf("Naive method's time ÷ backprop's (depth %d, batch %d)", sw.Shapes[0].Depth, sw.Shapes[0].Batch),
		"parameters W", "time ratio to backprop", true, ratios)
	extrapolatedSeen := false
	for _, name := range sw.Methods {
		if name == Backprop || name == ForwardPass || name == GPUBackprop {
			continue
		}
		col, _ := r.colorOf(name)
		var meas, ext plotter.XYs
		var fx, fy []float64
		for _, s := range sw.Shapes {
			tr, _, measured := r.ratio(sw.Name, name, s)
			if !(tr > 0) || math.IsInf(tr, 0) {
				continue
			}
			pt := plotter.XY{X: float64(s.Params()), Y: tr}
			if measured {
				meas = append(meas, pt)
				if sw.inFit(Result{Shape: s, Params: s.Params()}) {
					fx, fy = append(fx, pt.X), append(fy, pt.Y)
				}
			} else {
				ext = append(ext, pt)
			}
		}
		label := name
		var fit *Fit
		lo, hi := 0.0, 0.0
		if f, err := fitPower(fx, fy); err == nil && len(fx) >= minFitPoints {
			fit, lo, hi = &f, fx[0], fx[len(fx)-1]
			label += fmt.Sprintf(" (fit: W^%.2f)", f.Slope)
		}
		if err := series(p, label, col, meas, ext, fit, lo, hi, false); err != nil {
			return nil, err
		}
		extrapolatedSeen = extrapolatedSeen || len(ext) > 0
	}
	if extrapolatedSeen {
		if err := ringLegend(p, "ring: a time over budget, extrapolated"); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// pathsPlot is the work of path enumeration against depth: its path
// products and multiply-adds per gradient, counted (closed form where over
// budget), each with its exponential fit, beside backprop's multiply-adds.
// Its time is in the time-vs-depth figure.
func (r *Report) pathsPlot(sw Sweep) (*plot.Plot, error) {
	has := false
	for _, m := range sw.Methods {
		has = has || m == Paths
	}
	if !has {
		return nil, nil
	}
	p := newPlot(fmt.Sprintf("Path enumeration: work vs depth (width %d, batch %d)", sw.Shapes[0].Width, sw.Shapes[0].Batch),
		"depth L (weight layers)", "count per gradient", false, short)
	col, _ := r.colorOf(Paths)
	bcol, _ := r.colorOf(Backprop)
	for _, q := range []struct {
		method, label string
		col           color.Color
		y             func(Result) float64
		expo          bool // an exponential fit, else a power law in L
	}{
		{Paths, "path products", color.Black, func(res Result) float64 { return float64(res.Paths) }, true},
		{Paths, "paths: multiply-adds", col, func(res Result) float64 { return float64(res.MulAdds) }, true},
		{Backprop, "backprop: multiply-adds", bcol, func(res Result) float64 { return float64(res.MulAdds) }, false},
	} {
		var xs, ys []float64
		var pts plotter.XYs
		for _, res := range r.Results {
			if res.Sweep == sw.Name && res.Method == q.method {
				if v := q.y(res); v > 0 {
					pts = append(pts, plotter.XY{X: float64(res.Depth), Y: v})
					xs, ys = append(xs, float64(res.Depth)), append(ys, v)
				}
			}
		}
		label := q.label
		var fit *Fit
		lo, hi := 0.0, 0.0
		fitf := fitPower
		if q.expo {
			fitf = fitExp
		}
		if f, err := fitf(xs, ys); err == nil && len(xs) >= minFitPoints {
			fit, lo, hi = &f, xs[0], xs[len(xs)-1]
			if q.expo {
				label += fmt.Sprintf(" (fit: ×%.2f per layer)", math.Exp(f.Slope))
			} else {
				label += fmt.Sprintf(" (fit: L^%.2f)", f.Slope)
			}
		}
		if err := series(p, label, q.col, pts, nil, fit, lo, hi, q.expo); err != nil {
			return nil, err
		}
	}
	return p, nil
}
