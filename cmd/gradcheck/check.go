package main

import (
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// defaultCheck compares the backprop gradient of net on d with central
// differences, prints one row per layer and group, and reports whether
// every component agrees.
//
// The comparison rule: |a − n| ≤ 1e-6·max(1, |a|, |n|). Central differences
// with h = 6e-6·max(1, |θ|) are accurate to about 1e-10 here (truncation
// h²|C‴|/6 plus rounding eps|C|/h), so the bound has four orders of margin.
func defaultCheck(e *env, net *backprop.Network, d *backprop.Dataset) (bool, error) {
	b := backprop.All(d)
	analytic := make([]float64, net.NumParams())
	if _, err := net.Gradient(analytic, b); err != nil {
		return false, err
	}
	probe := net.Clone()
	numeric := numgrad.Gradient(nil, func(theta []float64) float64 {
		probe.SetParams(theta)
		c, _ := probe.Cost(b)
		return c
	}, net.ParamsTo(nil), nil)
	fmt.Fprintf(e.stdout, "   gradient check, backprop vs central differences (pass: |a−n| ≤ 1e-6·max(1,|a|,|n|)):\n")
	ok := true
	for _, blk := range net.Layout().Blocks {
		worst := 0.0
		for i := blk.Offset; i < blk.Offset+blk.Len(); i++ {
			a, n := analytic[i], numeric[i]
			worst = math.Max(worst, math.Abs(a-n)/math.Max(1, math.Max(math.Abs(a), math.Abs(n))))
		}
		verdict := "ok"
		if !(worst <= 1e-6) {
			verdict, ok = "FAIL", false
		}
		fmt.Fprintf(e.stdout, "     layer %d %-7s %3d×%-3d  max error %.1e  %s\n", blk.Layer, blk.Group, blk.Rows, blk.Cols, worst, verdict)
	}
	return ok, nil
}
