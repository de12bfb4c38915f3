package properties_test

import (
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/properties"
)

func TestDataRangeValid(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		in := rapid.IntRange(1, 4).Draw(t, "in")
		out := rapid.IntRange(1, 4).Draw(t, "out")
		minN := rapid.IntRange(1, 5).Draw(t, "min N")
		maxN := rapid.IntRange(minN, 12).Draw(t, "max N")
		d := properties.DataRange(properties.Inputs(in), properties.OneHot(out), minN, maxN).Draw(t, "data")
		if err := d.Validate(); err != nil {
			t.Fatal(err)
		}
		if d.N < minN || d.N > maxN || d.In != in || d.Out != out {
			t.Fatalf("N = %d, %d inputs, %d targets; want N in [%d, %d], %d and %d", d.N, d.In, d.Out, minN, maxN, in, out)
		}
		for i := range d.N {
			x, y := d.Sample(i)
			if slices.IndexFunc(x, func(v float64) bool { return v < -properties.DefaultMaxInput || v > properties.DefaultMaxInput }) >= 0 {
				t.Fatalf("sample %d: inputs %v out of range", i, x)
			}
			ones := 0
			for _, v := range y {
				if v == 1 {
					ones++
				} else if v != 0 {
					t.Fatalf("sample %d: target %v is not one-hot", i, y)
				}
			}
			if ones != 1 {
				t.Fatalf("sample %d: target %v is not one-hot", i, y)
			}
		}
	})
}

// TestDataShapes requires one-sample datasets and datasets with duplicate
// samples among 300 examples of Data.
func TestDataShapes(t *testing.T) {
	t.Parallel()
	g := properties.Data(properties.Inputs(2), properties.Targets(1))
	var single, dups int
	for seed := range 300 {
		d := g.Example(seed)
		if d.N == 1 {
			single++
		}
		seen := map[[3]float64]bool{}
		for i := range d.N {
			x, y := d.Sample(i)
			k := [3]float64{x[0], x[1], y[0]}
			if seen[k] {
				dups++
				break
			}
			seen[k] = true
		}
	}
	if single == 0 || dups == 0 {
		t.Errorf("of 300 datasets: %d with one sample, %d with a duplicate; want some of each", single, dups)
	}
}

// TestDataRagged requires a dataset generator whose input generator draws
// vectors of different lengths to fail with a message naming the sample.
func TestDataRagged(t *testing.T) {
	t.Parallel()
	n := 0
	ragged := rapid.Custom(func(t *rapid.T) []float64 {
		n++
		return make([]float64, 1+n%2, 1+n%2+rapid.IntRange(0, 1).Draw(t, "spare"))
	})
	_, msg, failed := properties.Falsify(func(t *rapid.T) {
		properties.DataRange(ragged, properties.Targets(1), 8, 8).Draw(t, "data")
	}, 20)
	if !failed || !strings.Contains(msg, "properties: sample") {
		t.Fatalf("failed %v with %q; want a panic naming the sample", failed, msg)
	}
}

func TestDataPanics(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"N from 0", func() { properties.DataRange(properties.Inputs(1), properties.Targets(1), 0, 3) }},
		{"N reversed", func() { properties.DataRange(properties.Inputs(1), properties.Targets(1), 4, 3) }},
		{"empty vector", func() { properties.Vector(0, rapid.Float64()) }},
		{"empty one-hot", func() { properties.OneHot(0) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("did not panic")
				}
			}()
			tc.f()
		})
	}
}
