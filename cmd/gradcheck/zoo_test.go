package main

import (
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/numgrad/zoo"
)

func TestZooCommand(t *testing.T) {
	out, errs, code := gradcheck("zoo")
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
	ms := zoo.Mutants()
	for _, m := range ms {
		line := ""
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), m.Name+" ") {
				line = l
			}
		}
		if !strings.Contains(line, "caught") || strings.Contains(line, "WRONG") || strings.Contains(line, "MISSED") {
			t.Errorf("mutant %s: line %q", m.Name, line)
		}
	}
	if !strings.Contains(out, "12 of 12 caught") && len(ms) == 12 {
		t.Errorf("no summary:\n%s", out)
	}
	// The update-rule mutants have no location: their table has no
	// located and expected columns to leave empty.
	_, update, _ := strings.Cut(out, "update-rule mutants")
	if head := strings.Split(update, "\n")[1]; !strings.Contains(head, "killed by") || strings.Contains(head, "located") || strings.Contains(head, "expected") {
		t.Errorf("the update-rule table's header %q", head)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasSuffix(l, " ") {
			t.Errorf("a line ends in spaces: %q", l)
		}
	}
}

// TestZooSectionsHook: a section added by another file runs and its
// misses fail the command.
func TestZooSectionsHook(t *testing.T) {
	saved := zooSections
	defer func() { zooSections = saved }()
	zooSections = []zooSection{{title: "a test section", run: func() ([]zooRow, error) {
		return []zooRow{{name: "caught-one", caught: true, methods: []string{"x"}, right: true}, {name: "missed-one"}}, nil
	}}}
	out, _, code := gradcheck("zoo")
	if code != 1 || !strings.Contains(out, "a test section") || !strings.Contains(out, "MISSED") || !strings.Contains(out, "1 of 2 caught") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}
