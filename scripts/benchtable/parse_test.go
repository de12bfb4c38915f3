package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseGoBench(t *testing.T) {
	const text = `goos: linux
pkg: github.com/gradcheck/gradcheck/backprop
BenchmarkStep/[2_3_3_1]/batch=16-2         	  300000	      4000 ns/op	       0 B/op	       0 allocs/op
BenchmarkStep/[2_3_3_1]/batch=16-2         	  300000	      3000 ns/op	       0 B/op	       0 allocs/op
BenchmarkStep/[2_3_3_1]/batch=16-2         	  300000	      5000 ns/op	       0 B/op	       0 allocs/op
BenchmarkGradient/[64_64_64_1]/params=8385/fast/workers=2-2 	3	 50000000 ns/op	 12.5 max-abs-err/1e-12	 3.058 max-abs-grad	 8385 params
BenchmarkStep/[2_3_3_1]/batch=16         	  300000	      9000 ns/op	       0 B/op	       0 allocs/op
PASS
ok  	github.com/gradcheck/gradcheck/backprop	1.2s
`
	got, err := parseGoBench(strings.NewReader(text), "fixture")
	if err != nil {
		t.Fatal(err)
	}
	step := got["Step/[2_3_3_1]/batch=16@2"]
	if m, ok := step.median("ns/op"); !ok || m != 4000 {
		t.Errorf("median ns/op = %v, %v; want 4000 (of 3000, 4000, 5000)", m, ok)
	}
	if m, _ := step.median("allocs/op"); m != 0 {
		t.Errorf("median allocs/op = %v, want 0", m)
	}
	fd := got["Gradient/[64_64_64_1]/params=8385/fast/workers=2@2"]
	want := goBench{"ns/op": {5e7}, "max-abs-err/1e-12": {12.5}, "max-abs-grad": {3.058}, "params": {8385}}
	if diff := cmp.Diff(want, fd); diff != "" {
		t.Errorf("netfd line mismatch (-want +got):\n%s", diff)
	}
	if m, _ := got["Step/[2_3_3_1]/batch=16@1"].median("ns/op"); m != 9000 {
		t.Errorf("GOMAXPROCS 1 (no suffix): median %v, want 9000", m)
	}
	if _, ok := step.median("B/s"); ok {
		t.Error("median of a unit not measured: ok")
	}
}

func TestParseGoBenchErrors(t *testing.T) {
	for _, text := range []string{
		"BenchmarkX-2  10  12 ns/op 3\n",
		"BenchmarkX-2  10  twelve ns/op\n",
	} {
		if _, err := parseGoBench(strings.NewReader(text), "fixture"); err == nil || !strings.Contains(err.Error(), "fixture:1") {
			t.Errorf("%q: error %v, want one naming fixture:1", text, err)
		}
	}
}

func TestLayersKey(t *testing.T) {
	if got := layersKey([]int{784, 256, 256, 10}); got != "[784_256_256_10]" {
		t.Errorf("layersKey = %q", got)
	}
}

// TestAcceptance checks the criteria are computed from the numbers: a step
// 25× faster than PyTorch at the faster thread count of each passes the 20×
// criterion, one 2× faster does not, and a missing measurement is not met.
func TestAcceptance(t *testing.T) {
	r := &run{
		native: map[string]goBench{
			"Step/[2_3_3_1]/batch=16@2":    {"ns/op": {4000}, "allocs/op": {0}},
			"Step/[2_3_3_1]/batch=16@1":    {"ns/op": {5000}, "allocs/op": {0}},
			"Step/[64_64_64_1]/batch=16@1": {"ns/op": {60000}, "allocs/op": {0}},
		},
		pure:  map[string]goBench{},
		netfd: map[string]goBench{},
		mlp: []torchMLP{
			{Layers: []int{2, 3, 3, 1}, Batch: 16, Act: "sigmoid", Dtype: "f64", Threads: 1, Step: 100e-6},
			{Layers: []int{2, 3, 3, 1}, Batch: 16, Act: "sigmoid", Dtype: "f64", Threads: 2, Step: 150e-6},
			{Layers: []int{64, 64, 64, 1}, Batch: 16, Act: "sigmoid", Dtype: "f64", Threads: 1, Step: 120e-6},
		},
	}
	md, failed := r.markdown()
	for _, want := range []string{
		"| training step [2 3 3 1] batch 16, OpenBLAS: speed-up over PyTorch | 25.00 | ≥ 20 | yes |",
		"| training step [64 64 64 1] batch 16, OpenBLAS: speed-up over PyTorch | 2.00 | ≥ 3 | **no** |",
		"| training step [784 256 256 10] batch 256, OpenBLAS: speed-up over PyTorch | — | ≥ 1 | **no** |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	if failed == 0 {
		t.Error("no criterion failed")
	}
}
