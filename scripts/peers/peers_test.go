package peers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// python is the interpreter with Debian's PyTorch (python3-torch); the first python3 on
// PATH may be another one without it.
const python = "/usr/bin/python3"

// schema mirrors torch_baseline.py's docstring ("torch_gpu.json"): decoding with
// DisallowUnknownFields keeps the two in step, so the JSON has one schema, documented.
type schema struct {
	Schema     string   `json:"schema"`
	Mode       string   `json:"mode"`
	OK         bool     `json:"ok"`
	StartedUTC string   `json:"started_utc"`
	Seconds    float64  `json:"seconds"`
	Argv       []string `json:"argv"`
	Env        struct {
		Device            string            `json:"device"`
		ComputeCapability *string           `json:"compute_capability"`
		MemoryGiB         *float64          `json:"memory_gib"`
		Driver            *string           `json:"driver"`
		CUDADriverAPI     *string           `json:"cuda_driver_api"`
		CUDARuntime       *string           `json:"cuda_runtime"`
		Torch             string            `json:"torch"`
		Python            string            `json:"python"`
		Platform          string            `json:"platform"`
		FP32Matmul        string            `json:"fp32_matmul"`
		Threads           int               `json:"threads"`
		Vars              map[string]string `json:"vars"`
		ProbeErrors       []string          `json:"probe_errors"`
	} `json:"env"`
	Timing struct {
		Clock          string  `json:"clock"`
		Samples        int     `json:"samples"`
		MinSampleMs    float64 `json:"min_sample_ms"`
		WarmupMinCalls int     `json:"warmup_min_calls"`
		WarmupMinMs    float64 `json:"warmup_min_ms"`
		Statistic      string  `json:"statistic"`
	} `json:"timing"`
	Steps     []stepRow       `json:"steps"`
	Gradcheck *[]gradcheckRow `json:"gradcheck"`
}

type stepRow struct {
	Size            string          `json:"size"`
	Layers          []int           `json:"layers"`
	Dtype           string          `json:"dtype"`
	Batch           int             `json:"batch"`
	Params          int             `json:"params"`
	FlopsForward    float64         `json:"flops_forward"`
	Forward         timing          `json:"forward"`
	ForwardBackward timing          `json:"forward_backward"`
	Step            timing          `json:"step"`
	CostBefore      float64         `json:"cost_before"`
	CostAfter       float64         `json:"cost_after"`
	Checks          map[string]bool `json:"checks"`
}

type timing struct {
	MedianUs       float64  `json:"median_us"`
	MinUs          float64  `json:"min_us"`
	MaxUs          float64  `json:"max_us"`
	Samples        int      `json:"samples"`
	CallsPerSample int      `json:"calls_per_sample"`
	TFLOPS         *float64 `json:"tflops"`
}

type gradcheckRow struct {
	Layers  []int   `json:"layers"`
	Params  int     `json:"params"`
	Batch   int     `json:"batch"`
	Dtype   string  `json:"dtype"`
	Fast    bool    `json:"fast"`
	Seconds float64 `json:"seconds"`
	OK      bool    `json:"ok"`
	Eps     float64 `json:"eps"`
	Atol    float64 `json:"atol"`
	Rtol    float64 `json:"rtol"`
}

// needPython skips the test where python cannot import the modules named (none: only
// that the interpreter runs).
func needPython(t *testing.T, modules ...string) {
	t.Helper()
	if _, err := os.Stat(python); err != nil {
		t.Skipf("%s not found (%v): these tests run the peer scripts with Debian's python3", python, err)
	}
	code := "pass"
	if len(modules) > 0 {
		code = "import " + strings.Join(modules, ", ")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, python, "-c", code).CombinedOutput(); err != nil {
		t.Skipf("%s cannot %q (%v: %s); the dry run of torch_baseline.py needs Debian's PyTorch: "+
			"apt-get install python3-torch python3-numpy libopenblas0-pthread", python, code, err, lastLine(out))
	}
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

// runScript runs scripts/peers/NAME with args from the repository root and returns its
// stdout; a non-zero exit is returned as an error with the output.
func runScript(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, append([]string{"scripts/peers/" + name}, args...)...)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "OUT=") // --out decides, not an OUT left in the environment
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String(), nil
}

func decodeStrict(t *testing.T, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		t.Fatalf("%s does not match the documented schema: %v", file, err)
	}
}

// benchLine is a result line of package gpu's benchmarks, as go test -bench prints it.
func benchLine(kind, size, dtype string, batch int, us float64) string {
	return fmt.Sprintf("Benchmark%s/size=%s/dtype=%s/batch=%d-16 \t    1000\t %12.0f ns/op\t %10.1f us/step\t 0.5 TFLOP/s\n",
		kind, size, dtype, batch, us*1e3, us)
}

