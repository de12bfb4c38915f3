package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// update rewrites the README's copies of the help and the golden files
// under testdata/golden instead of comparing with them:
//
//	go test ./cmd/gradcheck -run 'TestReadmeHelp|Golden' -update
var update = flag.Bool("update", false, "rewrite the README's copies of the help and the golden files")

const readmePath = "../../README.md"

// readmeBlock is one generated block of the README: the lines between
// "<!-- KIND: NAME -->" and "<!-- end KIND -->".
type readmeBlock struct {
	kind, name string
	start, end int // byte offsets of the content, after the start line and before the end line
	heading    string
}

var blockStart = regexp.MustCompile(`(?m)^<!-- (topic|output): (.+?) -->\n`)

// readmeBlocks returns the README's generated blocks, each with the last
// heading above it.
func readmeBlocks(t *testing.T, readme string) []readmeBlock {
	t.Helper()
	var out []readmeBlock
	for _, m := range blockStart.FindAllStringSubmatchIndex(readme, -1) {
		b := readmeBlock{kind: readme[m[2]:m[3]], name: readme[m[4]:m[5]], start: m[1]}
		endMark := "<!-- end " + b.kind + " -->\n"
		e := strings.Index(readme[b.start:], endMark)
		if e < 0 {
			t.Fatalf("README.md: the block %q has no %q", b.name, strings.TrimSpace(endMark))
		}
		b.end = b.start + e
		before := readme[:m[0]]
		if h := strings.LastIndex(before, "\n#"); h >= 0 {
			b.heading, _, _ = strings.Cut(before[h+1:], "\n")
		}
		out = append(out, b)
	}
	return out
}

// indent writes text as a Markdown code block: four spaces before every
// line that is not empty.
func indent(text string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(text, "\n") {
		if strings.TrimSpace(l) != "" {
			b.WriteString("    ")
		}
		b.WriteString(l)
	}
	return b.String()
}

// defaultTail is what the README shows of the run without a command: its
// last lines, which hold no measured number.
const defaultTail = "Verdict: the backpropagation gradient is RIGHT.\n\n" + nextSteps

// wantBlock returns what the README's block should hold.
func wantBlock(t *testing.T, b readmeBlock) string {
	t.Helper()
	switch b.kind {
	case "topic":
		return "\n" + partText(b.name) + "\n"
	case "output":
		args := strings.Fields(b.name)
		if len(args) == 0 || args[0] != "gradcheck" {
			t.Fatalf("README.md: output block %q is not a gradcheck command line", b.name)
		}
		if len(args) == 1 {
			return "\n" + indent("$ gradcheck\n…\n"+defaultTail) + "\n"
		}
		out, errs, code := gradcheck(args[1:]...)
		if code != 0 || errs != "" {
			t.Fatalf("%s: exit %d, stderr %q", b.name, code, errs)
		}
		return "\n" + indent("$ "+b.name+"\n"+out) + "\n"
	}
	t.Fatalf("README.md: unknown block kind %q", b.kind)
	return ""
}

// TestReadmeHelp holds the README to the command's help: every help topic's
// text is in the README word for word, under a heading that ends with the
// part's title, exactly once; the outputs the README shows (gradcheck help,
// gradcheck help check, the end of the run without a command) are what the
// command prints. With -update it rewrites the README's blocks instead.
func TestReadmeHelp(t *testing.T) {
	raw, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	blocks := readmeBlocks(t, readme)
	seen := map[string]int{}
	var b strings.Builder
	last := 0
	for _, bl := range blocks {
		want := wantBlock(t, bl)
		seen[bl.kind+":"+bl.name]++
		b.WriteString(readme[last:bl.start])
		b.WriteString(want)
		last = bl.end
		if *update {
			continue
		}
		if got := readme[bl.start:bl.end]; got != want {
			t.Errorf("README.md: the block %s %q differs from the command's. The text lives in cmd/gradcheck (help/*.md, the commands' help): edit it there, then go test ./cmd/gradcheck -run TestReadmeHelp -update rewrites the README's copy:\n%s", bl.kind, bl.name, lineDiff(want, got))
		}
	}
	b.WriteString(readme[last:])
	for _, tp := range topics {
		for _, p := range tp.parts {
			if n := seen["topic:"+p.key]; n != 1 {
				t.Errorf("README.md holds the help text %q %d times, want once", p.key, n)
			}
			for _, bl := range blocks {
				if bl.kind == "topic" && bl.name == p.key && !strings.HasSuffix(bl.heading, " "+p.title) {
					t.Errorf("README.md: the help text %q is under the heading %q, want one that ends with %q", p.key, bl.heading, p.title)
				}
			}
		}
	}
	for _, cmd := range []string{"gradcheck", "gradcheck help", "gradcheck help check"} {
		if seen["output:"+cmd] != 1 {
			t.Errorf("README.md shows the output of %q %d times, want once", cmd, seen["output:"+cmd])
		}
	}
	if *update {
		if err := os.WriteFile(readmePath, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// lineDiff shows the first lines where want and got differ, as
// "-want +got".
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("mismatch (-want +got) at line %d:\n-%s\n+%s", i+1, wl, gl)
		}
	}
	if want != got {
		return fmt.Sprintf("mismatch (-want +got): the same lines, %d and %d bytes", len(want), len(got))
	}
	return ""
}

