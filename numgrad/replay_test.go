package numgrad_test

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

var reportOpts = cmp.Options{cmpopts.EquateNaNs(), cmp.AllowUnexported(numgrad.Sweep{})}

// TestReplay: a report's record, written to JSON and read back, reruns the
// check to the same report, for every method (fast included: its
// directions travel with the record).
func TestReplay(t *testing.T) {
	t.Parallel()
	tf := testFuncs()[6] // Gaussian
	g := make([]float64, len(tf.x))
	tf.gonum.Grad(g, tf.x)
	g[1] *= 0.5
	for _, m := range allMethods {
		p := tfProblem(tf, tf.gonum.Func, g, tf.x)
		r, err := numgrad.CheckProblem(p, &numgrad.CheckSettings{Method: m, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("%v: %v", m, err)
		}
		rec, err := numgrad.ReadRecord(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%v: %v", m, err)
		}
		if diff := cmp.Diff(r.Replay, rec, reportOpts); diff != "" {
			t.Errorf("%v: record changed in JSON (-want +got):\n%s", m, diff)
		}
		again, err := numgrad.ReplayProblem(rec, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(r, again, reportOpts); diff != "" {
			t.Errorf("%v: replay differs (-want +got):\n%s", m, diff)
		}
		if len(rec.Failed) != 1 || rec.Failed[0] != 1 {
			t.Errorf("%v: failed %v, want [1]", m, rec.Failed)
		}
		// Only the failures.
		only, err := numgrad.ReplayProblem(rec.FailedOnly(), p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if m != numgrad.MethodFast && (len(only.Components) != 1 || only.Components[0].Index != 1 || only.OK()) {
			t.Errorf("%v: replay of the failures: %+v", m, only.Components)
		}
	}
}

// TestReplayModel reruns a recorded network check at the recorded point,
// after the network has moved on, and leaves the network where it was.
func TestReplayModel(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 5))
	net := backprop.MustNew(backprop.Config{Sizes: []int{3, 4, 2}, Activations: []backprop.Activation{backprop.LeakyReLU, backprop.Identity}, Seed: 2})
	d := randomData(rng, net, 4)
	model := scaled{net, func(g []float64) { g[5] *= 2 }}
	r, err := numgrad.CheckModel(model, backprop.All(d), &numgrad.CheckSettings{Method: numgrad.MethodRichardson})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(r.Replay); err != nil {
		t.Fatal(err)
	}
	if _, err := backprop.Train(net, d, &backprop.TrainSettings{Epochs: 3}); err != nil {
		t.Fatal(err)
	}
	moved := net.ParamsTo(nil)
	rec, err := numgrad.ReadRecord(&buf)
	if err != nil {
		t.Fatal(err)
	}
	again, err := numgrad.ReplayModel(rec, net, backprop.All(d), nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, again, reportOpts); diff != "" {
		t.Errorf("replay differs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(moved, net.ParamsTo(nil)); diff != "" {
		t.Errorf("parameters not restored (-want +got):\n%s", diff)
	}
}

// TestRecordJSON: NaN and ±Inf survive the round trip; bad records are
// refused with a reason.
func TestRecordJSON(t *testing.T) {
	t.Parallel()
	rec := &numgrad.Record{CheckSettings: numgrad.CheckSettings{Method: numgrad.MethodCentral, Seed: 3, Step: 6e-6, Eps: 0x1p-53}, Point: []float64{1, math.Inf(-1)}, Claimed: []float64{math.NaN(), math.Inf(1)}}
	data, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"NaN"`) || !strings.Contains(string(data), `"-Inf"`) {
		t.Errorf("JSON %s", data)
	}
	back, err := numgrad.ReadRecord(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rec, back, cmpopts.EquateNaNs()); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, tc := range []struct{ name, json, want string }{
		{"not JSON", `{`, "replay record"},
		{"no point", `{"method":"central","point":[],"claimed":[]}`, "no point"},
		{"lengths", `{"method":"central","point":[1,2],"claimed":[1]}`, "1 claimed components for a point of 2"},
		{"method", `{"method":"guess","point":[1],"claimed":[1]}`, "unknown method"},
		{"number", `{"method":"central","point":["big"],"claimed":[1]}`, "not a number"},
		{"direction length", `{"method":"fast","point":[1],"claimed":[1],"directions":[[1,2]]}`, "direction 0"},
	} {
		_, err := numgrad.ReadRecord(strings.NewReader(tc.json))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// TestReportJSON: a report with non-finite values marshals, and says
// whether the gradient passed.
func TestReportJSON(t *testing.T) {
	t.Parallel()
	r, err := numgrad.Check(func(x []float64) float64 { return x[0] * x[0] }, []float64{math.NaN()}, []float64{1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		OK         bool
		NonFinite  int `json:"non_finite"`
		Components []struct{ Status string }
	}
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	if out.OK || out.NonFinite != 1 || len(out.Components) != 1 || out.Components[0].Status != "non-finite" {
		t.Errorf("JSON report %s", data)
	}
}
