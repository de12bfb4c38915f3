package fuzz

import (
	"fmt"
	"math"
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad/zoo"
)

// The test handles a check must serve.
var (
	_ TB = (*testing.T)(nil)
	_ TB = (*rapid.T)(nil)
)

// recorder is a TB that records failures instead of failing.
type recorder struct{ errors, fatals []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
}

// TestCheckGradientVerdicts runs CheckGradient on a correct network, on
// mutants of the bug zoo, and on cases holding NaN or Inf: a correct
// gradient passes without failing t, a wrong one fails t, and a
// non-finite case neither passes nor fails t.
func TestCheckGradientVerdicts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		mutant  string // "" for the network itself
		poison  func(net *backprop.Network, d *backprop.Dataset)
		verdict Verdict
	}{
		{name: "correct", verdict: Pass},
		{name: "sign flip", mutant: "sign-flip-layer-1", verdict: Fail},
		{name: "sum over batch", mutant: "sum-over-batch", verdict: Fail},
		{name: "no bias gradient", mutant: "no-bias-gradient", verdict: Fail},
		{name: "NaN weight", poison: func(net *backprop.Network, _ *backprop.Dataset) {
			p := net.ParamsTo(nil)
			p[1] = math.NaN()
			net.SetParams(p)
		}, verdict: NonFinite},
		{name: "Inf input", poison: func(_ *backprop.Network, d *backprop.Dataset) { d.X[0] = math.Inf(1) }, verdict: NonFinite},
		{name: "NaN target", poison: func(_ *backprop.Network, d *backprop.Dataset) { d.Y[0] = math.NaN() }, verdict: NonFinite},
		{name: "overflowing weights", poison: func(net *backprop.Network, _ *backprop.Dataset) {
			p := net.ParamsTo(nil)
			for i := range p {
				p[i] = 1e300
			}
			net.SetParams(p)
		}, verdict: NonFinite},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := tc.mutant
			if name == "" {
				name = "sign-flip-layer-1" // for its configuration and data
			}
			mut, ok := zoo.Lookup(name)
			if !ok {
				t.Fatalf("no mutant %q", name)
			}
			net := backprop.MustNew(mut.Config)
			d := mut.Data(1)
			if tc.poison != nil {
				tc.poison(net, d)
			}
			var m backprop.Model = net
			if tc.mutant != "" {
				m = mut.New(net)
			}
			for _, check := range []struct {
				name string
				run  func(TB) Verdict
			}{
				{"CheckGradient", func(r TB) Verdict { return CheckGradient(r, m, backprop.All(d), nil) }},
				{"Check", func(r TB) Verdict { return Check(r, m, net, backprop.All(d)) }},
			} {
				var r recorder
				got := check.run(&r)
				if got != tc.verdict {
					t.Errorf("%s: verdict %v, want %v", check.name, got, tc.verdict)
				}
				if failed := len(r.errors) > 0; failed != (tc.verdict == Fail) || len(r.fatals) > 0 {
					t.Errorf("%s: errors %q, fatals %q; want t failed only for FAIL", check.name, r.errors, r.fatals)
				}
			}
		})
	}
}
