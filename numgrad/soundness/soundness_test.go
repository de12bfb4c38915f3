package soundness

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

var (
	full    = flag.Bool("soundness.full", false, "run the full soundness suite (make soundness) and write its report")
	out     = flag.String("soundness.out", "", "where the full form writes its Markdown report (default: none)")
	cats    = flag.String("soundness.cats", "", "comma-separated categories to run (default: all)")
	count   = flag.Int("soundness.n", 0, "cases per category, overriding the form's counts")
	targets = flag.Bool("soundness.targets", false, "plant an error in every target of a case, not one in turn")
)

func options(isFull bool) Options {
	o := Options{Full: isFull, Count: *count, Targets: *targets}
	if *cats != "" {
		o.Categories = strings.Split(*cats, ",")
	}
	return o
}

// check fails t for every violation and every breach of the Undecided
// cap, with the reproducers of the first of each class.
func check(t *testing.T, r *Result) {
	for _, cl := range r.Classes() {
		t.Errorf("%s: %d violations; the smallest:\n%s", cl.Name, len(cl.V), cl.Smallest().Repro())
	}
	for _, b := range r.CapBreaches() {
		t.Errorf("over the Undecided cap: %s", b)
	}
}

// TestSoundnessShort is the short form, part of `make test`: every
// category and method, a few cases each, planted r ∈ {1e-2, 1e-5, 1e-8}.
func TestSoundnessShort(t *testing.T) {
	if *full {
		t.Skip("the full form runs instead")
	}
	r := Run(options(false))
	var b bytes.Buffer
	r.WriteMarkdown(&b, "# soundness (short form)")
	t.Logf("%s", b.String())
	check(t, r)
}

// TestSoundnessFull is the full form (make soundness): 2,550 cases,
// planted r from 1e-2 to 1e-12; it writes its report to -soundness.out.
func TestSoundnessFull(t *testing.T) {
	if !*full {
		t.Skip("run with -soundness.full (make soundness)")
	}
	o := options(true)
	last := time.Now()
	o.Progress = func(done, total int) {
		if time.Since(last) > 30*time.Second || done == total {
			last = time.Now()
			fmt.Fprintf(os.Stderr, "soundness: %d of %d cases\n", done, total)
		}
	}
	r := Run(o)
	var b bytes.Buffer
	head := "main"
	if rev, err := exec.Command("git", "log", "-1", "--format=%h %s", "main").Output(); err == nil {
		head = strings.TrimSpace(string(rev))
		if len(head) > 100 {
			head = head[:100] + "…"
		}
	}
	cur := ""
	if rev, err := exec.Command("git", "log", "-1", "--format=%h").Output(); err == nil {
		cur = strings.TrimSpace(string(rev))
	}
	r.WriteMarkdown(&b, fmt.Sprintf("# soundness of numgrad (full form)\n\nWritten by `make soundness` (numgrad/soundness, TestSoundnessFull): see `go doc ./numgrad/soundness` for what it proves and how to read it. Checked out at %s; main at %s.\n", cur, head))
	if *out != "" {
		if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	} else {
		t.Logf("%s", b.String())
	}
	check(t, r)
}
