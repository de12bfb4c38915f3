package reports

import (
	"errors"
	"math"
)

// Fit is a least-squares line y = Intercept + Slope·x, with the coefficient
// of determination R² and the number of points N.
type Fit struct {
	Slope, Intercept, R2 float64
	N                    int
}

// fitLine returns the least-squares line through (x_i, y_i). It needs two
// distinct x.
func fitLine(x, y []float64) (Fit, error) {
	n := len(x)
	if n != len(y) {
		panic("reports: fitLine: lengths differ")
	}
	if n < 2 {
		return Fit{N: n}, errors.New("fewer than two points")
	}
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(n)
	my /= float64(n)
	var sxx, sxy, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxx += dx * dx
		sxy += dx * dy
		syy += dy * dy
	}
	if sxx == 0 {
		return Fit{N: n}, errors.New("all points at one x")
	}
	f := Fit{Slope: sxy / sxx, N: n}
	f.Intercept = my - f.Slope*mx
	f.R2 = 1
	if syy > 0 {
		var res float64
		for i := range x {
			e := y[i] - f.Intercept - f.Slope*x[i]
			res += e * e
		}
		f.R2 = 1 - res/syy
	}
	return f, nil
}

// fitPower fits y = c·x^k, a line in log–log: Slope is the exponent k.
func fitPower(x, y []float64) (Fit, error) { return fitLine(logs(x), logs(y)) }

// fitExp fits y = c·g^x, a line in lin–log: exp(Slope) is the factor g per
// unit of x.
func fitExp(x, y []float64) (Fit, error) { return fitLine(x, logs(y)) }

func logs(x []float64) []float64 {
	l := make([]float64, len(x))
	for i, v := range x {
		l[i] = math.Log(v)
	}
	return l
}
