package reports

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
)

// csvHeader are the columns of results.csv, one row per method and size.
var csvHeader = []string{"sweep", "method", "width", "depth", "batch", "params", "mul_adds", "passes", "paths",
	"status", "reps", "inner", "median_s", "min_s", "max_s", "wall_median_s", "extrapolated_s", "extrapolated_wall_s",
	"seconds", "wall_seconds", "basis"}

// writeCSV writes every result; "seconds" and "wall_seconds" hold each
// repetition's seconds per gradient by the report's clock and by the wall
// clock, separated by semicolons.
func (r *Report) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, res := range r.Results {
		join := func(x []float64) string {
			s := make([]string, len(x))
			for i, v := range x {
				s[i] = f(v)
			}
			return strings.Join(s, ";")
		}
		ext, extWall := "", ""
		if res.Status == OverBudget {
			ext, extWall = f(res.Extrapolated), f(res.ExtrapolatedWall)
		}
		rec := []string{res.Sweep, res.Method, strconv.Itoa(res.Width), strconv.Itoa(res.Depth), strconv.Itoa(res.Batch),
			strconv.Itoa(res.Params), strconv.FormatInt(res.MulAdds, 10), strconv.FormatInt(res.Passes, 10), strconv.FormatInt(res.Paths, 10),
			res.Status, strconv.Itoa(res.Reps), strconv.Itoa(res.Inner), f(res.Median), f(res.Min), f(res.Max), f(res.WallMedian),
			ext, extWall, join(res.Seconds), join(res.WallSeconds), res.Basis}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeJSON writes the whole report: machine, settings, sweeps and every
// result.
func (r *Report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
