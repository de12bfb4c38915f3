package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/gpu"
	"github.com/gradcheck/gradcheck/gpu/cuda"
	"github.com/gradcheck/gradcheck/reports"
)

// reportCmd runs `gradcheck report args…` in process.
func reportCmd(args ...string) (stdout, stderr string, code int) {
	var o, e bytes.Buffer
	code = run(&env{stdout: &o, stderr: &e}, append([]string{"report"}, args...))
	return o.String(), e.String(), code
}

// TestReportQuick runs `gradcheck report --quick` into a temporary
// directory, as CI does through make test, and checks that every file
// exists and parses and that results.csv and results.json hold one row per
// method and size of the quick sweeps, each measured or over budget.
func TestReportQuick(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "out")
	stdout, stderr, code := reportCmd("--quick", "--out", dir)
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "report.md") {
		t.Errorf("stdout %q does not say what was written", stdout)
	}
	want := map[string]bool{}
	for _, sw := range reports.QuickSweeps() {
		for _, s := range sw.Shapes {
			for _, m := range sw.Methods {
				want[strings.Join([]string{sw.Name, m, strconv.Itoa(s.Width), strconv.Itoa(s.Depth), strconv.Itoa(s.Batch)}, "/")] = true
			}
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("results.csv: %v", err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	got := map[string]bool{}
	for _, r := range recs[1:] {
		key := strings.Join([]string{r[col["sweep"]], r[col["method"]], r[col["width"]], r[col["depth"]], r[col["batch"]]}, "/")
		if got[key] {
			t.Errorf("results.csv: %s twice", key)
		}
		got[key] = true
		if st := r[col["status"]]; st != reports.Measured && st != reports.OverBudget {
			t.Errorf("results.csv: %s has status %q", key, st)
		}
		if st := r[col["status"]]; st == reports.Measured && (r[col["median_s"]] == "" || r[col["seconds"]] == "") {
			t.Errorf("results.csv: %s measured without times", key)
		}
	}
	for k := range want {
		if !got[k] {
			t.Errorf("results.csv: no row for %s", k)
		}
	}
	if len(got) != len(want) {
		t.Errorf("results.csv: %d rows, want %d", len(got), len(want))
	}
	var js struct {
		Results []reports.Result `json:"results"`
	}
	if b, err = os.ReadFile(filepath.Join(dir, "results.json")); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &js); err != nil || len(js.Results) != len(want) {
		t.Errorf("results.json: %v, %d results, want %d", err, len(js.Results), len(want))
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"gradcheck report --out " + dir + " --quick", "no GPU found", "time exponent", "At W = "} {
		if !strings.Contains(string(md), s) {
			t.Errorf("report.md lacks %q", s)
		}
	}
	for _, name := range []string{"time_vs_params", "ratio_vs_params", "time_vs_depth", "paths_vs_depth", "time_vs_batch"} {
		f, err := os.Open(filepath.Join(dir, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(f); err != nil {
			t.Errorf("%s.png: %v", name, err)
		}
		f.Close()
		if fi, err := os.Stat(filepath.Join(dir, name+".svg")); err != nil || fi.Size() == 0 {
			t.Errorf("%s.svg: %v", name, err)
		}
	}
}

// TestReportBadFlags checks that bad flags exit 2 with one line naming the
// flag, before any measuring.
func TestReportBadFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--max-seconds", "-1"}, "--max-seconds"},
		{[]string{"--max-seconds", "NaN"}, "--max-seconds"},
		{[]string{"--max-seconds", "0"}, "--max-seconds"},
		{[]string{"--max-seconds", "abc"}, "max-seconds"},
		{[]string{"--out", ""}, "--out"},
		{[]string{"extra"}, "unexpected argument"},
	} {
		_, stderr, code := reportCmd(tc.args...)
		if code != 2 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and one line naming %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestProgressBar checks the line the report redraws on a terminal.
func TestProgressBar(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	progressBar(&env{stderr: &b}, 3, 10, "width backprop w=4 L=2 B=4")
	want := "\r\033[K[#########.....................] 3/10 width backprop w=4 L=2 B=4"
	if got := b.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// With a GPU (the fake driver's) every sweep gains the GPU's gradient: the report names
// the device and results.csv has a gpu-backprop row for each size; every network is
// freed afterwards. Without one, the report quotes why.
func TestReportGPUColumns(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "out")
	open, g := fakeGPU(t)
	_, stderr, code := gradcheckOn(open, "report", "--quick", "--out", dir)
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "its gradient is the method `gpu-backprop` in every table") {
		t.Errorf("report.md does not name the GPU columns:\n%s", md)
	}
	b, err := os.ReadFile(filepath.Join(dir, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, want := strings.Count(string(b), ","+reports.GPUBackprop+","), 0
	for _, sw := range reports.QuickSweeps() {
		want += len(sw.Shapes)
	}
	if rows != want {
		t.Errorf("results.csv has %d gpu-backprop rows, want one per size of the quick sweeps, %d", rows, want)
	}
	if len(g.Launches()) == 0 {
		t.Error("no kernel ran on the GPU")
	}
	if live := g.Live(); live != 0 {
		t.Errorf("after the report the fake GPU holds %d allocations", live)
	}
	if _, _, contexts := g.Held(); contexts != 0 {
		t.Errorf("after the report %d contexts are open", contexts)
	}

	none := func() (*gpu.Device, func() error, error) {
		return nil, nil, fmt.Errorf("gpu: %w: cannot open libcuda.so.1", cuda.ErrUnavailable)
	}
	dir = filepath.Join(t.TempDir(), "out")
	if _, stderr, code := gradcheckOn(none, "report", "--quick", "--out", dir); code != 0 || stderr != "" {
		t.Fatalf("without a GPU: exit %d, stderr %q", code, stderr)
	}
	md, err = os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "no GPU found: cannot open libcuda.so.1, so there are no GPU columns") {
		t.Errorf("report.md does not say why there is no GPU:\n%s", md)
	}
}
