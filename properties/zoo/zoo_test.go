package zoo_test

import (
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/properties"
	"github.com/gradcheck/gradcheck/properties/zoo"
)

// TestZooKilled requires every mutant to be killed by at least one trainer
// property, in either tolerance mode, and logs the table of killers: a
// mutant that only Bitwise kills would be a mistake the Accumulated mode
// lets through for the loops that need it.
func TestZooKilled(t *testing.T) {
	t.Parallel()
	for _, tol := range []properties.Tolerance{properties.Bitwise, properties.Accumulated} {
		t.Run(tol.String(), func(t *testing.T) {
			t.Parallel()
			results := zoo.Run(&zoo.Settings{Properties: &properties.Settings{Tolerance: tol}})
			if len(results) != len(zoo.Mutants()) {
				t.Fatalf("%d results for %d mutants", len(results), len(zoo.Mutants()))
			}
			var table strings.Builder
			fmt.Fprintf(&table, "%-16s %-40s %s\n", "mutant", "killed by", "first counterexample")
			killed := 0
			for _, r := range results {
				fmt.Fprintf(&table, "%-16s %-40s seed %d: %.120s\n", r.Mutant, strings.Join(r.KilledBy, ", "), r.Seed, r.Message)
				if r.Killed() {
					killed++
				} else {
					t.Errorf("mutant %s (%s) survived every trainer property", r.Mutant, r.Bug)
				}
			}
			t.Logf("%d of %d mutants killed:\n%s", killed, len(results), table.String())
		})
	}
}

// TestZooControl runs the trainer properties with rapid, which shrinks, on
// the zoo's correct trainer and on backprop.Train, in both tolerance modes:
// a kill must be the mutant's mistake, not a difference of the zoo's
// trainer.
func TestZooControl(t *testing.T) {
	t.Parallel()
	for _, tr := range []struct {
		name string
		t    properties.Trainer
	}{{"zoo.Correct", zoo.Correct}, {"backprop.Train", backprop.Train}} {
		for _, tol := range []properties.Tolerance{properties.Bitwise, properties.Accumulated} {
			s := &properties.Settings{Trainer: tr.t, Tolerance: tol}
			for _, p := range properties.Properties {
				if p.Trainer {
					t.Run(tr.name+"/"+tol.String()+"/"+p.Name, rapid.MakeCheck(p.Prop(properties.Networks(), s)))
				}
			}
		}
	}
}

// TestZooDeterministic runs the zoo twice and requires the same results.
func TestZooDeterministic(t *testing.T) {
	t.Parallel()
	s := &zoo.Settings{Examples: 20}
	a, b := zoo.Run(s), zoo.Run(s)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("two runs differ:\n%v\n%v", a, b)
	}
}
