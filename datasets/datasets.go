package datasets

import (
	_ "embed"
	"math"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/netio"
)

//go:embed iris.csv
var irisCSV string

// IrisCSV returns the iris data as this project's CSV (4 inputs, 3 targets).
func IrisCSV() string { return irisCSV }

// Iris returns Fisher's iris data with each input standardised to mean 0 and
// standard deviation 1 over the 150 samples, and one-hot targets.
func Iris() *backprop.Dataset {
	d, err := netio.ReadCSV(strings.NewReader(irisCSV), "iris.csv", 4, 3)
	if err != nil {
		panic("datasets: embedded iris.csv: " + err.Error())
	}
	Standardize(d)
	return d
}

// Standardize shifts and scales each input column of d to mean 0 and
// standard deviation 1 (a constant column is only shifted).
func Standardize(d *backprop.Dataset) {
	for c := range d.In {
		var mean, m2 float64
		for i := range d.N {
			v := d.X[i*d.In+c]
			delta := v - mean
			mean += delta / float64(i+1)
			m2 += delta * (v - mean)
		}
		sd := 1.0
		if m2 > 0 {
			sd = math.Sqrt(m2 / float64(d.N))
		}
		for i := range d.N {
			d.X[i*d.In+c] = (d.X[i*d.In+c] - mean) / sd
		}
	}
}

// Textbook returns the two-feature, one-target dataset of the chapter this
// project grew from. The chapter's figures, and so its numbers, are lost;
// these eight samples keep its shape: two features in [0, 1] and one target,
// here 0.1 + 0.8·x₁·(1 − x₂), a smooth function that a [2,3,3,1] network
// learns in a few hundred epochs.
func Textbook() *backprop.Dataset {
	x := [][]float64{
		{0.0, 0.0}, {0.0, 1.0}, {1.0, 0.0}, {1.0, 1.0},
		{0.5, 0.2}, {0.2, 0.7}, {0.9, 0.4}, {0.3, 0.1},
	}
	d := &backprop.Dataset{N: len(x), In: 2, Out: 1}
	for _, r := range x {
		d.X = append(d.X, r...)
		d.Y = append(d.Y, 0.1+0.8*r[0]*(1-r[1]))
	}
	return d
}
