package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// goBench is one Go benchmark's results over the runs of -count: each unit
// ("ns/op", "allocs/op", a b.ReportMetric unit) with one value per run.
type goBench map[string][]float64

// median returns the median of unit's values, and false where there are none.
func (g goBench) median(unit string) (float64, bool) {
	v := slices.Clone(g[unit])
	if len(v) == 0 {
		return 0, false
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2], true
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2, true
}

// benchLine matches a result line of go test -bench: the name without
// "Benchmark", the GOMAXPROCS suffix (absent for 1), the iterations, then
// value-unit pairs.
var benchLine = regexp.MustCompile(`^Benchmark(\S+?)(?:-(\d+))?\s+\d+\s+(.*)$`)

// benchKey names a benchmark run at a GOMAXPROCS: "Step/[2_3_3_1]/batch=16@2".
func benchKey(name string, procs int) string { return fmt.Sprintf("%s@%d", name, procs) }

// parseGoBench reads go test -bench output and returns the benchmarks by
// benchKey. Other lines (goos, PASS, logs) are skipped; a result line whose
// values do not parse is an error naming it.
func parseGoBench(r io.Reader, file string) (map[string]goBench, error) {
	out := map[string]goBench{}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		procs := 1
		if m[2] != "" {
			procs, _ = strconv.Atoi(m[2])
		}
		key := benchKey(m[1], procs)
		f := strings.Fields(m[3])
		if len(f)%2 != 0 {
			return nil, fmt.Errorf("%s:%d: odd number of value and unit fields: %q", file, line, sc.Text())
		}
		g := out[key]
		if g == nil {
			g = goBench{}
			out[key] = g
		}
		for i := 0; i < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: value %q of %s: %v", file, line, f[i], f[i+1], err)
			}
			g[f[i+1]] = append(g[f[i+1]], v)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	return out, nil
}

// torchMLP is a row of ../shared/peers/torch_mlp.py --out: seconds per call.
type torchMLP struct {
	Size     string  `json:"size"`
	Layers   []int   `json:"layers"`
	Batch    int     `json:"batch"`
	Act      string  `json:"act"`
	Dtype    string  `json:"dtype"`
	Threads  int     `json:"threads"`
	Fwd      float64 `json:"fwd"`
	FwdBwd   float64 `json:"fwdbwd"`
	Step     float64 `json:"step"`
	RatioFbF float64 `json:"ratio_fb_f"`
}

// torchGradcheck is a row of ../shared/peers/torch_gradcheck.py --out.
// GradcheckS is nil where the slow mode was skipped.
type torchGradcheck struct {
	Layers     []int    `json:"layers"`
	Params     int      `json:"params"`
	GradcheckS *float64 `json:"gradcheck_s"`
	FastModeS  float64  `json:"fast_mode_s"`
	MaxAbsErr  float64  `json:"max_abs_err"`
	MaxAbsGrad float64  `json:"max_abs_grad"`
	ErrCoords  int      `json:"err_coords"`
}

// readJSON decodes the JSON array in file into a slice of T.
func readJSON[T any](file string) ([]T, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var rows []T
	if err := json.Unmarshal(b, &rows); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	return rows, nil
}

// layersKey renders layer sizes as in our benchmark names: [2_3_3_1].
func layersKey(layers []int) string {
	s := make([]string, len(layers))
	for i, n := range layers {
		s[i] = strconv.Itoa(n)
	}
	return "[" + strings.Join(s, "_") + "]"
}
