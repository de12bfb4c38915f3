// Package claimedtest reads the claimed-gradient fixtures of package
// claimed (claimed/testdata, written by claimed/testdata/gen.py with
// PyTorch), for the tests of claimed and of the gradcheck command.
package claimedtest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/netio"
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
