package claimedtest

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/netio"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
)

// Fixture is one network of the manifest: a model file with weights, a
// dataset, the gradient another implementation computed, and copies of it
// with one planted mistake each. Paths are relative to the manifest's
// directory; [Fixture.Path] makes them absolute.
type Fixture struct {
	Name        string    `json:"name"`
	Model       string    `json:"model"`
	Data        string    `json:"data"`
	Grad        string    `json:"grad"`
	Loss        string    `json:"loss"`
	Activations []string  `json:"activations"`
	Planted     []Planted `json:"planted"`
	dir         string
}

// Planted is a copy of a fixture's gradient with one mistake.
type Planted struct {
	// Kind names the mistake: scaled, transposed, dropped-derivative,
	// bias-sign, mse-mean or half-loss.
	Kind string `json:"kind"`
	File string `json:"file"`
	// Layer and Group locate the group where the check must say the error
	// enters; both are nil when the gradient is right and only the loss is
	// wrong.
	Layer *int    `json:"layer"`
	Group *string `json:"group"`
	// Cause is a phrase the likely cause must contain; Why says what was
	// planted.
	Cause string `json:"cause"`
	Why   string `json:"why"`
}

// Where returns "layer l group" as numgrad names a group, or "" for a
// mistake in the loss only.
func (p Planted) Where() string {
	if p.Layer == nil || p.Group == nil {
		return ""
	}
	return fmt.Sprintf("layer %d %s", *p.Layer, *p.Group)
}

// Dir returns the directory of the fixtures, claimed/testdata.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

// Load reads the manifest fixtures.json in dir.
func Load(dir string) ([]Fixture, error) {
	b, err := os.ReadFile(filepath.Join(dir, "fixtures.json"))
	if err != nil {
		return nil, err
	}
	var m struct {
		Generator string    `json:"generator"`
		Fixtures  []Fixture `json:"fixtures"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "fixtures.json"), err)
	}
	if len(m.Fixtures) == 0 {
		return nil, fmt.Errorf("%s: no fixtures", filepath.Join(dir, "fixtures.json"))
	}
	for i := range m.Fixtures {
		m.Fixtures[i].dir = dir
	}
	return m.Fixtures, nil
}

// Path returns the absolute path of a file of the manifest.
func (f Fixture) Path(rel string) string { return filepath.Join(f.dir, filepath.FromSlash(rel)) }

// Open loads the fixture's network and dataset.
func (f Fixture) Open() (*backprop.Network, *backprop.Dataset, error) {
	net, err := netio.LoadModel(f.Path(f.Model))
	if err != nil {
		return nil, nil, err
	}
	c := net.Config()
	d, err := netio.LoadCSV(f.Path(f.Data), c.Sizes[0], c.Sizes[len(c.Sizes)-1])
	if err != nil {
		return nil, nil, err
	}
	return net, d, nil
}

// Agreement measures how far two float64 evaluations of one network's loss
// and gradient (PyTorch's and backprop's, say) are apart, against the most
// that rounding allows them.
//
// The bound comes from the arithmetic of the case: runerr.Gradient evaluates
// ∂C/∂θ_i by dual numbers with a running bound Err_i on its rounding, and
// any correct float64 evaluation of the same definitions in another order
// lies within Slack·Err_i of it (Slack = 2n + 2, n the longest sum; see
// runerr.Gradient). Two such evaluations a and b therefore satisfy
//
//	|a_i − b_i| ≤ 2·Slack·Err_i,
//
// and the losses the same with CostErr. The bound is first order: it is
// only stated where the reference's Rel ≤ runerr.MaxRel and no ReLU
// pre-activation lies within rounding of its kink (Near).
type Agreement struct {
	// Loss and Grad are the largest |a − b| of the loss and of a gradient
	// component; GradULP is the latter in units of u·‖b‖∞, u = 2⁻⁵³.
	Loss, Grad, GradULP float64
	// Ratio is the largest |a − b|/bound over the loss and the components;
	// ≤ 1 is agreement. Worst names where it is reached.
	Ratio float64
	Worst string
}

// Agree returns the agreement of (lossA, a) and (lossB, b), flat gradients
// of net's cost on batch at net's parameters. It returns an error where the
// bound does not hold (see [Agreement]) and panics if a lengths differ.
func Agree(net *backprop.Network, batch backprop.Batch, lossA float64, a []float64, lossB float64, b []float64) (*Agreement, error) {
	if len(a) != net.NumParams() || len(b) != net.NumParams() {
		panic("claimedtest: Agree: gradient lengths differ from the network's")
	}
	ref, err := runerr.Gradient(net, net.ParamsTo(nil), batch)
	if err != nil {
		return nil, err
	}
	if ref.Near || ref.Rel > runerr.MaxRel {
		return nil, fmt.Errorf("the rounding bound does not hold here (near a kink: %v; Rel %.2g, at most %g)", ref.Near, ref.Rel, runerr.MaxRel)
	}
	ag := &Agreement{}
	see := func(where string, d, bound float64) {
		if r := d / bound; r > ag.Ratio { // +Inf for d > 0 = bound, NaN (skipped) for 0/0
			ag.Ratio, ag.Worst = r, where
		}
	}
	ag.Loss = math.Abs(lossA - lossB)
	see("loss", ag.Loss, 2*ref.Slack*ref.CostErr)
	norm := 0.0
	for _, v := range b {
		norm = math.Max(norm, math.Abs(v))
	}
	for i := range a {
		d := math.Abs(a[i] - b[i])
		ag.Grad = math.Max(ag.Grad, d)
		loc, _ := net.Layout().Locate(i)
		see(loc.String(), d, 2*ref.Slack*ref.Err[i])
	}
	if norm > 0 {
		ag.GradULP = ag.Grad / (0x1p-53 * norm)
	}
	return ag, nil
}
