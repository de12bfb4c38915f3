package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// The PyTorch cross-check of issue #13: claims that torch autograd computed
// for random model files with pre-activations placed exactly at and 1e-3 …
// 1e-12 from a ReLU or leaky-ReLU kink, right and with planted mistakes,
// judged by `gradcheck check --claimed G --json` run in-process.
//
// The fixtures in testdata/torch are written by
//
//	/usr/bin/python3 scripts/crosscheck/torch_claims.py
//
// (its doc comment says how each claim and each mistake is made, and the
// schema of manifest.json); CI has no PyTorch, so they are committed.
//
// What is asserted, per kind of fixture (the manifest's "kind"):
//
//   - right: exit 0 and no component Fail; Undecided components are allowed,
//     counted and logged; away from a kink at most 1 % of the components
//     of the set (at a kink placed by solving a bias, 0 in torch's order
//     and ±1e-17 in ours, either piece's derivative is right, and numgrad
//     calls such a component Undecided).
//   - planted: every component whose planted error (|planted − right|, from
//     the two files) exceeds 4 × that component's own stated detection floor
//     (the report's "floor"; without one, 0: every planted error must be
//     found) is Fail, the exit code is 1, no untouched component is Fail,
//     and the located group (the highest failing layer) is the planted one:
//     the component's group for a one-component mistake, the negated weight
//     block, layer l for a derivative dropped in layer l (the chain rule
//     makes layers ≤ l wrong and those above right), the last layer for a
//     sum over the batch. Errors at or below 4 × floor may pass: logged.
//   - float32 (torch run in float32): exit 1 without --claimed-precision
//     float32 (0 RIGHT); with it, exit 0 (RIGHT where decided).
//   - float32-planted (one component × 1.01): exit 1 with and without the
//     flag; with it that component is Fail and its group located.
//   - mse_loss (F.mse_loss on two outputs): exit 1, and a cause names the
//     mean over B·n_out (one of the manifest's phrases), not only "a ½".
//
// Only readCheck knows the report's JSON: field names and status strings
// live there.

const (
	torchDir = "testdata/torch"
	// floorMargin: a planted error above floorMargin × the component's
	// floor must be found.
	floorMargin = 4
	// maxUndecided is the largest fraction of a set's components that may
	// be Undecided on right claims (issue #13).
	maxUndecided = 0.01
	// precisionFlag is the flag that declares a float32 claim.
	precisionFlag = "--claimed-precision"
)

// The statuses of a component, as readCheck normalises them.
const (
	stPass      = "pass"
	stFail      = "fail"
	stKink      = "kink"
	stNaN       = "nan"
	stUndecided = "undecided"
)

type torchManifest struct {
	Generator string         `json:"generator"`
	Torch     string         `json:"torch"`
	Counts    map[string]int `json:"counts"`
	Cases     []torchCase    `json:"cases"`
	Fixtures  []torchFixture `json:"fixtures"`
}

type torchCase struct {
	Name        string      `json:"name"`
	Sizes       []int       `json:"sizes"`
	Activations []string    `json:"activations"`
	Loss        string      `json:"loss"`
	Batch       int         `json:"batch"`
	Params      int         `json:"params"`
	Kinks       []torchKink `json:"kinks"`
	NearestKink *float64    `json:"nearest_kink"`
}

type torchKink struct {
	Layer    int     `json:"layer"`
	Unit     int     `json:"unit"`
	Sample   int     `json:"sample"`
	Target   float64 `json:"target"`
	Method   string  `json:"method"`
	ZTorch   float64 `json:"z_torch"`
	ZExact   float64 `json:"z_exact"`
	ZFloat32 float64 `json:"z_float32"`
}

type groupKey struct {
	Layer int    `json:"layer"`
	Group string `json:"group"`
}

func (g groupKey) String() string { return fmt.Sprintf("layer %d %s", g.Layer, g.Group) }

