package netio

import (
	"fmt"
	"io"
	"os"
)

// MaxFileSize bounds the bytes read from one model, gradient or dataset
// file. A longer file is an error, never read in part.
const MaxFileSize = 1 << 30

// MaxValues is the default bound on the numbers one reader keeps: 2²⁸, the
// most parameters a network may have (backprop's limit), so that any valid
// model's weights fit and a hostile file stops at 2 GiB of float64s.
const MaxValues = 1 << 28

// Limits bounds what a reader reads and keeps, so that no file, however
// long or hostile, makes it use more memory than its caller can give. A nil
// *Limits means every default; a zero field means that field's default.
type Limits struct {
	// Bytes is the most bytes read from one file (default MaxFileSize).
	Bytes int64
	// Values is the most numbers kept (default MaxValues). A row of a
	// weight matrix counts as 3 numbers, the 24 bytes of its slice header;
	// a CSV reader counts every cell of every sample. A model's weights
	// read after its sizes are bounded by the sizes instead (and seen by
	// CheckSizes first): Values bounds those of a file whose layers come
	// first, and a gradient file's.
	Values int64
	// Sizes, for a gradient file, are the layer sizes of the model it is
	// for: then no layer, row or bias vector may hold more numbers than
	// max(n_in, n_out) of its layer (n_in·n_out for a layer's weights),
	// which bounds the memory by the model's and still lets a transposed
	// or ragged file through to the error that names its shape.
	Sizes []int
	// CheckSizes, if not nil, is called by a model reader with the file's
	// layer sizes once they are read and valid, before any weight is kept:
	// at the start of layers when sizes precede it (as gradcheck writes
	// them), otherwise after the file. layers says whether the file holds
	// weights. An error stops the reading and is returned as the error of
	// the field sizes.
	CheckSizes func(sizes []int, layers bool) error
}

func (l *Limits) withDefaults() Limits {
	var d Limits
	if l != nil {
		d = *l
	}
	if d.Bytes <= 0 {
		d.Bytes = MaxFileSize
	}
	if d.Values <= 0 {
		d.Values = MaxValues
	}
	return d
}

// LimitError says that a file was over one of its [Limits]: it had more
// than Limit of Unit ("bytes" or "values") when the reader stopped at Line
// and Col (Col 0 where a CSV reader counts lines only).
type LimitError struct {
	Name      string
	Line, Col int
	Field     string // the field being read, where there is one
	Limit     int64
	Unit      string
}

func (e *LimitError) Error() string {
	at := e.Name
	if e.Line > 0 {
		at += fmt.Sprintf(":%d", e.Line)
		if e.Col > 0 {
			at += fmt.Sprintf(":%d", e.Col)
		}
	}
	if e.Field != "" {
		at += ": " + e.Field
	}
	switch e.Unit {
	case "bytes":
		return fmt.Sprintf("%s: larger than %d bytes (%s), the limit of a file", at, e.Limit, Bytes(e.Limit))
	case "bytes in a line":
		return fmt.Sprintf("%s: a line longer than %d bytes, the limit of a line of this dataset (1 MiB, or 256 bytes a cell)", at, e.Limit)
	case "bytes in a record":
		return fmt.Sprintf("%s: a record longer than %d bytes (a quoted cell with line breaks?), the limit of a line of this dataset", at, e.Limit)
	}
	return fmt.Sprintf("%s: more than %d %s, the most this reader keeps", at, e.Limit, e.Unit)
}

// Bytes renders n bytes for a message with three significant digits:
// "512 B", "3.25 MiB", "14.0 GiB", "281 GiB", "18.2 TiB".
func Bytes(n int64) string {
	v, unit := float64(n), "B"
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB"} {
		if v < 1024 {
			break
		}
		v, unit = v/1024, u
	}
	switch {
	case unit == "B":
		return fmt.Sprintf("%d B", n)
	case v < 10:
		return fmt.Sprintf("%.2f %s", v, unit)
	case v < 100:
		return fmt.Sprintf("%.1f %s", v, unit)
	}
	return fmt.Sprintf("%.0f %s", v, unit)
}

// Open opens path for reading within lim (nil: the defaults): a regular
// file larger than lim's Bytes is refused, without reading it, with a
// *LimitError. A stream (a pipe, a device) is bounded as it is read.
func Open(path string, lim *Limits) (*os.File, error) { return open(path, lim.withDefaults().Bytes) }

func open(path string, limit int64) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > limit {
		f.Close()
		return nil, &LimitError{Name: path, Limit: limit, Unit: "bytes"}
	}
	return f, nil
}

// boundedReader reads at most limit bytes from r and fails, rather than
// ending, if r has more: a file over the limit is never read as if it
// ended there.
type boundedReader struct {
	r     io.Reader
	name  string
	limit int64
	n     int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.n >= b.limit {
		// One byte more tells a file of exactly limit bytes from a longer one.
		var one [1]byte
		k, err := io.ReadFull(b.r, one[:])
		if k > 0 {
			return 0, &LimitError{Name: b.name, Limit: b.limit, Unit: "bytes"}
		}
		return 0, err
	}
	if rest := b.limit - b.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	k, err := b.r.Read(p)
	b.n += int64(k)
	return k, err
}
