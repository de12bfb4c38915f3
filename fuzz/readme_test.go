package fuzz

import (
	"os"
	"strings"
	"testing"
)

// readmeSnippet returns the first ```go block of the README's section "Fuzzing
// your own model".
func readmeSnippet(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	i := strings.Index(s, "## Fuzzing your own model")
	if i < 0 {
		t.Fatal(`README.md has no section "Fuzzing your own model"`)
	}
	s = s[i:]
	start := strings.Index(s, "```go\n")
	end := strings.Index(s[start+6:], "```")
	if start < 0 || end < 0 {
		t.Fatal("the section has no ```go block")
	}
	return s[start+6 : start+6+end]
}

// TestReadmeSnippet checks that the code of the README's section "Fuzzing
// your own model" is FuzzUserModel of example_test.go, word for word, so
// that the README shows code that compiles and runs.
func TestReadmeSnippet(t *testing.T) {
	snippet := readmeSnippet(t)
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), snippet) {
		t.Errorf("the README's snippet is not in example_test.go:\n%s", snippet)
	}
}

// TestReadmeMutantTarget checks that FuzzUserModelDatasetMean (tag mutant) is
// the README's target with the mutant model in place of line, so that the
// time it takes to find the mistake is the README target's. Runs of spaces
// are collapsed, since gofmt realigns the comments.
func TestReadmeMutantTarget(t *testing.T) {
	want := strings.NewReplacer("FuzzUserModel(", "FuzzUserModelDatasetMean(", "&line{}", "&datasetMean{}").Replace(readmeSnippet(t))
	src, err := os.ReadFile("datasetmean_mutant_test.go")
	if err != nil {
		t.Fatal(err)
	}
	squash := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	if !strings.Contains(squash(string(src)), squash(want)) {
		t.Errorf("datasetmean_mutant_test.go does not hold the README's target on datasetMean:\n%s", want)
	}
}
