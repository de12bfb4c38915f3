package netio

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
)

// ReadCSV is a shorthand for [ReadCSVWithin](r, name, in, out, nil).
func ReadCSV(r io.Reader, name string, in, out int) (*backprop.Dataset, error) {
	return ReadCSVWithin(r, name, in, out, nil)
}

// ReadCSVWithin reads a dataset of in inputs and out targets per line from
// r within lim (nil: the defaults; see the package documentation); name is
// used in errors. It reads r as a stream: memory is the samples it keeps
// and one line, which may be at most [MaxLine](in+out) bytes long.
func ReadCSVWithin(r io.Reader, name string, in, out int, lim *Limits) (*backprop.Dataset, error) {
	return readCSV(r, name, in, out, false, lim)
}

// ReadDataset reads the dataset of a network configured by c from r within
// lim: ReadCSVWithin with c's first and last sizes, refusing for the
// softmax cross-entropy a negative target (the cost −Σ y_k log p_k then has
// no lower bound) with the line and column.
func ReadDataset(r io.Reader, name string, c backprop.Config, lim *Limits) (*backprop.Dataset, error) {
	if len(c.Sizes) < 2 {
		return nil, fmt.Errorf("%s: the model has %d layer sizes, want at least 2", name, len(c.Sizes))
	}
	return readCSV(r, name, c.Sizes[0], c.Sizes[len(c.Sizes)-1], c.Loss == backprop.SoftmaxCrossEntropy, lim)
}

// LoadDataset reads the dataset file at path for a network configured by c
// (see ReadDataset); a regular file over lim's size is refused before it
// is read.
func LoadDataset(path string, c backprop.Config, lim *Limits) (*backprop.Dataset, error) {
	f, err := open(path, lim.withDefaults().Bytes)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadDataset(f, path, c, lim)
}

// MaxLine returns the most bytes a dataset line of cols cells may have:
// 1 MiB, or 256 bytes a cell where that is more. The shortest decimal of a
// float64 has at most 24 characters, so this leaves ten times that for
// spaces, quotes and long spellings, and bounds the memory of a line
// without an end (a device, a file of zeros).
func MaxLine(cols int) int64 { return max(1<<20, 256*int64(cols)) }

func readCSV(r io.Reader, name string, in, out int, nonNegative bool, lim *Limits) (*backprop.Dataset, error) {
	if in <= 0 || out <= 0 {
		return nil, fmt.Errorf("%s: %d inputs and %d targets per sample; both must be positive", name, in, out)
	}
	l := lim.withDefaults()
	cols := in + out
	lr := &lineReader{r: &boundedReader{r: r, name: name, limit: l.Bytes}, name: name, max: MaxLine(cols)}
	br := bufio.NewReader(lr)
	// Spreadsheet programs start a UTF-8 file with a byte-order mark.
	if b, err := br.Peek(3); err == nil && string(b) == "\xef\xbb\xbf" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	d := &backprop.Dataset{In: in, Out: out}
	next := 1 // the line where the next record starts, for a one-line record
	for first := true; ; first = false {
		lr.record = 0
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var le *LimitError
			var pe *csv.ParseError
			switch {
			case errors.As(err, &le):
				if le.Unit == "bytes in a record" {
					// The reader counts line breaks ahead of the parser: the
					// record starts after the last one read whole.
					le.Line = next
				}
				return nil, le
			case errors.As(err, &pe):
				return nil, fmt.Errorf("%s:%d:%d: %v", name, pe.Line, pe.Column, pe.Err)
			}
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		line, _ := cr.FieldPos(0)
		next = line + 1
		if first && isHeader(rec) {
			if len(rec) != cols {
				return nil, fmt.Errorf("%s:%d: header has %d columns, want %d (%d inputs, then %d targets)", name, line, len(rec), cols, in, out)
			}
			continue
		}
		if len(rec) != cols {
			return nil, fmt.Errorf("%s:%d: %d columns, want %d (%d inputs, then %d targets)", name, line, len(rec), cols, in, out)
		}
		if int64(len(d.X)+len(d.Y)+cols) > l.Values {
			return nil, &LimitError{Name: name, Line: line, Limit: l.Values, Unit: "values"}
		}
		for c, cell := range rec {
			v, err := strconv.ParseFloat(strings.TrimSpace(cell), 64)
			switch {
			case errors.Is(err, strconv.ErrRange):
				return nil, fmt.Errorf("%s:%d: column %d: %s is not a number within the range of float64", name, line, c+1, quote(cell))
			case err != nil:
				return nil, fmt.Errorf("%s:%d: column %d: %s is not a number", name, line, c+1, quote(cell))
			case math.IsNaN(v) || math.IsInf(v, 0):
				return nil, fmt.Errorf("%s:%d: column %d: %s is not finite", name, line, c+1, quote(cell))
			case nonNegative && c >= in && v < 0:
				return nil, fmt.Errorf("%s:%d: column %d: target %s is negative; the softmax cross-entropy takes targets ≥ 0 (class weights, or one-hot)", name, line, c+1, quote(cell))
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

// lineReader passes r through, failing once a line, or the record being
// read (a quoted cell may hold line breaks), is longer than max bytes; the
// caller zeroes record before each record. The csv reader reads ahead by
// its buffer (4 KiB) at most, which the record bound allows for.
type lineReader struct {
	r      io.Reader
	name   string
	max    int64
	lines  int   // line breaks passed
	run    int64 // bytes since the last line break
	record int64 // bytes since the caller zeroed it
}

// readAhead is what bufio and csv may have read beyond the record that the
// caller is reading: bufio's default buffer.
const readAhead = 4096

func (l *lineReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i, b := range p[:n] {
		if b == '\n' {
			l.lines++
			l.run = 0
			continue
		}
		l.run++
		if l.run > l.max {
			return i, &LimitError{Name: l.name, Line: l.lines + 1, Limit: l.max, Unit: "bytes in a line"}
		}
	}
	l.record += int64(n)
	if l.record > l.max+2*readAhead {
		return n, &LimitError{Name: l.name, Line: l.lines + 1, Limit: l.max, Unit: "bytes in a record"}
	}
	return n, err
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
	f, err := open(path, MaxFileSize)
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