type torchFixture struct {
	Name           string        `json:"name"`
	Case           string        `json:"case"`
	Model          string        `json:"model"`
	Data           string        `json:"data"`
	Claimed        string        `json:"claimed"`
	Right          string        `json:"right"`
	Kind           string        `json:"kind"`
	Mistake        string        `json:"mistake"`
	Precision      string        `json:"precision"`
	Verdict        string        `json:"verdict"`
	VerdictFloat32 string        `json:"verdict_float32"`
	Planted        *torchPlanted `json:"planted"`
	Cause          []string      `json:"cause"`
	Why            string        `json:"why"`
	NearestKink    *float64      `json:"nearest_kink"`
	KinkDistances  []float64     `json:"kink_distances"`
	// PieceFlips counts the kinked pre-activations on the other side of 0
	// in torch's float32 forward than in its float64 one (float32 kinds).
	PieceFlips int `json:"float32_piece_flips"`
}

type torchPlanted struct {
	Components []int `json:"components"`
	Groups     []struct {
		groupKey
		MaxAbsDiff float64 `json:"max_abs_diff"`
		Changed    int     `json:"changed"`
	} `json:"groups"`
	Located struct {
		Layer int     `json:"layer"`
		Group *string `json:"group"` // nil: either group of the layer
	} `json:"located"`
	R        float64 `json:"r"`
	AbsError float64 `json:"abs_error"`
}

func (f torchFixture) path(rel string) string {
	return filepath.Join(torchDir, filepath.FromSlash(rel))
}

func (f torchFixture) near() string {
	if f.NearestKink == nil {
		return "no kinked layer"
	}
	s := fmt.Sprintf("nearest kink |z| = %.3g, placed at %v", *f.NearestKink, f.KinkDistances)
	if f.PieceFlips > 0 {
		s += fmt.Sprintf(", %d on another piece in float32", f.PieceFlips)
	}
	return s
}

func loadTorchManifest(t *testing.T) *torchManifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(torchDir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m torchManifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", filepath.Join(torchDir, "manifest.json"), err)
	}
	if len(m.Fixtures) == 0 {
		t.Fatal("the torch manifest lists no fixtures")
	}
	return &m
}

// jnum is a JSON number that may also be written as a string ("NaN",
// "+Inf"), as numgrad writes non-finite values.
type jnum float64

func (v *jnum) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err == nil {
		*v = jnum(f)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	switch strings.ToLower(s) {
	case "nan":
		*v = jnum(math.NaN())
	case "+inf", "inf":
		*v = jnum(math.Inf(1))
	case "-inf":
		*v = jnum(math.Inf(-1))
	default:
		return fmt.Errorf("not a number: %q", s)
	}
	return nil
}

// checkComponent is one component of the report.
type checkComponent struct {
	Status              string
	Analytic, Numerical float64
	Tol                 float64
	Floor               float64 // the component's detection floor; NaN where the report states none
	Note                string
}

// checkOutcome is what the cross-check reads of a `check --claimed --json`
// run.
type checkOutcome struct {
	Code           int
	Stdout, Stderr string
	OK             bool
	LossVerdict    string
	Components     map[int]checkComponent // by flat index
	FailedGroups   []groupKey
	Located        *groupKey // nil: none
	Causes         string    // every cause, hint, note, flag and failure line, one a line
	Count          map[string]int
	FloorsStated   bool
}

