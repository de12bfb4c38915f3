package numgrad

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/gradcheck/gradcheck/backprop"
)

// Record is everything a check needs to run again and give the same bits:
// the settings (embedded: the one settings list), the point, the claimed
// gradient and the fast check's directions. [Report.Replay] holds one; it
// reads and writes as JSON, with NaN and ±Inf as the strings "NaN",
// "+Inf", "-Inf". The problem's functions and aids are not recorded: a
// replay is given them again (see [ReplayProblem]).
type Record struct {
	CheckSettings
	// Point is x; Claimed the gradient that was checked.
	Point, Claimed []float64
	// Directions are the fast check's v where they were given to it; nil
	// where they were drawn from the seed (a replay draws them again) and
	// for other methods.
	Directions [][]float64
	// Failed lists the components that failed.
	Failed []int
}

// record builds the replay record of a finished check.
func (c *checker) record(r *Report, dirs [][]float64) *Record {
	rec := &Record{CheckSettings: c.s, Point: append([]float64(nil), c.x...), Claimed: append([]float64(nil), c.claimed...)}
	rec.Concurrent = false
	if c.s.Indices != nil {
		rec.Indices = append([]int(nil), c.idx...)
	}
	// Directions drawn from the seed are drawn again by a replay; only
	// directions given to the check travel in the record.
	if c.s.Method == MethodFast {
		rec.Directions = dirs
	}
	for _, comp := range r.Components {
		if comp.Status.Failed() {
			rec.Failed = append(rec.Failed, comp.Index)
		}
	}
	return rec
}

// FailedOnly returns a copy of the record that replays only the components
// that failed (all of them when none did).
func (rec *Record) FailedOnly() *Record {
	out := *rec
	if len(rec.Failed) > 0 {
		out.Indices = append([]int(nil), rec.Failed...)
	}
	return &out
}

func (rec *Record) validate() error {
	if len(rec.Point) == 0 {
		return errors.New("numgrad: replay record: no point")
	}
	if len(rec.Claimed) != len(rec.Point) {
		return fmt.Errorf("numgrad: replay record: %d claimed components for a point of %d", len(rec.Claimed), len(rec.Point))
	}
	for m, v := range rec.Directions {
		if len(v) != len(rec.Point) {
			return fmt.Errorf("numgrad: replay record: direction %d has %d components, want %d", m, len(v), len(rec.Point))
		}
	}
	return nil
}

// settings returns the recorded settings, with Concurrent from s.
func (rec *Record) settings(s *CheckSettings) *CheckSettings {
	out := rec.CheckSettings
	out.Concurrent = s != nil && s.Concurrent
	return &out
}

// ReplayProblem runs the recorded check again on p (whose X and Claimed
// are replaced by the recorded ones): same settings and directions, hence
// the same report for the same function and aids. Only s.Concurrent is
// read from s.
func ReplayProblem(rec *Record, p *Problem, s *CheckSettings) (*Report, error) {
	if err := rec.validate(); err != nil {
		return nil, err
	}
	q := *p
	q.X, q.Claimed = rec.Point, rec.Claimed
	return run(&q, rec.settings(s), rec.Directions)
}

// Replay runs the recorded check again on f with no aids.
func Replay(rec *Record, f func([]float64) float64, s *CheckSettings) (*Report, error) {
	if err := rec.validate(); err != nil {
		return nil, err
	}
	return ReplayProblem(rec, FuncProblem(f, rec.Claimed, rec.Point), s)
}

// ReplayModel runs the recorded check again on m's cost on b: it sets m's
// parameters to the recorded point, checks the recorded claimed gradient
// (not m's own) with every declaration m makes, and restores m's
// parameters.
func ReplayModel(rec *Record, m backprop.Model, b backprop.Batch, s *CheckSettings) (*Report, error) {
	if err := rec.validate(); err != nil {
		return nil, err
	}
	if len(rec.Point) != m.NumParams() {
		return nil, fmt.Errorf("numgrad: replay record has %d parameters, the model %d", len(rec.Point), m.NumParams())
	}
	theta := m.ParamsTo(nil)
	defer m.SetParams(theta)
	m.SetParams(rec.Point)
	return checkModel(m, b, rec.Claimed, rec.settings(s), rec.Directions)
}

// ReadRecord reads a replay record as JSON: a bare record, or a report
// (as [Report.MarshalJSON] writes it) whose "replay" field holds one.
func ReadRecord(r io.Reader) (*Record, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var wrap struct {
		Replay json.RawMessage `json:"replay"`
	}
	if json.Unmarshal(data, &wrap) == nil && len(wrap.Replay) > 0 && !bytes.Equal(wrap.Replay, []byte("null")) {
		data = wrap.Replay
	}
	var rec Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("numgrad: replay record: %w", err)
	}
	if err := rec.validate(); err != nil {
		return nil, err
	}
	return &rec, nil
}

// recordJSON is the wire form of a Record: the settings' own fields, then
// the vectors.
type recordJSON struct {
	CheckSettings
	Point      []jf   `json:"point"`
	Claimed    []jf   `json:"claimed"`
	Directions [][]jf `json:"directions,omitempty"`
	Failed     []int  `json:"failed,omitempty"`
}

// MarshalJSON writes the record.
func (rec *Record) MarshalJSON() ([]byte, error) {
	w := recordJSON{CheckSettings: rec.CheckSettings, Point: jfs(rec.Point), Claimed: jfs(rec.Claimed), Failed: rec.Failed}
	for _, d := range rec.Directions {
		w.Directions = append(w.Directions, jfs(d))
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads a record.
func (rec *Record) UnmarshalJSON(b []byte) error {
	var w recordJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*rec = Record{CheckSettings: w.CheckSettings, Point: floats(w.Point), Claimed: floats(w.Claimed), Failed: w.Failed}
	for _, d := range w.Directions {
		rec.Directions = append(rec.Directions, floats(d))
	}
	return nil
}

// jf is a float64 that JSON can carry also when it is NaN or ±Inf.
type jf float64

func (v jf) MarshalJSON() ([]byte, error) {
	f := float64(v)
	switch {
	case math.IsNaN(f):
		return []byte(`"NaN"`), nil
	case math.IsInf(f, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(f, -1):
		return []byte(`"-Inf"`), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

func (v *jf) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		switch s {
		case "NaN":
			*v = jf(math.NaN())
		case "+Inf", "Inf":
			*v = jf(math.Inf(1))
		case "-Inf":
			*v = jf(math.Inf(-1))
		default:
			return fmt.Errorf("%q is not a number", s)
		}
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("%s is not a number", b)
	}
	*v = jf(f)
	return nil
}

func jfs(x []float64) []jf {
	if x == nil {
		return nil
	}
	out := make([]jf, len(x))
	for i, v := range x {
		out[i] = jf(v)
	}
	return out
}

func floats(x []jf) []float64 {
	if x == nil {
		return nil
	}
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}
