package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/numgrad"
)

// jsonReport runs gradcheck check args… --json and reads its report back
// into numgrad.ReportJSON, refusing any key the type does not have.
func jsonReport(t *testing.T, args ...string) (*numgrad.ReportJSON, map[string]any, int) {
	t.Helper()
	out, errs, code := gradcheck(append(append([]string{"check"}, args...), "--json")...)
	if code > 1 {
		t.Fatalf("check %v: exit %d: %s", args, code, errs)
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	var r numgrad.ReportJSON
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("check %v --json: %v\n%s", args, err, out)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	return &r, raw, code
}

// TestJSONSchema reads the reports of check --json back into the one
// schema, numgrad.ReportJSON, for a model's own gradient, a wrong claimed
// one and a fast check, and checks the fields against the table and the
// exit code: version 3; ok false exactly on exit 1; the verdict the
// table's; loss only with --claimed; locations and groups with the same
// lower-case keys ({"layer", "group", "row", "col"}, the group by name);
// the failing component where it was planted.
func TestJSONSchema(t *testing.T) {
	dir := t.TempDir()
	model, data := writeFixture(t, dir)
	grad, errs, code := gradcheck("grad", "--model", model, "--data", data)
	if code != 0 {
		t.Fatalf("grad: exit %d: %s", code, errs)
	}
	var g struct {
		Loss   float64 `json:"loss"`
		Layers []struct {
			Weights [][]float64 `json:"weights"`
			Biases  []float64   `json:"biases"`
		} `json:"layers"`
	}
	if err := json.Unmarshal([]byte(grad), &g); err != nil {
		t.Fatal(err)
	}
	g.Layers[1].Weights[2][1] *= 2 // layer 1 weight [2][1]
	wrong := filepath.Join(dir, "wrong.json")
	b, _ := json.Marshal(g)
	if err := os.WriteFile(wrong, b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		args    []string
		code    int
		claimed bool
	}{
		{"own gradient", []string{"--model", model, "--data", data}, 0, false},
		{"wrong claim", []string{"--model", model, "--data", data, "--claimed", wrong}, 1, true},
		{"fast", []string{"--model", model, "--data", data, "--method", "fast"}, 0, false},
	} {
		r, raw, code := jsonReport(t, tc.args...)
		table, _, _ := gradcheck(append([]string{"check"}, tc.args...)...)
		verdictLine := "verdict: " + r.Verdict
		if tc.claimed {
			verdictLine = "claim: " + r.Verdict
		}
		switch {
		case code != tc.code:
			t.Errorf("%s: exit %d, want %d", tc.name, code, tc.code)
		case r.Version != 3:
			t.Errorf("%s: version %d, want 3", tc.name, r.Version)
		case r.OK != (code == 0):
			t.Errorf("%s: ok %v on exit %d", tc.name, r.OK, code)
		case !strings.Contains(table, "\n"+verdictLine+"\n"):
			t.Errorf("%s: the JSON's verdict %q is not the table's:\n%s", tc.name, r.Verdict, table)
		case (r.Loss != nil) != tc.claimed:
			t.Errorf("%s: loss %+v", tc.name, r.Loss)
		case r.N != 25 || r.Method.String() != map[bool]string{true: "fast", false: "central"}[tc.name == "fast"]:
			t.Errorf("%s: n %d, method %v", tc.name, r.N, r.Method)
		case r.Replay == nil || len(r.Replay.Point) != 25:
			t.Errorf("%s: no replay record of the 25 parameters", tc.name)
		}
		if tc.name == "fast" {
			if r.Fast == nil || r.Fast.K != numgrad.DefaultProjections || len(r.Fast.Projections) != r.Fast.K || r.Fast.Status != numgrad.Pass || len(r.Components) != 0 {
				t.Errorf("fast: %+v, %d components", r.Fast, len(r.Components))
			}
			continue
		}
		if len(r.Groups) != 6 || r.Groups[2].Name != "layer 1 weights" || r.Groups[2].Layer != 1 || r.Groups[2].Group != "weights" || r.Groups[2].Rows != 3 || r.Groups[2].Cols != 3 {
			t.Errorf("%s: groups %+v", tc.name, r.Groups)
		}
		for i, c := range r.Components {
			if c.Index != i || c.Location == nil {
				t.Fatalf("%s: component %d: %+v", tc.name, i, c)
			}
		}
		// The raw keys: the same lower-case names in every location.
		for _, c := range raw["components"].([]any) {
			loc := c.(map[string]any)["location"].(map[string]any)
			if keys := jsonObjectKeys(loc); !slices.Equal(keys, []string{"col", "group", "layer", "row"}) {
				t.Fatalf("%s: a location's keys %v", tc.name, keys)
			}
		}
		if !tc.claimed {
			if r.Failed != 0 || r.Located != nil {
				t.Errorf("own gradient: %d failed, located %+v", r.Failed, r.Located)
			}
			continue
		}
		const planted = 9 + 2*3 + 1 // layer 1 weights start at 9: [2][1]
		c := r.Components[planted]
		if r.Loss.Status != numgrad.Pass || r.Failed != 1 || c.Status != numgrad.Fail || !reflect.DeepEqual(*c.Location, numgrad.LocationJSON{Layer: 1, Group: "weights", Row: 2, Col: 1}) ||
			math.Abs(float64(c.Claimed/c.Estimate)-2) > 1e-6 || r.Located == nil || r.Located.Name != "layer 1 weights" || r.Located.Worst != planted {
			t.Errorf("wrong claim: loss %+v, failed %d, component %+v at %+v, located %+v", r.Loss, r.Failed, c, c.Location, r.Located)
		}
		if len(r.Failures) != 1 || !strings.Contains(r.Failures[0], "claimed") || strings.Contains(r.Failures[0], "analytic") {
			t.Errorf("wrong claim: failures %q", r.Failures)
		}
	}
}

func jsonObjectKeys(m map[string]any) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	slices.Sort(k)
	return k
}