// readCheck runs `gradcheck check args… --json` in-process and reads its
// report. This is the one place that knows the report's JSON: a renamed field
// or status is adapted here.
func readCheck(args ...string) (*checkOutcome, error) {
	stdout, stderr, code := gradcheck(append(append([]string{"check"}, args...), "--json")...)
	o := &checkOutcome{Code: code, Stdout: stdout, Stderr: stderr, Components: map[int]checkComponent{}, Count: map[string]int{}}
	if code != 0 && code != 1 {
		return o, nil // bad input or an internal error: no report
	}
	var r struct {
		OK   bool `json:"ok"`
		Loss struct {
			Status string `json:"status"`
			Note   string `json:"note"`
		} `json:"loss"`
		Hints   []string `json:"hints"`
		Located *struct {
			Layer int    `json:"layer"`
			Group string `json:"group"`
			Cause string `json:"cause"`
		} `json:"located"`
		Flags    []string `json:"flags"`
		Causes   []string `json:"causes"`
		Failures []string `json:"failures"`
		Groups   []struct {
			Layer  int    `json:"layer"`
			Group  string `json:"group"`
			Failed int    `json:"failed"`
			Cause  string `json:"cause"`
		} `json:"groups"`
		Components []struct {
			Index     int    `json:"index"`
			Status    string `json:"status"`
			Analytic  jnum   `json:"claimed"`
			Numerical jnum   `json:"estimate"`
			Tol       jnum   `json:"tol"`
			Floor     *jnum  `json:"floor"`
			Note      string `json:"note"`
		} `json:"components"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		return o, fmt.Errorf("the report is not the JSON expected: %v", err)
	}
	o.OK, o.LossVerdict = r.OK, r.Loss.Status
	g := &r // one object: the claim's loss and hints beside the gradient's fields (version 3)
	causes := slices.Concat([]string{r.Loss.Note}, r.Hints, g.Flags, g.Causes, g.Failures)
	if g.Located != nil {
		o.Located = &groupKey{g.Located.Layer, g.Located.Group}
		causes = append(causes, g.Located.Cause)
	}
	for _, gr := range g.Groups {
		if gr.Failed > 0 {
			o.FailedGroups = append(o.FailedGroups, groupKey{gr.Layer, gr.Group})
		}
		causes = append(causes, gr.Cause)
	}
	o.Causes = strings.Join(slices.DeleteFunc(causes, func(s string) bool { return s == "" }), "\n")
	for _, c := range g.Components {
		st := strings.ToLower(c.Status)
		switch st {
		case "nonfinite", "non-finite", "non_finite":
			st = stNaN
		}
		cc := checkComponent{Status: st, Analytic: float64(c.Analytic), Numerical: float64(c.Numerical), Tol: float64(c.Tol), Floor: math.NaN()}
		if c.Floor != nil {
			cc.Floor, o.FloorsStated = float64(*c.Floor), true
		}
		cc.Note = c.Note
		o.Components[c.Index] = cc
		o.Count[st]++
		if st == stUndecided && strings.Contains(c.Note, "kink") {
			o.Count[stUndecided+"@kink"]++
		}
	}
	return o, nil
}

// summary is a few lines about an outcome for a failure message.
func (o *checkOutcome) summary() string {
	if o.Code != 0 && o.Code != 1 {
		return fmt.Sprintf("exit %d, stderr: %s", o.Code, strings.TrimSpace(o.Stderr))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "exit %d, loss %s, statuses %v, failing groups %v", o.Code, o.LossVerdict, o.Count, o.FailedGroups)
	if o.Located != nil {
		fmt.Fprintf(&b, ", located %v", *o.Located)
	}
	for _, line := range strings.Split(o.Causes, "\n") {
		if line != "" {
			fmt.Fprintf(&b, "\n    %s", line)
		}
	}
	return b.String()
}

// readClaim reads a claimed-gradient file as a flat vector, in the README's
// order (layer by layer, the weights row by row, then the biases), and the
// group of each component.
func readClaim(path string) (loss float64, flat []float64, groups []groupKey, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, nil, nil, err
	}
	var g struct {
		Loss   float64 `json:"loss"`
		Layers []struct {
			Weights [][]float64 `json:"weights"`
			Biases  []float64   `json:"biases"`
		} `json:"layers"`
	}
	if err := json.Unmarshal(b, &g); err != nil {
		return 0, nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	for l, layer := range g.Layers {
		for _, row := range layer.Weights {
			for _, v := range row {
				flat, groups = append(flat, v), append(groups, groupKey{l, "weights"})
			}
		}
		for _, v := range layer.Biases {
			flat, groups = append(flat, v), append(groups, groupKey{l, "biases"})
		}
	}
	return g.Loss, flat, groups, nil
}

// setTally adds up one set of fixtures (a kind, with or without a flag).
type setTally struct {
	mu                                     sync.Mutex
	fixtures, components, undecided, kinks int
	notRight, kinkUndecided                int
	detectable, found, below, belowPassed  int
	byR                                    map[float64][2]int // r → {found, planted} for detectable
	belowByR                               map[float64]int
	falseFail, noFloor                     int
	gradientPassed                         int // no component Fail: only the loss can make the claim WRONG
}

func (s *setTally) addRight(o *checkOutcome) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fixtures++
	s.components += len(o.Components)
	s.undecided += o.Count[stUndecided]
	s.kinkUndecided += o.Count[stUndecided+"@kink"]
	s.kinks += o.Count[stKink]
	if o.Code != 0 {
		s.notRight++
	}
	if o.Count[stFail] == 0 {
		s.gradientPassed++
	}
}

func (s *setTally) checkUndecided(t *testing.T, name string) {
	t.Helper()
	if s.components == 0 {
		return
	}
	frac := float64(s.undecided) / float64(s.components)
	t.Logf("%s: %d fixtures, %d components: %d undecided (%.2f %%; %d of them at a kink), %d kink; %d not RIGHT",
		name, s.fixtures, s.components, s.undecided, 100*frac, s.kinkUndecided, s.kinks, s.notRight)
	// The fixtures put pre-activations exactly at kinks by solving a bias:
	// 0 in torch's order, ±1e-17 in another, so that a right claim may be
	// the derivative of either piece there, and its components at that
	// kink are Undecided by design (numgrad's ambiguity). Undecided for any
	// other reason stays rare.
	if other := float64(s.undecided-s.kinkUndecided) / float64(s.components); other > maxUndecided {
		t.Errorf("%s: %d of %d components undecided away from a kink (%.2f %%), at most %.0f %% allowed", name, s.undecided-s.kinkUndecided, s.components, 100*other, 100*maxUndecided)
	}
}

// TestTorchCrosscheck runs every fixture of testdata/torch (see the comment
// at the top of this file).
func TestTorchCrosscheck(t *testing.T) {
	m := loadTorchManifest(t)
	byKind := map[string][]torchFixture{}
	for _, f := range m.Fixtures {
		byKind[f.Kind] = append(byKind[f.Kind], f)
	}
	args := func(f torchFixture, extra ...string) []string {
		return append([]string{"--model", f.path(f.Model), "--data", f.path(f.Data), "--claimed", f.path(f.Claimed)}, extra...)
	}
	f32 := []string{precisionFlag, "float32"}

	// Right claims: exit 0, no Fail, Undecided rare.
	var right setTally
	t.Run("right", func(t *testing.T) {
		for _, f := range byKind["right"] {
			t.Run(f.Case, func(t *testing.T) {
				t.Parallel()
				o, err := readCheck(args(f)...)
				if err != nil {
					t.Fatalf("%v\n%s", err, o.summary())
				}
				right.addRight(o)
				expectRight(t, f, o)
			})
		}
	})
	right.checkUndecided(t, "right (float64)")

	// Planted mistakes: found above their floor, located.
	planted := setTally{byR: map[float64][2]int{}, belowByR: map[float64]int{}}
	t.Run("planted", func(t *testing.T) {
		for _, f := range byKind["planted"] {
			t.Run(f.Name, func(t *testing.T) {
				t.Parallel()
				o, err := readCheck(args(f)...)
				if err != nil {
					t.Fatalf("%v\n%s", err, o.summary())
				}
				expectPlanted(t, f, o, &planted)
			})
		}
	})
	t.Logf("planted: %d components wrong by more than %d × their floor (0 where the report states none: %d fixtures), %d found; %d at or below it, %d of those passed; untouched components failed: %d",
		planted.detectable, floorMargin, planted.noFloor, planted.found, planted.below, planted.belowPassed, planted.falseFail)
	var rs []float64
	for r := range planted.byR {
		rs = append(rs, r)
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(rs)))
	for _, r := range rs {
		t.Logf("  scaled r = %.0e: %d of %d found; %d below 4 × floor", r, planted.byR[r][0], planted.byR[r][1], planted.belowByR[r])
	}

	// float32 claims: WRONG without the flag, RIGHT with it.
	var f32none, f32flag setTally
	t.Run("float32", func(t *testing.T) {
		for _, f := range byKind["float32"] {
			t.Run(f.Case, func(t *testing.T) {
				t.Parallel()
				o, err := readCheck(args(f)...)
				if err != nil {
					t.Fatalf("without %s: %v\n%s", precisionFlag, err, o.summary())
				}
				f32none.addRight(o)
				if o.Code != 1 {
					t.Errorf("%s: a float32 claim without %s float32: want WRONG (exit 1), got %s", f.Name, precisionFlag, o.summary())
				} else if !strings.Contains(o.Causes, "float32") {
					t.Logf("%s: WRONG without the flag, but no cause or hint mentions float32", f.Name)
				}
				o, err = readCheck(args(f, f32...)...)
				if err != nil {
					t.Fatalf("with %s float32: %v\n%s", precisionFlag, err, o.summary())
				}
				f32flag.addRight(o)
				expectRight(t, f, o)
			})
		}
	})
	if f32none.fixtures > 0 && f32none.notRight != f32none.fixtures {
		t.Errorf("float32 claims without %s: %d of %d RIGHT, want 0", precisionFlag, f32none.fixtures-f32none.notRight, f32none.fixtures)
	}
	t.Logf("float32 claims without %s: %d of %d WRONG; in %d of them no gradient component Fails (only the loss is WRONG)",
		precisionFlag, f32none.notRight, f32none.fixtures, f32none.gradientPassed)
	f32flag.checkUndecided(t, "float32 claims with "+precisionFlag+" float32")

	// float32 with one component 1 % off: WRONG with and without the flag,
	// the component named.
	var f32planted setTally
	f32planted.byR, f32planted.belowByR = map[float64][2]int{}, map[float64]int{}
	t.Run("float32-planted", func(t *testing.T) {
		for _, f := range byKind["float32-planted"] {
			t.Run(f.Case, func(t *testing.T) {
				t.Parallel()
				o, err := readCheck(args(f)...)
				if err != nil {
					t.Fatalf("without %s: %v\n%s", precisionFlag, err, o.summary())
				}
				if o.Code != 1 {
					t.Errorf("%s: without %s: want WRONG (exit 1), got %s", f.Name, precisionFlag, o.summary())
				}
				o, err = readCheck(args(f, f32...)...)
				if err != nil {
					t.Fatalf("with %s float32: %v\n%s", precisionFlag, err, o.summary())
				}
				expectPlanted(t, f, o, &f32planted)
			})
		}
	})
	t.Logf("float32-planted with %s float32: %d components 1 %% off above 4 × their floor, %d found; untouched components failed: %d",
		precisionFlag, f32planted.detectable, f32planted.found, f32planted.falseFail)

	// F.mse_loss on two outputs: WRONG, the mean over B·n_out named.
	t.Run("mse_loss", func(t *testing.T) {
		for _, f := range byKind["mse_loss"] {
			t.Run(f.Case, func(t *testing.T) {
				t.Parallel()
				o, err := readCheck(args(f)...)
				if err != nil {
					t.Fatalf("%v\n%s", err, o.summary())
				}
				if o.Code != 1 {
					t.Fatalf("%s: %s: want WRONG (exit 1), got %s", f.Name, f.Why, o.summary())
				}
				named := false
				for _, c := range f.Cause {
					named = named || strings.Contains(o.Causes, c)
				}
				if !named {
					t.Errorf("%s: no cause names any of %q (F.mse_loss's mean over B·n_out):\n%s", f.Name, f.Cause, o.Causes)
				}
				if o.Located == nil || o.Located.Layer != f.Planted.Located.Layer {
					t.Logf("%s: located %v, the last layer is %d", f.Name, o.Located, f.Planted.Located.Layer)
				}
			})
		}
	})
}

// expectRight: a right claim is RIGHT (exit 0), with no Fail.
func expectRight(t *testing.T, f torchFixture, o *checkOutcome) {
	t.Helper()
	var fails []string
	for _, i := range sortedKeys(o.Components) {
		if c := o.Components[i]; c.Status == stFail || c.Status == stNaN {
			fails = append(fails, fmt.Sprintf("%d: %s claimed %.6g numerical %.6g ±%.2g", i, c.Status, c.Analytic, c.Numerical, c.Tol))
		}
	}
	if o.Code != 0 || len(fails) > 0 {
		if len(fails) > 5 {
			fails = append(fails[:5], fmt.Sprintf("… %d more", len(fails)-5))
		}
		t.Errorf("%s (%s): a right claim: want RIGHT (exit 0, no Fail), got %s\n  failing components: %s", f.Name, f.near(), o.summary(), strings.Join(fails, "; "))
		return
	}
	if n := o.Count[stUndecided]; n > 0 {
		t.Logf("%s (%s): RIGHT, %d of %d undecided", f.Name, f.near(), n, len(o.Components))
	}
}

// expectPlanted: every component wrong by more than floorMargin × its floor
// is Fail, no untouched one is, the verdict is WRONG and the group located
// is the planted one.
func expectPlanted(t *testing.T, f torchFixture, o *checkOutcome, s *setTally) {
	t.Helper()
	if o.Code != 0 && o.Code != 1 {
		t.Fatalf("%s: %s", f.Name, o.summary())
	}
	_, got, groups, err := readClaim(f.path(f.Claimed))
	if err != nil {
		t.Fatal(err)
	}
	_, ref, _, err := readClaim(f.path(f.Right))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ref) {
		t.Fatalf("%s and %s differ in length", f.Claimed, f.Right)
	}
	var missed, falseFail, below []string
	detectable, belowPassed := 0, 0
	locatedSeen := false // a detectable component lies in the group (layer) to be located
	want := f.Planted.Located
	for i := range got {
		c, ok := o.Components[i]
		if !ok {
			t.Fatalf("%s: the report has no component %d", f.Name, i)
		}
		diff := math.Abs(got[i] - ref[i])
		switch floor := c.Floor; {
		case diff == 0:
			if c.Status == stFail {
				falseFail = append(falseFail, fmt.Sprintf("%d (%v)", i, groups[i]))
			}
		case math.IsNaN(floor) && diff > 0 || diff > floorMargin*floor:
			detectable++
			if groups[i].Layer == want.Layer && (want.Group == nil || *want.Group == groups[i].Group) {
				locatedSeen = true
			}
			if c.Status != stFail {
				missed = append(missed, fmt.Sprintf("%d (%v) wrong by %.3g (%.2g relative), floor %.3g: %s, claimed %.6g numerical %.6g ±%.2g",
					i, groups[i], diff, diff/math.Abs(ref[i]), floor, c.Status, c.Analytic, c.Numerical, c.Tol))
			}
		default:
			below = append(below, fmt.Sprintf("%d wrong by %.3g, floor %.3g: %s", i, diff, floor, c.Status))
			if c.Status != stFail {
				belowPassed++
			}
		}
	}
	s.mu.Lock()
	s.detectable += detectable
	s.found += detectable - len(missed)
	s.below += len(below)
	s.belowPassed += belowPassed
	s.falseFail += len(falseFail)
	if !o.FloorsStated {
		s.noFloor++
	}
	if f.Mistake == "scaled" {
		if detectable > 0 {
			v := s.byR[f.Planted.R]
			s.byR[f.Planted.R] = [2]int{v[0] + detectable - len(missed), v[1] + detectable}
		} else {
			s.belowByR[f.Planted.R]++
		}
	}
	s.mu.Unlock()

	if len(below) > 0 {
		t.Logf("%s: below %d × floor (may pass): %s", f.Name, floorMargin, strings.Join(first(below, 3), "; "))
	}
	if detectable == 0 {
		return
	}
	if o.Code != 1 {
		t.Errorf("%s: %s (%s): want WRONG (exit 1), got %s", f.Name, f.Why, f.near(), o.summary())
	}
	if len(missed) > 0 {
		t.Errorf("%s: %s (%s): %d of %d wrong components not Fail: %s", f.Name, f.Why, f.near(), len(missed), detectable, strings.Join(first(missed, 4), "; "))
	}
	if len(falseFail) > 0 {
		t.Errorf("%s (%s): %d untouched components Fail: %s", f.Name, f.near(), len(falseFail), strings.Join(first(falseFail, 6), ", "))
	}
	if locatedSeen {
		switch {
		case o.Located == nil:
			t.Errorf("%s: %s: nothing located, want layer %d", f.Name, f.Why, want.Layer)
		case o.Located.Layer != want.Layer || want.Group != nil && o.Located.Group != *want.Group:
			w := fmt.Sprintf("layer %d", want.Layer)
			if want.Group != nil {
				w = groupKey{want.Layer, *want.Group}.String()
			}
			t.Errorf("%s: %s: located at %v, want %s; failing groups %v", f.Name, f.Why, *o.Located, w, o.FailedGroups)
		}
	}
}

func first(s []string, n int) []string {
	if len(s) > n {
		return append(slices.Clone(s[:n]), fmt.Sprintf("… %d more", len(s)-n))
	}
	return s
}

func sortedKeys[V any](m map[int]V) []int {
	k := make([]int, 0, len(m))
	for i := range m {
		k = append(k, i)
	}
	sort.Ints(k)
	return k
}

// TestTorchFixtureSet: the committed fixtures cover what the cross-check
// claims to cover, so that a later, smaller regeneration fails here rather
// than testing less.
func TestTorchFixtureSet(t *testing.T) {
	m := loadTorchManifest(t)
	kinds, mistakes, acts, losses := map[string]int{}, map[string]int{}, map[string]bool{}, map[string]bool{}
	for _, f := range m.Fixtures {
		kinds[f.Kind]++
		mistakes[f.Mistake]++
		for _, p := range []string{f.Model, f.Data, f.Claimed} {
			if _, err := os.Stat(f.path(p)); err != nil {
				t.Errorf("%s: %v", f.Name, err)
			}
		}
		if f.Kind != "right" && f.Kind != "float32" && (f.Planted == nil || f.Right == "") {
			t.Errorf("%s: a %s fixture without its planted record", f.Name, f.Kind)
		}
	}
	if n := m.Counts; !maps.Equal(n, kinds) {
		t.Errorf("the manifest's counts %v are not its fixtures' %v", n, kinds)
	}
	if kinds["right"] < 60 {
		t.Errorf("%d right cases, want at least 60", kinds["right"])
	}
	for _, k := range []string{"planted", "float32", "float32-planted", "mse_loss"} {
		if kinds[k] == 0 {
			t.Errorf("no fixture of kind %s", k)
		}
	}
	for _, k := range []string{"scaled", "weights-sign", "dropped-derivative", "sum-over-batch", "x1.01", "mse_loss-mean"} {
		if mistakes[k] == 0 {
			t.Errorf("no planted mistake %s", k)
		}
	}
	dist, methods := map[float64]int{}, map[string]int{}
	kinked := 0
	for _, c := range m.Cases {
		for _, a := range c.Activations {
			acts[a] = true
		}
		losses[c.Loss] = true
		if len(c.Kinks) > 0 {
			kinked++
		}
		for _, k := range c.Kinks {
			dist[math.Abs(k.Target)]++
			methods[k.Method]++
		}
	}
	for _, a := range []string{"identity", "sigmoid", "tanh", "relu", "leaky-relu", "softplus"} {
		if !acts[a] {
			t.Errorf("no case has the activation %s", a)
		}
	}
	for _, l := range []string{"squared-error", "softmax-cross-entropy"} {
		if !losses[l] {
			t.Errorf("no case has the loss %s", l)
		}
	}
	for k := 3; k <= 12; k++ {
		if dist[math.Pow(10, -float64(k))] == 0 {
			t.Errorf("no pre-activation placed at 1e-%d from a kink", k)
		}
	}
	if dist[0] == 0 || methods["dyadic"] == 0 {
		t.Errorf("pre-activations placed exactly at a kink: %d, exactly in every order of summation (dyadic): %d; want both", dist[0], methods["dyadic"])
	}
	if 2*kinked <= len(m.Cases) {
		t.Errorf("%d of %d cases have a kinked layer, want a majority", kinked, len(m.Cases))
	}
	t.Logf("%s (torch %s): %d cases (%d with kinks), fixtures %v; placed distances %v", m.Generator, m.Torch, len(m.Cases), kinked, kinds, dist)
}

// TestTorchRightAgreesWithGrad validates the fixtures themselves: every
// right claim that torch computed agrees with what `gradcheck grad` prints
// for the same model and data within 1e-12 of the largest component (they
// agree to about 1e-15 where this was written). A case with a pre-activation
// within 1e-14 of a kink may legitimately differ by a whole piece's
// derivative in a few components (torch's z is 0, another order of
// summation gives ±1e-17): logged, not asserted.
func TestTorchRightAgreesWithGrad(t *testing.T) {
	m := loadTorchManifest(t)
	worst, worstName := 0.0, ""
	for _, f := range m.Fixtures {
		if f.Kind != "right" {
			continue
		}
		stdout, stderr, code := gradcheck("grad", "--model", f.path(f.Model), "--data", f.path(f.Data))
		if code != 0 {
			t.Fatalf("%s: gradcheck grad: exit %d: %s", f.Name, code, stderr)
		}
		tmp := filepath.Join(t.TempDir(), "grad.json")
		if err := os.WriteFile(tmp, []byte(stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		oursLoss, ours, _, err := readClaim(tmp)
		if err != nil {
			t.Fatal(err)
		}
		theirsLoss, theirs, groups, err := readClaim(f.path(f.Claimed))
		if err != nil {
			t.Fatal(err)
		}
		if len(ours) != len(theirs) {
			t.Fatalf("%s: %d components, gradcheck grad prints %d", f.Name, len(theirs), len(ours))
		}
		norm := 0.0
		for _, v := range theirs {
			norm = math.Max(norm, math.Abs(v))
		}
		rel, at := 0.0, 0
		for i := range ours {
			if d := math.Abs(ours[i]-theirs[i]) / norm; d > rel {
				rel, at = d, i
			}
		}
		onKink := f.NearestKink != nil && *f.NearestKink <= 1e-14
		switch {
		case rel > 1e-12 && onKink:
			t.Logf("%s (%s): torch and gradcheck grad differ by %.3g of max|g| at component %d (%v): a piece chosen differently on the kink", f.Name, f.near(), rel, at, groups[at])
		case rel > 1e-12:
			t.Errorf("%s (%s): torch and gradcheck grad differ by %.3g of max|g| at component %d (%v)", f.Name, f.near(), rel, at, groups[at])
		case rel > worst:
			worst, worstName = rel, f.Name
		}
		if d := math.Abs(oursLoss - theirsLoss); d > 1e-12*math.Max(1, math.Abs(oursLoss)) {
			t.Errorf("%s: loss %v, gradcheck grad prints %v", f.Name, theirsLoss, oursLoss)
		}
	}
	t.Logf("right claims vs gradcheck grad: worst |difference| %.3g of max|g| (%s)", worst, worstName)
}