// TestDryRun runs torch_baseline.py --dry-run (PyTorch on the CPU, tiny sizes, the same
// code path and JSON as on the GPU) and feeds its JSON to gpu_table.py, as
// scripts/gpu-run.sh does on the GPU machine: the JSON must match the documented schema,
// every timing must be positive, every check pass, and the table must hold one row per
// PyTorch row, under the banner that says it is no GPU measurement, with no target judged.
func TestDryRun(t *testing.T) {
	needPython(t, "torch")
	dir := t.TempDir()
	log, err := runScript(t, "torch_baseline.py", "--dry-run", "--out", dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("torch_baseline.py --dry-run:\n%s", log)
	var doc schema
	decodeStrict(t, filepath.Join(dir, "torch_gpu.json"), &doc)
	if doc.Schema != "gradcheck-torch-baseline/1" || doc.Mode != "dry-run" || !doc.OK {
		t.Errorf("schema %q, mode %q, ok %v; want gradcheck-torch-baseline/1, dry-run, true", doc.Schema, doc.Mode, doc.OK)
	}
	if doc.Env.Device != "cpu" || doc.Env.Driver != nil || doc.Timing.Clock != "perf_counter" || doc.Env.Torch == "" {
		t.Errorf("a dry run claims CUDA or lacks torch's version: device %q, driver %v, clock %q, torch %q",
			doc.Env.Device, doc.Env.Driver, doc.Timing.Clock, doc.Env.Torch)
	}
	// The four networks of package gpu's benchmarks, two dtypes, the dry run's two batches.
	if len(doc.Steps) != 4*2*2 {
		t.Errorf("%d step rows, want 16", len(doc.Steps))
	}
	var bench strings.Builder
	for _, r := range doc.Steps {
		for name, m := range map[string]timing{"forward": r.Forward, "forward_backward": r.ForwardBackward, "step": r.Step} {
			if !(m.MinUs > 0 && m.MinUs <= m.MedianUs && m.MedianUs <= m.MaxUs) || m.Samples != doc.Timing.Samples || m.CallsPerSample < 1 {
				t.Errorf("%s %s batch %d %s: %+v, want 0 < min ≤ median ≤ max and %d samples", r.Size, r.Dtype, r.Batch, name, m, doc.Timing.Samples)
			}
		}
		want := 0
		for l := 1; l < len(r.Layers); l++ {
			want += r.Layers[l-1]*r.Layers[l] + r.Layers[l]
		}
		if r.Params != want {
			t.Errorf("%s %v: %d params, want %d", r.Size, r.Layers, r.Params, want)
		}
		for k, ok := range r.Checks {
			if !ok {
				t.Errorf("%s %s batch %d: check %s failed", r.Size, r.Dtype, r.Batch, k)
			}
		}
		bench.WriteString(benchLine("Step", r.Size, r.Dtype, r.Batch, 10))
	}
	if doc.Gradcheck == nil || len(*doc.Gradcheck) != 4 {
		t.Errorf("gradcheck %v, want the slow and fast mode of two networks", doc.Gradcheck)
	} else {
		for _, g := range *doc.Gradcheck {
			if !g.OK || g.Seconds <= 0 || g.Dtype != "float64" {
				t.Errorf("gradcheck %+v: want ok, a positive time, float64", g)
			}
		}
	}

	// The table, from the same JSON and Go benchmark lines for each of its rows.
	benchFile := filepath.Join(dir, "bench.txt")
	if err := os.WriteFile(benchFile, []byte(bench.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	md, err := runScript(t, "gpu_table.py", "--go", benchFile, "--torch", filepath.Join(dir, "torch_gpu.json"), "--json", filepath.Join(dir, "gpu-bench.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"**DRY RUN", "Targets: not judged (dry run)."} {
		if !strings.Contains(md, want) {
			t.Errorf("table lacks %q:\n%s", want, md)
		}
	}
	for _, r := range doc.Steps {
		layers := strings.ReplaceAll(fmt.Sprint(r.Layers), " ", ",") // [6,5,5,1]
		row := fmt.Sprintf("| %s | %s | %s | %d | %d | 10.0 |", r.Size, layers, r.Dtype, r.Batch, r.Params)
		if strings.Count(md, row) != 1 {
			t.Errorf("table has not exactly one row %q:\n%s", row, md)
		}
	}
	if strings.Contains(md, "| yes") || strings.Contains(md, "| NO") {
		t.Errorf("a dry run's table judges a target:\n%s", md)
	}
	var table struct {
		Mode string           `json:"mode"`
		Rows []map[string]any `json:"rows"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "gpu-bench.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &table); err != nil || table.Mode != "dry-run" || len(table.Rows) != len(doc.Steps) {
		t.Errorf("gpu-bench.json: mode %q, %d rows, err %v; want dry-run and %d rows", table.Mode, len(table.Rows), err, len(doc.Steps))
	}
}

// TestTableJudges feeds gpu_table.py a hand-made GPU-mode document and Go benchmark lines
// (no PyTorch needed) and checks each target's verdict against arithmetic done here: ≥ 3×
// PyTorch's speed where it is launch-bound, at most 1.2× its time at [4096]⁴ batch 4096,
// "not measured" where our side has no line, and no verdict on a PyTorch row that failed
// its own checks.
func TestTableJudges(t *testing.T) {
	needPython(t)
	type tc struct {
		size, dtype string
		batch       int
		torchUs     float64
		oursUs      float64 // 0: no Go line
		checksOK    bool
		want        string // the met column
	}
	cases := []tc{
		{"small", "float32", 16, 1000, 300, true, "yes"}, // 3.33×
		{"small", "float64", 16, 1000, 500, true, "NO"},  // 2×
		{"mnist", "float32", 256, 1000, 200, false, "not judged (PyTorch row failed its checks)"},
		{"big", "float32", 16, 1000, 0, true, "not measured"},
		{"huge", "float32", 4096, 30000, 35000, true, "yes"}, // 1.17× its time
		{"huge", "float64", 4096, 30000, 37000, true, "NO"},  // 1.23×
		// Launch-bound is PyTorch's step ≤ 2 ms in the same run, whatever the network.
		{"huge", "float32", 16, 1900, 600, true, "yes"},   // 3.17×
		{"big", "float64", 256, 2500, 2000, true, "—"},    // above 2 ms: no target
		{"mnist", "float64", 4096, 2100, 1500, true, "—"}, // above 2 ms: no target
	}
	type row = map[string]any
	var steps []row
	var bench strings.Builder
	for _, c := range cases {
		steps = append(steps, row{"size": c.size, "layers": []int{4, 4}, "dtype": c.dtype, "batch": c.batch, "params": 20,
			"step":   row{"median_us": c.torchUs, "tflops": 1.0},
			"checks": row{"inputs_nonzero": true, "cost_finite": c.checksOK, "grads_finite_nonzero": true, "params_moved": true}})
		if c.oursUs > 0 {
			bench.WriteString(benchLine("Step", c.size, c.dtype, c.batch, c.oursUs))
		}
	}
	doc := row{"schema": "gradcheck-torch-baseline/1", "mode": "cuda",
		"env":    row{"device": "NVIDIA Test", "driver": "1.0", "cuda_driver_api": "13.0", "torch": "2.x", "cuda_runtime": "13.0", "fp32_matmul": "ieee"},
		"timing": row{"clock": "cuda-events", "samples": 25}, "steps": steps}
	dir := t.TempDir()
	b, _ := json.Marshal(doc)
	torchFile, benchFile := filepath.Join(dir, "torch_gpu.json"), filepath.Join(dir, "bench.txt")
	if err := os.WriteFile(torchFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(benchFile, []byte(bench.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	md, err := runScript(t, "gpu_table.py", "--go", benchFile, "--torch", torchFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		prefix := fmt.Sprintf("| %s | [4,4] | %s | %d |", c.size, c.dtype, c.batch)
		var line string
		for _, l := range strings.Split(md, "\n") {
			if strings.HasPrefix(l, prefix) {
				line = l
			}
		}
		if !strings.HasSuffix(line, "| "+c.want+" |") {
			t.Errorf("%s %s batch %d: row %q, want met %q", c.size, c.dtype, c.batch, line, c.want)
		}
	}
	if strings.Contains(md, "DRY RUN") || !strings.Contains(md, "Targets: some missed") {
		t.Errorf("a GPU-mode table with misses:\n%s", md)
	}

	// The copied script's format (a JSON list of rows) is refused, with the schema named.
	if err := os.WriteFile(torchFile, []byte(`[{"size": "small", "step_us": 1}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := runScript(t, "gpu_table.py", "--go", benchFile, "--torch", torchFile); err == nil || !strings.Contains(err.Error(), "gradcheck-torch-baseline/1") {
		t.Errorf("a document of another schema: error %v, want one naming gradcheck-torch-baseline/1", err)
	}
}