// readmeBlockText returns the content of the README's block kind: name.
func readmeBlockText(t *testing.T, kind, name string) string {
	t.Helper()
	raw, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range readmeBlocks(t, string(raw)) {
		if b.kind == kind && b.name == name {
			return string(raw[b.start:b.end])
		}
	}
	t.Fatalf("README.md has no block %s: %s", kind, name)
	return ""
}

// unindent reads a README output block back: the lines after "$ command",
// without the code block's four spaces.
func unindent(block string) string {
	var b strings.Builder
	lines := strings.Split(strings.Trim(block, "\n"), "\n")
	for _, l := range lines[1:] {
		b.WriteString(strings.TrimPrefix(l, "    ") + "\n")
	}
	return b.String()
}

// TestNewcomerPath walks the path of a user who meets gradcheck for the
// first time, README in hand: gradcheck, gradcheck help, gradcheck help
// check, gradcheck check -h and gradcheck help model each exit 0, write
// nothing on stderr and print on stdout what the README says they print.
func TestNewcomerPath(t *testing.T) {
	out, errs, code := gradcheck()
	if code != 0 || errs != "" {
		t.Fatalf("gradcheck: exit %d, stderr %q", code, errs)
	}
	tail := strings.TrimPrefix(unindent(readmeBlockText(t, "output", "gradcheck")), "…\n")
	if !strings.HasSuffix(out, "\n"+tail) {
		t.Errorf("gradcheck does not end as the README says:\n%s\nit ends:\n%s", tail, out[max(0, len(out)-len(tail)):])
	}
	for _, tc := range []struct {
		args   []string
		readme string // the README's block that shows the output
	}{
		{[]string{"help"}, "gradcheck help"},
		{[]string{"help", "check"}, "gradcheck help check"},
		{[]string{"check", "-h"}, "gradcheck help check"},
		{[]string{"check", "--help"}, "gradcheck help check"},
	} {
		out, errs, code := gradcheck(tc.args...)
		if code != 0 || errs != "" {
			t.Errorf("gradcheck %s: exit %d, stderr %q", strings.Join(tc.args, " "), code, errs)
		}
		if want := unindent(readmeBlockText(t, "output", tc.readme)); out != want {
			t.Errorf("gradcheck %s does not print what the README shows under %q:\n%s", strings.Join(tc.args, " "), tc.readme, lineDiff(want, out))
		}
	}
	out, errs, code = gradcheck("help", "model")
	want := "Model files (JSON)\n==================\n" + strings.TrimSuffix(readmeBlockText(t, "topic", "model"), "\n")
	if code != 0 || errs != "" || out != want {
		t.Errorf("gradcheck help model: exit %d, stderr %q, not the README's section Model files (JSON):\n%s", code, errs, lineDiff(want, out))
	}
}

