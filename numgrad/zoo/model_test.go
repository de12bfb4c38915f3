package zoo

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gradcheck/gradcheck/backprop"
)

// TestModelDelegates checks that a mutant is its network in everything but
// the gradient: the same parameters in and out, the same layout, the same
// cost to the bit (from Cost and from Gradient), no Stepper, and no change
// to the parameters or the data by Gradient.
func TestModelDelegates(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	models := []struct {
		name string
		new  func(*backprop.Network) backprop.Model
		cfg  backprop.Config
	}{{"correct", Correct, Mutants()[0].Config}}
	for _, m := range Mutants() {
		models = append(models, struct {
			name string
			new  func(*backprop.Network) backprop.Model
			cfg  backprop.Config
		}{m.Name, m.New, m.Config})
	}
	for _, tc := range models {
		net := backprop.MustNew(tc.cfg)
		randomBiases(rng, net)
		model := tc.new(net)
		if _, ok := model.(backprop.Stepper); ok {
			t.Errorf("%s: is a Stepper: backprop.Step would bypass its gradient", tc.name)
		}
		lay, ok := model.(backprop.Layouter)
		if !ok {
			t.Fatalf("%s: not a Layouter", tc.name)
		}
		if diff := cmp.Diff(net.Layout(), lay.Layout()); diff != "" {
			t.Errorf("%s: layout mismatch (-network +model):\n%s", tc.name, diff)
		}
		if model.NumParams() != net.NumParams() {
			t.Errorf("%s: NumParams %d, network's %d", tc.name, model.NumParams(), net.NumParams())
		}
		theta := net.ParamsTo(nil)
		for i := range theta {
			theta[i] += rng.Float64() - 0.5
		}
		model.SetParams(theta)
		if diff := cmp.Diff(theta, net.ParamsTo(nil)); diff != "" {
			t.Errorf("%s: SetParams did not reach the network (-set +network):\n%s", tc.name, diff)
		}
		if diff := cmp.Diff(theta, model.ParamsTo(nil)); diff != "" {
			t.Errorf("%s: ParamsTo mismatch (-set +got):\n%s", tc.name, diff)
		}

		d := randomData(rng, tc.cfg, 5)
		dataBefore := *d
		dataBefore.X, dataBefore.Y = slices.Clone(d.X), slices.Clone(d.Y)
		b := backprop.Batch{Data: d, Rows: []int{4, 0, 2}}
		want, err := net.Cost(b)
		if err != nil {
			t.Fatal(err)
		}
		cost, err := model.Cost(b)
		if err != nil || cost != want {
			t.Errorf("%s: Cost %v, %v; network's %v", tc.name, cost, err, want)
		}
		g := make([]float64, model.NumParams())
		cost, err = model.Gradient(g, b)
		if err != nil || cost != want {
			t.Errorf("%s: Gradient's cost %v, %v; network's %v", tc.name, cost, err, want)
		}
		if diff := cmp.Diff(theta, model.ParamsTo(nil)); diff != "" {
			t.Errorf("%s: Gradient changed the parameters (-before +after):\n%s", tc.name, diff)
		}
		if diff := cmp.Diff(&dataBefore, d); diff != "" {
			t.Errorf("%s: Gradient changed the data (-before +after):\n%s", tc.name, diff)
		}

		// backprop.Step goes through Gradient: θ' = θ − η·g̃ to the bit.
		const eta = 0.25
		backprop.Update(theta, eta, g)
		if err := backprop.Step(model, eta, b); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(theta, model.ParamsTo(nil)); diff != "" {
			t.Errorf("%s: Step is not θ − η·g̃ (-want +got):\n%s", tc.name, diff)
		}
	}
}

