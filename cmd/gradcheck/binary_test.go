package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
)

// gradcheckBinary builds the command once for the package's tests that
// run the real program and returns its path.
func gradcheckBinary(t *testing.T) string {
	t.Helper()
	binaryOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gradcheck-bin-")
		if err != nil {
			binaryErr = err
			return
		}
		binaryPath = filepath.Join(dir, "gradcheck")
		out, err := exec.Command("go", "build", "-o", binaryPath, ".").CombinedOutput()
		if err != nil {
			binaryErr = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if binaryErr != nil {
		t.Fatal(binaryErr)
	}
	return binaryPath
}

// binaryCase is one run of the built command with its address space
// limited to 4 GB (ulimit -v 4194304), as a small machine or a container
// has it.
type binaryCase struct {
	name   string
	args   string   // as hostileCase.args
	stdin  string   // a file or device on standard input, or ""
	full   bool     // standard output is /dev/full
	env    []string // added to the environment
	code   int      // the exit code wanted
	want   string   // a substring of stderr: its one line for code 2, a warning otherwise
	stdout string   // a substring of stdout, for code 0
}

// binaryCases are the cases that need the real process: devices and
// standard input, the address-space limit, the environment.
func binaryCases(dir string) []binaryCase {
	return []binaryCase{
		{name: "model from /dev/urandom", args: "grad --model /dev/urandom --data @d.csv", code: 2, want: "/dev/urandom:"},
		{name: "model from /dev/zero", args: "grad --model /dev/zero --data @d.csv", code: 2, want: `/dev/zero:1:1: invalid character '\x00' looking for a JSON value`},
		{name: "model from /dev/null", args: "grad --model /dev/null --data @d.csv", code: 2, want: "/dev/null: empty file"},
		{name: "dataset from /dev/zero", args: "grad --model @m.json --data /dev/zero", code: 2, want: "/dev/zero:1: a line longer than 1048576 bytes"},
		{name: "dataset from /dev/urandom", args: "train --model @m.json --data /dev/urandom", code: 2, want: "/dev/urandom:"},
		{name: "dataset from /dev/null", args: "grad --model @m.json --data /dev/null", code: 2, want: "/dev/null: no samples"},
		{name: "claimed from a stdin of zeros", args: "check --model @mw.json --data @d.csv --claimed -", stdin: "/dev/zero", code: 2, want: `<stdin>:1:1: invalid character '\x00' looking for a JSON value`},
		{name: "claimed from a stdin of random bytes", args: "check --model @mw.json --data @d.csv --claimed -", stdin: "/dev/urandom", code: 2, want: "<stdin>:"},
		{name: "claimed from /dev/zero", args: "check --model @mw.json --data @d.csv --claimed /dev/zero", code: 2, want: `/dev/zero:1:1: invalid character '\x00'`},
		{name: "claimed of 100 MB on stdin", args: "check --model @mw.json --data @d.csv --claimed -", stdin: "@g-100mb.json", code: 2, want: "<stdin>:1:47: layers[0].weights[0]: more than 3 values, want 3"},
		{name: "claimed without a loss on stdin", args: "check --model @mw.json --data @d.csv --claimed -", stdin: "@g-noloss.json", code: 2, want: "<stdin>: loss: missing"},
		{name: "256 M parameters under ulimit, grad", args: "grad --model @params256m.json --data @d16000.csv", code: 2, want: "params256m.json: sizes: grad on 256016000 parameters needs about 4.06 GiB of memory, more than the"},
		{name: "256 M parameters under ulimit, train", args: "train --model @params256m.json --data @d16000.csv", code: 2, want: "(the address-space limit (ulimit -v) of 4.00 GiB"},
		{name: "256 M parameters with weights under ulimit", args: "check --model @params256m-w.json --data @d16000.csv", code: 2, want: "params256m-w.json: sizes: check on 256016000 parameters needs about"},
		{name: "10⁹ projections under ulimit", args: "check --model @m.json --data @d.csv --method fast --projections 1000000000", code: 2, want: "--projections: 1000000000 directions need about"},
		{name: "a dataset larger than memory under ulimit", args: "grad --model @wide-model.json --data @wide-data.csv", code: 2, want: "wide-data.csv:"},
		{name: "train, standard output on /dev/full", args: "train --model @m.json --data @d.csv --epochs 2", full: true, code: 2, want: "gradcheck train: writing the output: write /dev/stdout: no space left on device"},
		{name: "grad, standard output on /dev/full", args: "grad --model @m.json --data @d.csv", full: true, code: 2, want: "gradcheck grad: writing the output:"},
		{name: "check, standard output on /dev/full", args: "check --model @m.json --data @d.csv", full: true, code: 2, want: "gradcheck check: writing the output:"},
		{name: "GRADCHECK_BLAS naming no file", args: "grad --model @m.json --data @d.csv", env: []string{"GRADCHECK_BLAS=/nonexistent/libopenblas.so.0"}, code: 0,
			want: "gradcheck: warning: GRADCHECK_BLAS=/nonexistent/libopenblas.so.0 did not load", stdout: `"loss": `},
		{name: "GRADCHECK_BLAS naming a text file", args: "train --model @m.json --data @d.csv --epochs 1", env: []string{"GRADCHECK_BLAS=" + filepath.Join(dir, "d.csv")}, code: 0,
			want: "did not load", stdout: "epoch   1"},
		{name: "GRADCHECK_BLAS naming a directory", args: "version", env: []string{"GRADCHECK_BLAS=" + dir}, code: 0, want: "did not load", stdout: "BLAS: gonum pure Go"},
		{name: "GRADCHECK_BLAS naming a library without cblas_dgemm", args: "grad --model @m.json --data @d.csv", env: []string{"GRADCHECK_BLAS=libc.so.6"}, code: 0,
			want: "GRADCHECK_BLAS=libc.so.6 did not load (libc.so.6 has no cblas_dgemm", stdout: `"loss": `},
		{name: "a model of 20 M parameters fits under ulimit", args: "train --model @params20m.json --data @d20m.csv --epochs 1 --json", code: 0, stdout: `"updates": 1`},
	}
}

// TestHostileBinary runs the cases that need a real process, each with an
// address space of 4 GB: it must exit with the code wanted, within 30 s,
// with one line on stderr naming the file or flag (or, for GRADCHECK_BLAS,
// a warning and the work done); it must never die of Go's out-of-memory
// error, whose exit status is also 2.
func TestHostileBinary(t *testing.T) {
	bin := gradcheckBinary(t)
	dir := t.TempDir()
	writeHostileFiles(t, dir)
	// 4000 × 5000 + 5000 = 20 M parameters, 160 MB a copy: the estimate
	// of train (the network and two layers' gradients, 0.5 GB) fits in
	// what 4 GB of address space leave, and the job runs.
	os.WriteFile(filepath.Join(dir, "params20m.json"), []byte(`{"sizes": [4000, 5000], "activations": ["identity"], "loss": "mse"}`), 0o644)
	os.WriteFile(filepath.Join(dir, "d20m.csv"), []byte(strings.Repeat("0,", 8999)+"0\n"), 0o644)
	for _, tc := range binaryCases(dir) {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			args := append([]string{"-c", `ulimit -v 4194304 && exec "$0" "$@"`, bin}, hostileArgs(tc.args, dir)...)
			cmd := exec.CommandContext(ctx, "sh", args...)
			cmd.Env = append(os.Environ(), tc.env...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if tc.stdin != "" {
				f, err := os.Open(strings.ReplaceAll(tc.stdin, "@", dir+string(filepath.Separator)))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				cmd.Stdin = f
			}
			if tc.full {
				f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
				if err != nil {
					t.Skip("no /dev/full:", err)
				}
				defer f.Close()
				cmd.Stdout = f
			}
			start := time.Now()
			err := cmd.Run()
			took := time.Since(start)
			code := 0
			if exit, ok := errors.AsType[*exec.ExitError](err); ok {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if ctx.Err() != nil {
				t.Fatalf("killed after %v: it must finish within 30 s", took)
			}
			msg := stderr.String()
			noTrace(t, stdout.String()+msg)
			if strings.Contains(msg, "out of memory") {
				t.Fatalf("out of memory: %.300s", msg)
			}
			if tc.code == 2 {
				checkOneLine(t, code, msg, strings.ReplaceAll(tc.want, "@", dir+string(filepath.Separator)))
				return
			}
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %.300q", code, tc.code, msg)
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout %.300q lacks %q", stdout.String(), tc.stdout)
			}
			if tc.want == "" && msg != "" {
				t.Errorf("stderr %q, want nothing", msg)
			}
			if tc.want != "" && (!strings.Contains(msg, tc.want) || strings.Count(msg, "\n") != 1 || len(msg) > maxLine+1) {
				t.Errorf("stderr %q\nwant one line of at most %d bytes holding %q", msg, maxLine, tc.want)
			}
		})
	}
}

