package main

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/netio"
)

// TestEstimateBoundsMeasured runs commands on models of 22 k to 2 M
// parameters, each in a fresh process (this test binary again) with the
// collector at GOGC=10, and measures how far the heap's address space grew
// (MemStats.HeapSys, which never shrinks: what ulimit -v counts). The
// estimate must bound it, or a job the estimate lets through could still
// exhaust the address space; and it must not exceed it by more than 4
// times and 64 MiB (the runtime's growth steps), or it refuses jobs that
// fit.
func TestEstimateBoundsMeasured(t *testing.T) {
	if args, ok := os.LookupEnv("GRADCHECK_MEASURE"); ok {
		measureChild(strings.Fields(args))
		return
	}
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	data := func(name string, n, cols int) string {
		var b strings.Builder
		for s := range n {
			for c := range cols {
				if c > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.FormatFloat(float64((s*7+c*3)%11)/11, 'g', -1, 64))
			}
			b.WriteByte('\n')
		}
		return write(name, b.String())
	}
	big := write("big.json", `{"sizes": [1000, 2000, 10], "activations": ["tanh", "identity"], "loss": "mse"}`)
	bigData := data("big.csv", 50, 1010)
	wide := write("wide.json", `{"sizes": [20, 4000, 2], "activations": ["sigmoid", "identity"], "loss": "softmax-cross-entropy"}`)
	wideData := data("wide.csv", 1200, 22)
	mid := filepath.Join(dir, "mid.json")
	if err := netio.SaveModel(mid, backprop.MustNew(backprop.Config{Sizes: []int{100, 200, 10}, Activations: []backprop.Activation{backprop.Tanh, backprop.Identity}, Seed: 3})); err != nil {
		t.Fatal(err)
	}
	midData := data("mid.csv", 20, 110)
	var grad bytes.Buffer
	if code := run(&env{stdout: &grad, stderr: io.Discard}, []string{"grad", "--model", mid, "--data", midData}); code != 0 {
		t.Fatalf("grad: exit %d", code)
	}
	claim := write("claim.json", grad.String())
	W := runtime.GOMAXPROCS(0)
	for _, tc := range []struct {
		name  string
		args  []string
		j     job
		model string
		n     int
	}{
		{"grad, 2 M parameters", []string{"grad", "--model", big, "--data", bigData}, job{command: "grad"}, big, 50},
		{"train, 2 M parameters", []string{"train", "--model", big, "--data", bigData, "--epochs", "2"}, job{command: "train"}, big, 50},
		{"grad, 1200 samples of 4000 units", []string{"grad", "--model", wide, "--data", wideData}, job{command: "grad"}, wide, 1200},
		{"check, 22 k parameters", []string{"check", "--model", mid, "--data", midData}, job{command: "check", workers: W}, mid, 20},
		{"check --json, 22 k parameters", []string{"check", "--model", mid, "--data", midData, "--json"}, job{command: "check", json: true, workers: W}, mid, 20},
		{"check --claimed, 22 k parameters", []string{"check", "--model", mid, "--data", midData, "--claimed", claim}, job{command: "check", claimed: true, workers: W}, mid, 20},
		{"check --method fast, 100 projections", []string{"check", "--model", mid, "--data", midData, "--method", "fast", "--projections", "100"},
			job{command: "check", fast: true, projections: 100, workers: W}, mid, 20},
	} {
		start := time.Now()
		cmd := exec.Command(os.Args[0], "-test.run=^TestEstimateBoundsMeasured$")
		cmd.Env = append(os.Environ(), "GRADCHECK_MEASURE="+strings.Join(tc.args, " "))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", tc.name, err, out)
		}
		var grew float64
		if _, err := fmt.Sscanf(heapLine(string(out)), "heap grew %g", &grew); err != nil {
			t.Fatalf("%s: %q: %v", tc.name, out, err)
		}
		m, err := netio.LoadModelFile(tc.model, nil)
		if err != nil {
			t.Fatal(err)
		}
		est := tc.j.estimate(m.Sizes, m.Layers != nil).total(tc.n)
		t.Logf("%-40s measured %8.1f MiB, estimated %8.1f MiB (%.2f×), %v", tc.name, grew/(1<<20), est/(1<<20), est/grew, time.Since(start).Round(time.Millisecond))
		// GOGC=10 lets the heap grow 10% past what is live before the
		// collector runs; the command's memory limit (set in main to what
		// the system offers) takes that slack away near the limit.
		if grew > 1.1*est {
			t.Errorf("%s: the heap grew by %.1f MiB, more than the estimate of %.1f MiB and 10%%", tc.name, grew/(1<<20), est/(1<<20))
		}
		if est > 4*grew+64<<20 {
			t.Errorf("%s: the estimate of %.1f MiB is more than 4 times the %.1f MiB measured, and 64 MiB", tc.name, est/(1<<20), grew/(1<<20))
		}
	}
}

// measureChild runs the command line args in process and prints how far
// the heap grew.
func measureChild(args []string) {
	debug.SetGCPercent(10)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	code := run(&env{stdout: io.Discard, stderr: os.Stderr, memory: func() memory { return memory{free: math.Inf(1)} }}, args)
	runtime.ReadMemStats(&after)
	if code > 1 {
		fmt.Println("exit", code)
		os.Exit(1)
	}
	fmt.Printf("heap grew %d\n", after.HeapSys-before.HeapSys)
}

// heapLine returns the child's line "heap grew N".
func heapLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "heap grew ") {
			return l
		}
	}
	return s
}