// TestModelErrors checks that each bug refuses, with an error naming the
// mutant and the reason, the networks it cannot run on, and that bad
// batches get the network's error.
func TestModelErrors(t *testing.T) {
	t.Parallel()
	id := backprop.Identity
	for _, tc := range []struct {
		mutant string
		sizes  []int
		loss   backprop.Loss
		want   string // in the error
	}{
		{"squared-error-without-2", []int{2, 3}, backprop.SoftmaxCrossEntropy, "squared-error loss"},
		{"softmax-wrong-class", []int{2, 3}, backprop.SquaredError, "softmax-cross-entropy loss"},
		{"softmax-left-out", []int{2, 3}, backprop.SquaredError, "softmax-cross-entropy loss"},
		{"transposed-weights", []int{3, 4, 2}, backprop.SquaredError, "square"},
		{"transposed-weights", []int{3, 4, 4, 2}, backprop.SquaredError, "layer 2's weights are 2×4"},
		{"delta-from-wrong-layer", []int{3, 4, 2}, backprop.SquaredError, "equal widths"},
		{"delta-from-wrong-layer", []int{3, 4}, backprop.SquaredError, "last layer"},
		{"no-activation-derivative-layer-1", []int{3, 4}, backprop.SquaredError, "layers 0 to 0"},
		{"sign-flip-layer-1", []int{3, 4}, backprop.SquaredError, "layers 0 to 0"},
	} {
		m, ok := Lookup(tc.mutant)
		if !ok {
			t.Fatalf("no mutant %q", tc.mutant)
		}
		cfg := backprop.Config{Sizes: tc.sizes, Loss: tc.loss}
		for range len(tc.sizes) - 1 {
			cfg.Activations = append(cfg.Activations, id)
		}
		net := backprop.MustNew(cfg)
		d := randomData(rand.New(rand.NewPCG(1, 1)), cfg, 2)
		_, err := m.New(net).Gradient(make([]float64, net.NumParams()), backprop.All(d))
		if err == nil || !strings.Contains(err.Error(), tc.mutant) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s on %v %v: error %v, want one naming the mutant and %q", tc.mutant, tc.sizes, tc.loss, err, tc.want)
		}
	}

	for _, m := range Mutants() {
		net := backprop.MustNew(m.Config)
		g := make([]float64, net.NumParams())
		if _, err := m.New(net).Gradient(g, backprop.Batch{}); err == nil {
			t.Errorf("%s: no error for an empty batch", m.Name)
		}
	}
}

// TestGradientPanicsOnLength checks the panic for a dst of the wrong length,
// a caller's programming error, and its prefix.
func TestGradientPanicsOnLength(t *testing.T) {
	t.Parallel()
	m := Mutants()[0]
	net := backprop.MustNew(m.Config)
	defer func() {
		r := recover()
		if s, ok := r.(string); !ok || !strings.HasPrefix(s, "zoo: ") {
			t.Errorf("recovered %v, want a panic prefixed zoo:", r)
		}
	}()
	m.New(net).Gradient(make([]float64, net.NumParams()+1), backprop.All(m.Data(1)))
}

// TestMutantsRunAnywhere runs every mutant and the correct pass on random
// networks of every activation and both losses: each either refuses the
// network with an error or returns a finite gradient and the network's
// cost; none panics. The mutants that can run on every network (no shape
// or loss condition) must not refuse.
func TestMutantsRunAnywhere(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2, 2))
	runsEverywhere := map[string]bool{
		"no-activation-derivative": true, "derivative-at-activation": true, "sum-over-batch": true,
		"no-bias-gradient": true, "pre-activation-as-input": true,
	}
	for _, loss := range backprop.Losses() {
		for _, act := range backprop.Activations() {
			for range 4 {
				cfg := randomConfig(rng, act, loss)
				d := randomData(rng, cfg, 1+rng.IntN(8))
				for _, m := range append(Mutants(), Mutant{Name: "correct", New: Correct}) {
					net := backprop.MustNew(cfg)
					g := make([]float64, net.NumParams())
					cost, err := m.New(net).Gradient(g, backprop.All(d))
					if err != nil {
						if runsEverywhere[m.Name] || m.Name == "correct" {
							t.Errorf("%s on %v: %v", m.Name, cfg.Sizes, err)
						}
						continue
					}
					want, _ := net.Cost(backprop.All(d))
					if cost != want {
						t.Errorf("%s on %v: cost %v, network's %v", m.Name, cfg.Sizes, cost, want)
					}
					for i, v := range g {
						if math.IsNaN(v) || math.IsInf(v, 0) {
							t.Errorf("%s on %v: gradient[%d] = %v", m.Name, cfg.Sizes, i, v)
						}
					}
				}
			}
		}
	}
}