// jsonKeys returns every JSON key of type t, its nested structs' included.
func jsonKeys(t reflect.Type, seen map[string]bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == reflect.TypeOf(numgrad.Record{}) {
		return // the replay record documents itself (numgrad.Record)
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		seen[name] = true
		jsonKeys(f.Type, seen)
	}
}

// TestJSONDocumented: every key of the schema is documented in the help
// topic json (the README's section The JSON report), as `key`.
func TestJSONDocumented(t *testing.T) {
	keys := map[string]bool{}
	jsonKeys(reflect.TypeOf(numgrad.ReportJSON{}), keys)
	doc := partText("json")
	for k := range keys {
		if !strings.Contains(doc, "`"+k+"`") {
			t.Errorf("the help topic json does not document the key %q", k)
		}
	}
	if len(keys) < 60 {
		t.Errorf("only %d keys found in numgrad.ReportJSON", len(keys))
	}
	// The example in the topic is valid JSON once its ellipses are filled.
	_, example, _ := strings.Cut(doc, "\n    {\n")
	example, _, _ = strings.Cut(example, "\n    }\n")
	example = "{\n" + example + "\n}"
	for _, r := range []struct{ old, new string }{{`{…}`, `{}`}, {`[…]`, `[]`}, {`, …]`, `]`}, {`, …}`, `}`}, {`…`, ``}} {
		example = strings.ReplaceAll(example, r.old, r.new)
	}
	var v map[string]any
	if err := json.NewDecoder(bytes.NewReader([]byte(example))).Decode(&v); err != nil {
		t.Errorf("the example of the help topic json is not JSON: %v\n%s", err, example)
	}
	for k := range v {
		if !keys[k] {
			t.Errorf("the example of the help topic json has the key %q, which the schema lacks", k)
		}
	}
}
