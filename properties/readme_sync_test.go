package properties_test

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeExample holds each of the README's example test files to the
// file of this package that compiles and runs it, word for word (after the
// file's first paragraph, the note that it is a copy).
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ section, file string }{
		{"## Property suites for your own model", "readme_test.go"},
		{"## Checking your own training loop", "readme_loop_test.go"},
		{"## ReLU and other kinks", "readme_relu_test.go"},
	} {
		s := string(readme)
		i := strings.Index(s, tc.section+"\n")
		if i < 0 {
			t.Errorf("README.md has no section %q", tc.section)
			continue
		}
		s = s[i:]
		start := strings.Index(s, "```go\n") + len("```go\n")
		end := start + strings.Index(s[start:], "```")
		block := strings.Replace(s[start:end], "package mymodel_test", "package properties_test", 1)
		file, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		_, code, _ := strings.Cut(string(file), "\n\n")
		if code != block {
			t.Errorf("README.md's example in %q and properties/%s differ: copy the README's block into the file", tc.section, tc.file)
		}
	}
}