// TestMutantsList checks the list itself: unique names that Lookup finds,
// descriptions, valid configurations, Expect in layout order within the
// configuration's layers, and a fresh copy per call.
func TestMutantsList(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, m := range Mutants() {
		if seen[m.Name] {
			t.Errorf("name %q twice", m.Name)
		}
		seen[m.Name] = true
		if got, ok := Lookup(m.Name); !ok || got.Name != m.Name {
			t.Errorf("Lookup(%q) = %q, %v", m.Name, got.Name, ok)
		}
		if m.Description == "" || m.New == nil {
			t.Errorf("%s: no description or constructor", m.Name)
		}
		if err := m.Config.Validate(); err != nil {
			t.Errorf("%s: config: %v", m.Name, err)
		}
		if len(m.Expect) == 0 {
			t.Errorf("%s: Expect is empty", m.Name)
		}
		L := len(m.Config.Sizes) - 1
		for i, w := range m.Expect {
			if w.Layer < 0 || w.Layer >= L {
				t.Errorf("%s: Expect[%d] = %v: the network has layers 0 to %d", m.Name, i, w, L-1)
			}
			if i > 0 && 2*w.Layer+int(w.Group) <= 2*m.Expect[i-1].Layer+int(m.Expect[i-1].Group) {
				t.Errorf("%s: Expect[%d] = %v is not after %v", m.Name, i, w, m.Expect[i-1])
			}
		}
	}
	if _, ok := Lookup("no-such-bug"); ok {
		t.Error("Lookup found no-such-bug")
	}
	ms := Mutants()
	ms[0].Config.Sizes[0] = 99
	ms[0].Expect[0].Layer = 99
	if again := Mutants(); again[0].Config.Sizes[0] == 99 || again[0].Expect[0].Layer == 99 {
		t.Error("Mutants shares its slices between calls")
	}
}

// TestData checks that Data is valid, of DataSize samples and the
// configuration's widths, one-hot for the cross-entropy, and the same bits
// for the same seed.
func TestData(t *testing.T) {
	t.Parallel()
	for _, m := range Mutants() {
		d := m.Data(7)
		if err := d.Validate(); err != nil {
			t.Errorf("%s: %v", m.Name, err)
			continue
		}
		L := len(m.Config.Sizes) - 1
		if d.N != DataSize || d.In != m.Config.Sizes[0] || d.Out != m.Config.Sizes[L] {
			t.Errorf("%s: data %d×(%d, %d), want %d×(%d, %d)", m.Name, d.N, d.In, d.Out, DataSize, m.Config.Sizes[0], m.Config.Sizes[L])
		}
		if diff := cmp.Diff(d, m.Data(7)); diff != "" {
			t.Errorf("%s: same seed, different data (-first +second):\n%s", m.Name, diff)
		}
		if cmp.Equal(d.X, m.Data(8).X) {
			t.Errorf("%s: seeds 7 and 8 give the same inputs", m.Name)
		}
		if m.Config.Loss == backprop.SoftmaxCrossEntropy {
			for s := range d.N {
				_, y := d.Sample(s)
				var sum float64
				for _, v := range y {
					sum += v
				}
				if sum != 1 {
					t.Errorf("%s: sample %d: targets %v are not one-hot", m.Name, s, y)
				}
			}
		}
	}
}

// TestDataPanicsOnBadConfig checks the prefixed panic for a configuration
// that is not valid.
func TestDataPanicsOnBadConfig(t *testing.T) {
	t.Parallel()
	defer func() {
		r := recover()
		if s, ok := r.(string); !ok || !strings.HasPrefix(s, "zoo: Data: sizes") {
			t.Errorf("recovered %v, want a panic prefixed zoo: Data: sizes", r)
		}
	}()
	Data(backprop.Config{Sizes: []int{3}}, 1)
}
