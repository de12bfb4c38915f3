package properties_test

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeExample holds the README's example test file and
// readme_test.go (which compiles and runs it here) to the same text.
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(readme)
	i := strings.Index(s, "## Property suites for your own model")
	if i < 0 {
		t.Fatal("README.md has no section \"Property suites for your own model\"")
	}
	s = s[i:]
	start := strings.Index(s, "```go\n") + len("```go\n")
	end := start + strings.Index(s[start:], "```")
	block := strings.Replace(s[start:end], "package mymodel_test", "package properties_test", 1)
	file, err := os.ReadFile("readme_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, code, _ := strings.Cut(string(file), "\n\n")
	if code != block {
		t.Error("README.md's example and properties/readme_test.go differ: copy the README's block into readme_test.go")
	}
}
