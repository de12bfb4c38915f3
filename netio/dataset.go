package netio

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
)

// ReadCSV reads a dataset of in inputs and out targets per line from r (see
// the package documentation); name is used in errors.
func ReadCSV(r io.Reader, name string, in, out int) (*backprop.Dataset, error) {
	if in <= 0 || out <= 0 {
		return nil, fmt.Errorf("%s: %d inputs and %d targets per sample; both must be positive", name, in, out)
	}
	cr := csv.NewReader(io.LimitReader(r, MaxFileSize))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	d := &backprop.Dataset{In: in, Out: out}
	cols := in + out
	for first := true; ; first = false {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s:%d:%d: %v", name, pe.Line, pe.Column, pe.Err)
			}
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		line, _ := cr.FieldPos(0)
		if first && isHeader(rec) {
			if len(rec) != cols {
				return nil, fmt.Errorf("%s:%d: header has %d columns, want %d (%d inputs, then %d targets)", name, line, len(rec), cols, in, out)
			}
			continue
		}
		if len(rec) != cols {
			return nil, fmt.Errorf("%s:%d: %d columns, want %d (%d inputs, then %d targets)", name, line, len(rec), cols, in, out)
		}
		for c, cell := range rec {
			v, err := strconv.ParseFloat(strings.TrimSpace(cell), 64)
			switch {
			case errors.Is(err, strconv.ErrRange):
				return nil, fmt.Errorf("%s:%d: column %d: %q is not a number within the range of float64", name, line, c+1, cell)
			case err != nil:
				return nil, fmt.Errorf("%s:%d: column %d: %q is not a number", name, line, c+1, cell)
			case math.IsNaN(v) || math.IsInf(v, 0):
				return nil, fmt.Errorf("%s:%d: column %d: %q is not finite", name, line, c+1, cell)
			}
			if c < in {
				d.X = append(d.X, v)
			} else {
				d.Y = append(d.Y, v)
			}
		}
		d.N++
	}
	if d.N == 0 {
		return nil, fmt.Errorf("%s: no samples", name)
	}
	return d, nil
}

// isHeader reports whether no cell of rec is a number.
func isHeader(rec []string) bool {
	for _, cell := range rec {
		if _, err := strconv.ParseFloat(strings.TrimSpace(cell), 64); err == nil {
			return false
		}
	}
	return true
}

// LoadCSV reads the dataset file at path.
func LoadCSV(path string, in, out int) (*backprop.Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadCSV(f, path, in, out)
}

// WriteCSV writes d with a header naming the columns x1…, y1….
func WriteCSV(w io.Writer, d *backprop.Dataset) error {
	cw := csv.NewWriter(w)
	head := make([]string, 0, d.In+d.Out)
	for i := range d.In {
		head = append(head, fmt.Sprintf("x%d", i+1))
	}
	for k := range d.Out {
		head = append(head, fmt.Sprintf("y%d", k+1))
	}
	cw.Write(head)
	rec := make([]string, d.In+d.Out)
	for i := range d.N {
		x, y := d.Sample(i)
		for c, v := range append(append([]float64(nil), x...), y...) {
			rec[c] = strconv.FormatFloat(v, 'g', -1, 64)
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}