// TestTrainManyEpochsBoundedMemory runs `train --epochs 10¹²` (a run of
// years) for three seconds: its resident memory must not grow, since the
// history keeps the last keepCosts epochs (before, it grew by some 18 MB a
// second here, a cost a few microseconds).
func TestTrainManyEpochsBoundedMemory(t *testing.T) {
	t.Parallel()
	bin := gradcheckBinary(t)
	dir := t.TempDir()
	model, data := filepath.Join(dir, "m.json"), filepath.Join(dir, "d.csv")
	os.WriteFile(model, []byte(hostileFiles["m.json"]), 0o644)
	os.WriteFile(data, []byte(hostileFiles["d.csv"]), 0o644)
	cmd := exec.Command(bin, "train", "--model", model, "--data", data, "--epochs", "1000000000000", "--mode", "online")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	rss := func() float64 {
		b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(cmd.Process.Pid), "status"))
		if err != nil {
			t.Skip("no /proc:", err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
				return kb * 1024
			}
		}
		t.Fatal("no VmRSS")
		return 0
	}
	time.Sleep(time.Second)
	first := rss()
	time.Sleep(2 * time.Second)
	last := rss()
	t.Logf("resident memory %.1f MiB after 1 s, %.1f MiB after 3 s", first/(1<<20), last/(1<<20))
	if last-first > 16<<20 {
		t.Errorf("resident memory grew by %.1f MiB in 2 s", (last-first)/(1<<20))
	}
}
