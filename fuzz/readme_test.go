package fuzz

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeSnippet checks that the code of the README's section "Fuzzing
// your own model" is FuzzUserModel of example_test.go, word for word, so
// that the README shows code that compiles and runs.
func TestReadmeSnippet(t *testing.T) {
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
	snippet := s[start+6 : start+6+end]
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), snippet) {
		t.Errorf("the README's snippet is not in example_test.go:\n%s", snippet)
	}
}
