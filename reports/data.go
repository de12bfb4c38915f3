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
	"status", "reps", "inner", "median_s", "min_s", "max_s", "extrapolated_s", "seconds", "basis"}

// writeCSV writes every result; "seconds" holds each repetition's seconds
// per gradient, separated by semicolons.
func (r *Report) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, res := range r.Results {
		secs := make([]string, len(res.Seconds))
		for i, s := range res.Seconds {
			secs[i] = f(s)
		}
		ext := ""
		if res.Status == OverBudget {
			ext = f(res.Extrapolated)
		}
		rec := []string{res.Sweep, res.Method, strconv.Itoa(res.Width), strconv.Itoa(res.Depth), strconv.Itoa(res.Batch),
			strconv.Itoa(res.Params), strconv.FormatInt(res.MulAdds, 10), strconv.FormatInt(res.Passes, 10), strconv.FormatInt(res.Paths, 10),
			res.Status, strconv.Itoa(res.Reps), strconv.Itoa(res.Inner), f(res.Median), f(res.Min), f(res.Max), ext,
			strings.Join(secs, ";"), res.Basis}
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
