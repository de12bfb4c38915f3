package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad/naive"
)

// tinySweeps are three sweeps of two small shapes each, every method.
func tinySweeps() []Sweep {
	all := []string{Backprop, ForwardPass, FDForward, FDCentral, Dual, Paths}
	return []Sweep{
		{Name: "width", Shapes: []Shape{{Width: 2, Depth: 2, Batch: 2}, {Width: 3, Depth: 2, Batch: 2}}, Methods: all},
		{Name: "depth", Shapes: []Shape{{Width: 2, Depth: 1, Batch: 2}, {Width: 2, Depth: 3, Batch: 2}}, Methods: all},
		{Name: "batch", Shapes: []Shape{{Width: 2, Depth: 2, Batch: 1}, {Width: 2, Depth: 2, Batch: 3}}, Methods: all},
	}
}

// TestRunWrites runs tiny sweeps within budget, writes the report and
// checks that every file exists and parses, that every method and size has
// its row, measured, with the closed-form counts, and that the report says
// no GPU was found.
func TestRunWrites(t *testing.T) {
	t.Parallel()
	var calls int
	r, err := Run(&Settings{Quick: true, Sweeps: tinySweeps(), MaxSeconds: 5, Command: "test", Progress: func(done, total int, what string) {
		if done != calls || total != 36 {
			t.Errorf("progress %d/%d %q, want %d/36", done, total, what, calls)
		}
		calls++
	}})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 37 {
		t.Errorf("progress called %d times, want 36 measurements and the final call", calls)
	}
	dir := t.TempDir()
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	rows := checkFiles(t, dir, 36)
	for _, row := range rows {
		if row["status"] != Measured {
			t.Errorf("%s %s w=%s L=%s B=%s: status %q within a 5 s budget", row["sweep"], row["method"], row["width"], row["depth"], row["batch"], row["status"])
		}
	}
	for _, res := range r.Results {
		m, _ := methodByName(methods, res.Method)
		want := m.work(res.Shape.Config(1), res.Batch)
		if res.MulAdds != want.MulAdds || res.Passes != want.Passes || res.Paths != want.Paths {
			t.Errorf("%s at %v: counts %d, %d, %d, closed form %+v", res.Method, res.Shape, res.MulAdds, res.Passes, res.Paths, want)
		}
		if res.Reps < 1 || len(res.Seconds) != res.Reps || !(res.Min <= res.Median && res.Median <= res.Max && res.Min > 0) {
			t.Errorf("%s at %v: reps %d, seconds %v, median %g in [%g, %g]", res.Method, res.Shape, res.Reps, res.Seconds, res.Median, res.Min, res.Max)
		}
	}
	md := readFile(t, filepath.Join(dir, "report.md"))
	for _, s := range []string{"no GPU found", "## Width sweep", "## Depth sweep", "## Batch sweep", "## The cheap-gradient principle", "## Machine", "time_vs_params.svg"} {
		if !strings.Contains(md, s) {
			t.Errorf("report.md lacks %q", s)
		}
	}
}

