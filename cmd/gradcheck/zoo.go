package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/numgrad/zoo"
)

func init() {
	register(&command{name: "zoo", summary: "run the checker and the property suites on mutants with known bugs",
		usage: "",
		about: `Runs the gradient checker, with each method, on backward-pass mutants (each
backprop with one known mistake, package numgrad/zoo) and prints which it
catches and the layer where it locates the error beside the layer of the
bug; then runs the trainer properties on update-rule mutants (trainers with
one mistake, package properties/zoo) and prints the properties that kill
each. Exit 1 if a mutant is missed or located wrong.
`,
		run: runZoo})
	zooSections = append(zooSections, zooSection{
		title:    "backward-pass mutants (numgrad/zoo) on their seeded data; default check: central differences",
		verdict:  "default check",
		caughtBy: "caught by",
		locates:  true,
		run:      gradientMutants,
	})
}

// zooSection is one family of mutants that `gradcheck zoo` runs and
// tabulates. A package with mutants of its own (such as the property
// suites' update-rule mutants) adds a section from an init function in its
// own file of this command:
//
//	func init() { zooSections = append(zooSections, zooSection{title: "…", run: …}) }
//
// Sections run in the order they were added.
type zooSection struct {
	title string
	// verdict and caughtBy head the columns of whether the section's check
	// caught each mutant and of what caught it (methods, properties);
	// locates says whether the section's rows say where the
	// check located the error and where the bug is (a table without
	// locations has no such columns).
	verdict, caughtBy string
	locates           bool
	run               func() ([]zooRow, error)
}

// zooRow is one mutant's line: whether the section's default check caught
// it (and located it where expected), which methods caught it, and where
// the check located the error.
type zooRow struct {
	name     string
	caught   bool     // by the section's default check
	methods  []string // every method tried that caught it
	located  string   // where the default check says the error enters
	expected string   // where the mutant's bug is
	right    bool     // located == expected (true when a section has no location)
}

var zooSections []zooSection

// zooMethods are the methods tried on each backward-pass mutant; the first
// is the default check that must catch and locate every mutant.
var zooMethods = []numgrad.Method{numgrad.MethodCentral, numgrad.MethodRichardson, numgrad.MethodDual, numgrad.MethodFast}

// gradientMutants checks every mutant of numgrad/zoo with each method.
func gradientMutants() ([]zooRow, error) {
	var rows []zooRow
	for _, m := range zoo.Mutants() {
		net := backprop.MustNew(m.Config)
		model := m.New(net)
		b := backprop.All(m.Data(1))
		want := m.Expect[0]
		for _, w := range m.Expect {
			if w.Layer > want.Layer || w.Layer == want.Layer && want.Group == backprop.Biases && w.Group == backprop.Weights {
				want = w
			}
		}
		row := zooRow{name: m.Name, expected: want.String()}
		for k, meth := range zooMethods {
			// The mutants declare the network's extensions (their cost is
			// the network's): the dual numbers are the exact reference.
			s := &numgrad.CheckSettings{Method: meth}
			r, err := numgrad.CheckModel(model, b, s)
			if err != nil {
				return nil, fmt.Errorf("mutant %s, method %v: %w", m.Name, meth, err)
			}
			if r.OK() {
				continue
			}
			row.methods = append(row.methods, meth.String())
			if k == 0 {
				row.caught = true
				if g, ok := r.Located(); ok {
					row.located = zoo.Where{Layer: g.Block.Layer, Group: g.Block.Group}.String()
				}
				row.right = row.located == row.expected
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func runZoo(e *env, args []string) error {
	fs := newFlags(e, "zoo")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	allOK := true
	for _, sec := range zooSections {
		rows, err := sec.run()
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s\n", sec.title)
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		head := "  mutant\t" + sec.verdict + "\t" + sec.caughtBy
		if sec.locates {
			head += "\tlocated\texpected"
		}
		fmt.Fprintln(tw, head)
		caught, right := 0, 0
		for _, r := range rows {
			verdict := "MISSED"
			if r.caught {
				verdict, caught = "caught", caught+1
			}
			loc := r.located
			if r.right {
				right++
			} else if r.caught {
				loc += " (WRONG)"
			}
			methods := strings.Join(r.methods, ", ")
			if methods == "" {
				methods = "-"
			}
			line := fmt.Sprintf("  %s\t%s\t%s", r.name, verdict, methods)
			if sec.locates {
				line += fmt.Sprintf("\t%s\t%s", loc, r.expected)
			}
			fmt.Fprintln(tw, line)
		}
		tw.Flush()
		if sec.locates {
			fmt.Fprintf(e.stdout, "  %d of %d caught by the default check, %d located where the bug is\n\n", caught, len(rows), right)
		} else {
			fmt.Fprintf(e.stdout, "  %d of %d caught\n\n", caught, len(rows))
		}
		allOK = allOK && caught == len(rows) && right == len(rows)
	}
	if !allOK {
		return errCheckFailed
	}
	return nil
}
