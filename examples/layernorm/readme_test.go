package layernorm

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeSnippet holds the README's LayerNorm check (the first ```go
// block of its section "Checking your own layers, vector-valued functions
// and second order") to TestLayerNorm, word for word, so that the README
// shows code that compiles and runs.
func TestReadmeSnippet(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	i := strings.Index(s, "## Checking your own layers, vector-valued functions and second order")
	if i < 0 {
		t.Fatal("README.md has no section on layers")
	}
	s = s[i:]
	start := strings.Index(s, "```go\n")
	end := strings.Index(s[start+6:], "```")
	if start < 0 || end < 0 {
		t.Fatal("the section has no ```go block")
	}
	src, err := os.ReadFile("layernorm_test.go")
	if err != nil {
		t.Fatal(err)
	}
	if snippet := s[start+6 : start+6+end]; !strings.Contains(string(src), snippet) {
		t.Errorf("the README's snippet is not in layernorm_test.go:\n%s", snippet)
	}
}