// TestOverBudget gives a budget no gradient can meet: each method's first
// size runs (there is nothing to predict it from) unless the forward pass's
// rate predicts it over budget; every other size must be reported over
// budget with a positive extrapolated time and its basis, never dropped.
func TestOverBudget(t *testing.T) {
	t.Parallel()
	r, err := Run(&Settings{Quick: true, Sweeps: tinySweeps(), MaxSeconds: 1e-12, Command: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Results) != 36 {
		t.Fatalf("%d results, want 36", len(r.Results))
	}
	over := 0
	for _, res := range r.Results {
		first := res.Shape == r.Sweeps[0].Shapes[0] || res.Shape == r.Sweeps[1].Shapes[0] || res.Shape == r.Sweeps[2].Shapes[0]
		switch {
		case res.Status == OverBudget:
			over++
			if !(res.Extrapolated > 0) || res.Basis == "" || res.MulAdds == 0 || res.Reps != 0 {
				t.Errorf("%s at %v over budget: extrapolated %g, basis %q, mul-adds %d, reps %d", res.Method, res.Shape, res.Extrapolated, res.Basis, res.MulAdds, res.Reps)
			}
		case !first || (res.Method != Backprop && res.Method != ForwardPass):
			t.Errorf("%s at %v: %s, want over budget", res.Method, res.Shape, res.Status)
		}
	}
	if over != 36-6 {
		t.Errorf("%d over budget, want 30", over)
	}
	dir := t.TempDir()
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	rows := checkFiles(t, dir, 36)
	n := 0
	for _, row := range rows {
		if row["status"] == OverBudget {
			n++
			if row["extrapolated_s"] == "" || row["basis"] == "" {
				t.Errorf("over-budget row without extrapolation: %v", row)
			}
		}
	}
	if n != 30 {
		t.Errorf("results.csv has %d over-budget rows, want 30", n)
	}
	if md := readFile(t, filepath.Join(dir, "report.md")); !strings.Contains(md, "over budget (≈ ") {
		t.Error("report.md does not show the over-budget sizes")
	}
	// Each figure with hollow (extrapolated) points says what they are.
	for _, name := range []string{"time_vs_params", "ratio_vs_params", "time_vs_depth", "time_vs_batch"} {
		if svg := readFile(t, filepath.Join(dir, name+".svg")); !strings.Contains(svg, ">ring: ") {
			t.Errorf("%s.svg has extrapolated points and no legend line on the rings", name)
		}
	}
}

// fakeGPU computes the gradient with backprop, standing in for a device.
type fakeGPU struct{ prepared int }

func (g *fakeGPU) Name() string { return "fake device" }
func (g *fakeGPU) Prepare(net *backprop.Network, b backprop.Batch) (func([]float64) error, error) {
	g.prepared++
	n := net.Clone()
	return func(dst []float64) error {
		_, err := n.Gradient(dst, b)
		return err
	}, nil
}

// TestGPUHook checks that a GPU given in the settings becomes a column of
// every sweep and is named in the report.
func TestGPUHook(t *testing.T) {
	t.Parallel()
	g := &fakeGPU{}
	r, err := Run(&Settings{Quick: true, Sweeps: tinySweeps(), MaxSeconds: 5, GPU: g, Command: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if g.prepared != 6 {
		t.Errorf("GPU prepared %d times, want once per shape (6)", g.prepared)
	}
	dir := t.TempDir()
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	rows := checkFiles(t, dir, 42)
	gpu := 0
	for _, row := range rows {
		if row["method"] == GPUBackprop && row["status"] == Measured {
			gpu++
		}
	}
	if gpu != 6 {
		t.Errorf("%d measured gpu-backprop rows, want 6", gpu)
	}
	md := readFile(t, filepath.Join(dir, "report.md"))
	if strings.Contains(md, "no GPU found") || !strings.Contains(md, "fake device") || !strings.Contains(md, "| "+GPUBackprop+" |") {
		t.Error("report.md does not name the GPU or lacks its column")
	}
}

// TestRunRefuses checks the errors for settings that cannot run.
func TestRunRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		s    *Settings
		want string
	}{
		{"negative budget", &Settings{MaxSeconds: -1}, "max seconds"},
		{"NaN budget", &Settings{MaxSeconds: 0 * (1 / zero())}, "max seconds"},
		{"unknown method", &Settings{Sweeps: []Sweep{{Name: "width", Shapes: []Shape{{2, 1, 1}}, Methods: []string{"magic"}}}}, `unknown method "magic"`},
		{"no shapes", &Settings{Sweeps: []Sweep{{Name: "width", Methods: []string{Backprop}}}}, "no shapes"},
		{"bad shape", &Settings{Sweeps: []Sweep{{Name: "width", Shapes: []Shape{{0, 1, 1}}, Methods: []string{Backprop}}}}, "width, depth and batch"},
	} {
		_, err := Run(tc.s)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func zero() float64 { return 0 }

// TestMeasureRejectsWrongCount checks that a method whose counter
// disagrees with its closed form stops the report.
func TestMeasureRejectsWrongCount(t *testing.T) {
	t.Parallel()
	r := Result{Method: "m"}
	run := func(c *naive.Count) error { c.Add(naive.Count{MulAdds: 3}); return nil }
	err := measure(&r, run, naive.Count{MulAdds: 4}, timing{budget: 1, target: 0.01, spend: 0.01, minReps: 1, maxReps: 2}, true)
	if err == nil || !strings.Contains(err.Error(), "closed form") {
		t.Errorf("got %v, want a count mismatch", err)
	}
	failing := func(*naive.Count) error { return errors.New("device lost") }
	if err := measure(&r, failing, naive.Count{}, timing{budget: 1}, false); err == nil || err.Error() != "device lost" {
		t.Errorf("got %v, want the method's error", err)
	}
}

// checkFiles checks that every file of a report exists and parses, and
// returns results.csv's rows as maps from column to value.
func checkFiles(t *testing.T, dir string, rows int) []map[string]string {
	t.Helper()
	for _, name := range []string{"time_vs_params", "ratio_vs_params", "time_vs_depth", "paths_vs_depth", "time_vs_batch"} {
		f, err := os.Open(filepath.Join(dir, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = png.Decode(f)
		f.Close()
		if err != nil {
			t.Errorf("%s.png: %v", name, err)
		}
		dec := xml.NewDecoder(strings.NewReader(readFile(t, filepath.Join(dir, name+".svg"))))
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Errorf("%s.svg: %v", name, err)
				break
			}
		}
	}
	var js struct {
		Machine Machine  `json:"machine"`
		Results []Result `json:"results"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(dir, "results.json"))), &js); err != nil {
		t.Fatalf("results.json: %v", err)
	}
	if len(js.Results) != rows || js.Machine.Go == "" || js.Machine.Commit == "" {
		t.Errorf("results.json: %d results, Go %q, commit %q; want %d results", len(js.Results), js.Machine.Go, js.Machine.Commit, rows)
	}
	recs, err := csv.NewReader(bytes.NewReader([]byte(readFile(t, filepath.Join(dir, "results.csv"))))).ReadAll()
	if err != nil {
		t.Fatalf("results.csv: %v", err)
	}
	if len(recs) != rows+1 || strings.Join(recs[0], ",") != strings.Join(csvHeader, ",") {
		t.Fatalf("results.csv: %d records, header %v; want %d rows and the header", len(recs), recs[0], rows)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
