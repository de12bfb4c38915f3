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
// the settings that decide numbers, the point, the claimed gradient and
// the fast check's directions. [Report.Replay] holds one; it reads and
// writes as JSON, with NaN and ±Inf as the strings "NaN", "+Inf", "-Inf".
type Record struct {
	Method      Method
	Seed        uint64
	Step        float64
	Eps         float64
	AbsTol      float64
	RelTol      float64
	Projections int
	MaxResolve  int
	Sweeps      int
	BatchSize   int
	// Point is x; Claimed the gradient that was checked.
	Point, Claimed []float64
	// Directions are the fast check's v (nil for other methods).
	Directions [][]float64
	// Indices are the components that were checked (nil: all); Failed
	// those that failed.
	Indices, Failed []int
	// NetworkAids says that the check took a *backprop.Network's complex
	// step and term scale (see CheckSettings.PlainModel); without it a
	// replay runs plain.
	NetworkAids bool
}

// record builds the replay record of a finished check.
func (c *checker) record(r *Report, dirs [][]float64) *Record {
	rec := &Record{Method: c.s.Method, Seed: c.s.Seed, Step: c.s.Step, Eps: c.s.Eps, AbsTol: c.s.AbsTol, RelTol: c.s.RelTol,
		Projections: c.s.Projections, MaxResolve: c.s.MaxResolve, Sweeps: c.s.Sweeps, BatchSize: c.p.batch,
		Point: append([]float64(nil), c.p.x...), Claimed: append([]float64(nil), c.p.claimed...), NetworkAids: c.p.aids}
	if c.s.Indices != nil {
		rec.Indices = append([]int(nil), c.idx...)
	}
	if c.s.Method == MethodFast {
		if dirs == nil {
			dirs = directions(c.s.Seed, c.s.Projections, len(c.p.x))
		}
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

// settings returns the check settings of the record, with s supplying what
// a record cannot hold (Reference, Layout, Concurrent).
func (rec *Record) settings(s *CheckSettings) *CheckSettings {
	var out CheckSettings
	if s != nil {
		out = *s
	}
	out.Method, out.Seed, out.Step, out.Eps = rec.Method, rec.Seed, rec.Step, rec.Eps
	out.AbsTol, out.RelTol, out.Projections = rec.AbsTol, rec.RelTol, rec.Projections
	out.MaxResolve, out.Sweeps, out.BatchSize, out.Indices = rec.MaxResolve, rec.Sweeps, rec.BatchSize, rec.Indices
	out.PlainModel = !rec.NetworkAids
	return &out
}

func (rec *Record) validate() error {
	if len(rec.Point) == 0 {
		return errors.New("numgrad: replay record: no point")
	}
	if len(rec.Claimed) != len(rec.Point) {
		return fmt.Errorf("numgrad: replay record: %d claimed components for a point of %d", len(rec.Claimed), len(rec.Point))
	}
	if rec.Method == MethodFast && len(rec.Directions) == 0 {
		return errors.New("numgrad: replay record: a fast check without directions")
	}
	for m, v := range rec.Directions {
		if len(v) != len(rec.Point) {
			return fmt.Errorf("numgrad: replay record: direction %d has %d components, want %d", m, len(v), len(rec.Point))
		}
	}
	return nil
}

// Replay runs the recorded check again on f: same point, same claimed
// gradient, same settings and directions, hence the same report for the
// same f. s supplies what a record cannot hold (Reference, Layout,
// Concurrent); its other fields are ignored.
func Replay(rec *Record, f func([]float64) float64, s *CheckSettings) (*Report, error) {
	if err := rec.validate(); err != nil {
		return nil, err
	}
	set := rec.settings(s).withDefaults()
	p := &problem{
		x: append([]float64(nil), rec.Point...), claimed: append([]float64(nil), rec.Claimed...),
		newEval: func() (evalFunc, pieceFunc) { return func(x []float64) (float64, error) { return f(x), nil }, nil },
		ref:     set.Reference, concurrent: set.Concurrent, batch: set.BatchSize,
	}
	if set.Layout != nil {
		p.layout = *set.Layout
	}
	return run(p, set, rec.Directions)
}

// ReplayModel runs the recorded check again on m's cost on b: it sets m's
// parameters to the recorded point, checks the recorded claimed gradient
// (not m's own) and restores m's parameters.
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
	return checkClaimed(m, b, rec.Claimed, rec.settings(s), rec.Directions)
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

// recordJSON is the wire form of a Record.
type recordJSON struct {
	Method      Method `json:"method"`
	Seed        uint64 `json:"seed"`
	Step        jf     `json:"step"`
	Eps         jf     `json:"eps"`
	AbsTol      jf     `json:"abs_tol"`
	RelTol      jf     `json:"rel_tol"`
	Projections int    `json:"projections"`
	MaxResolve  int    `json:"max_resolve"`
	Sweeps      int    `json:"sweeps"`
	BatchSize   int    `json:"batch_size,omitempty"`
	Point       []jf   `json:"point"`
	Claimed     []jf   `json:"claimed"`
	Directions  [][]jf `json:"directions,omitempty"`
	Indices     []int  `json:"indices,omitempty"`
	Failed      []int  `json:"failed,omitempty"`
	NetworkAids bool   `json:"network_aids,omitempty"`
}

// MarshalJSON writes the record.
func (rec *Record) MarshalJSON() ([]byte, error) {
	w := recordJSON{Method: rec.Method, Seed: rec.Seed, Step: jf(rec.Step), Eps: jf(rec.Eps), AbsTol: jf(rec.AbsTol), RelTol: jf(rec.RelTol),
		Projections: rec.Projections, MaxResolve: rec.MaxResolve, Sweeps: rec.Sweeps, BatchSize: rec.BatchSize,
		Point: jfs(rec.Point), Claimed: jfs(rec.Claimed), Indices: rec.Indices, Failed: rec.Failed, NetworkAids: rec.NetworkAids}
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
	*rec = Record{Method: w.Method, Seed: w.Seed, Step: float64(w.Step), Eps: float64(w.Eps), AbsTol: float64(w.AbsTol), RelTol: float64(w.RelTol),
		Projections: w.Projections, MaxResolve: w.MaxResolve, Sweeps: w.Sweeps, BatchSize: w.BatchSize,
		Point: floats(w.Point), Claimed: floats(w.Claimed), Indices: w.Indices, Failed: w.Failed, NetworkAids: w.NetworkAids}
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