// TestHelpEverywhere: every command's help is the same text whichever way
// it is asked for (help CMD, CMD -h, CMD --help, CMD -help), on stdout with
// exit 0, in lines of at most 80 characters; gradcheck -h and --help print the
// overview, which lists every topic and the exit codes. Every topic prints
// its parts.
func TestHelpEverywhere(t *testing.T) {
	overview, _, _ := gradcheck("help")
	for _, args := range [][]string{{"-h"}, {"--help"}, {"-help"}, {"help", "help"}, {"help", "-h"}} {
		if out, errs, code := gradcheck(args...); code != 0 || errs != "" || out != overview {
			t.Errorf("gradcheck %v: exit %d, stderr %q, not the overview:\n%s", args, code, errs, out)
		}
	}
	for name, c := range commands {
		if name == "help" {
			continue
		}
		want, errs, code := gradcheck("help", name)
		if code != 0 || errs != "" || !strings.HasPrefix(want, "usage: gradcheck") || c.about == "" {
			t.Errorf("gradcheck help %s: exit %d, stderr %q:\n%s", name, code, errs, want)
		}
		var args []string
		if name != "default" {
			args = []string{name}
		}
		for _, h := range []string{"-h", "--help", "-help"} {
			if name == "default" && h != "-h" {
				continue
			}
			a := append(append([]string(nil), args...), h)
			if name == "default" {
				a = []string{"--epochs", "1", h} // gradcheck -h alone is the overview
			}
			out, errs, code := gradcheck(a...)
			if code != 0 || errs != "" || out != want {
				t.Errorf("gradcheck %v: exit %d, stderr %q, not gradcheck help %s:\n%s", a, code, errs, name, lineDiff(want, out))
			}
		}
		for _, l := range strings.Split(want, "\n") {
			if n := utf8.RuneCountInString(l); n > 80 && !strings.HasPrefix(l, "usage:") {
				t.Errorf("gradcheck help %s: a line of %d characters, over 80: %q", name, n, l)
			}
		}
	}
	for _, tp := range topics {
		out, errs, code := gradcheck("help", tp.name)
		if code != 0 || errs != "" {
			t.Errorf("gradcheck help %s: exit %d, stderr %q", tp.name, code, errs)
		}
		for _, p := range tp.parts {
			if !strings.Contains(out, p.title+"\n") || !strings.Contains(out, partText(p.key)) {
				t.Errorf("gradcheck help %s lacks its part %q", tp.name, p.key)
			}
		}
		if !strings.Contains(overview, "\n  "+tp.name+" ") {
			t.Errorf("gradcheck help does not list the topic %q", tp.name)
		}
	}
	for _, l := range strings.Split(overview, "\n") {
		if n := utf8.RuneCountInString(l); n > 80 {
			t.Errorf("gradcheck help: a line of %d characters, over 80: %q", n, l)
		}
	}
	for _, want := range []string{"Exit codes:", "  0  ", "  1  ", "  2  ", "  3  ", "undecided", "--strict"} {
		if !strings.Contains(overview, want) {
			t.Errorf("gradcheck help lacks %q", want)
		}
	}
}

// TestHelpMistakes: a mistake on a command line prints one line on stderr,
// nothing on stdout, exit 2, and says where the help is.
func TestHelpMistakes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"check", "--nope"}, "gradcheck check: flag provided but not defined: -nope (see 'gradcheck help check')"},
		{[]string{"zoo", "extra"}, `gradcheck zoo: unexpected argument "extra" (see 'gradcheck help zoo')`},
		{[]string{"--epochs", "x"}, `(see 'gradcheck help')`},
		{[]string{"help", "nope"}, `gradcheck help: no command or topic "nope" (commands and topics: check, grad, help, report, train, version, zoo, model, dataset, claimed, json, limits)`},
		{[]string{"help", "check", "model"}, `gradcheck help: unexpected argument "model"`},
		{[]string{"nope"}, `gradcheck: unknown command "nope"; run 'gradcheck help'`},
	} {
		out, errs, code := gradcheck(tc.args...)
		if code != 2 || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, tc.want) {
			t.Errorf("gradcheck %v: exit %d, stdout %q, stderr %q; want exit 2 and one line on stderr with %q", tc.args, code, out, errs, tc.want)
		}
	}
}

// goldenFile compares got with testdata/golden/name, or writes it there
// with -update.
func goldenFile(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/gradcheck -run Golden -update writes it)", err)
	}
	if string(want) != got {
		t.Errorf("%s: the output changed (go test ./cmd/gradcheck -run Golden -update rewrites the file once the change is meant):\n%s", path, lineDiff(string(want), got))
	}
}
