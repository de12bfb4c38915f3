package gpu

// The project's other suites, run against the GPU network: the properties of package
// properties (a model's gradient is a mean, an update is w − η·g exactly, the trainer's
// modes and seeds, …) and the numerical gradient checker of package numgrad. Each runs on
// the fake driver here and on a real GPU in gpu_test.go.

import (
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/properties"
)

// gpuNetworks is properties.Networks with each network moved to dev (in float64: the
// properties' tolerances are float64's), closed when rapid is done with it.
func gpuNetworks(dev *Device, own bool) properties.Factory {
	base := properties.Networks()
	return func(t *rapid.T) properties.Subject {
		s := base(t)
		g, err := New(s.Model.(*backprop.Network), &Settings{Device: dev, OwnGEMM: own})
		if err != nil {
			t.Fatalf("gpu.New: %v", err)
		}
		t.Cleanup(func() { g.Close() })
		s.Model = g
		return s
	}
}

// checkNumgrad checks the GPU network's gradient as what it is, a claim about the CPU
// network's function (the model file's): numgrad's default check (central differences,
// step sweeps, the network's declarations) of the GPU's gradient on the CPU network's
// problem, computed twice on the device to see that it is deterministic, for networks of
// each loss, smooth and with kinks, in each precision (float32 with the claim's unit
// roundoff of float32; the function is still the float64 one).
func checkNumgrad(t *testing.T, dev *Device) {
	for _, p := range []Precision{Float64, Float32} {
		for _, s := range []subject{
			{name: "squared/tanh", sizes: []int{3, 5, 4, 2}, acts: []backprop.Activation{backprop.Tanh, backprop.Sigmoid, backprop.Identity}, loss: backprop.SquaredError, n: 6},
			{name: "xent/softplus", sizes: []int{3, 5, 3}, acts: []backprop.Activation{backprop.Softplus, backprop.Identity}, loss: backprop.SoftmaxCrossEntropy, n: 6},
			{name: "squared/relu", sizes: []int{3, 6, 5, 2}, acts: []backprop.Activation{backprop.ReLU, backprop.LeakyReLU, backprop.Identity}, loss: backprop.SquaredError, n: 6},
		} {
			t.Run(p.String()+"/"+s.name, func(t *testing.T) {
				cpu, d := s.build(3)
				g, err := New(cpu, &Settings{Device: dev, Precision: p})
				if err != nil {
					t.Fatal(err)
				}
				defer g.Close()
				set := &numgrad.CheckSettings{}
				if p == Float32 {
					set.ClaimEps = numgrad.Float32
				}
				r, err := checkClaimOf(g, cpu, backprop.All(d), set)
				if err != nil {
					t.Fatal(err)
				}
				if !r.OK() {
					t.Errorf("numgrad rejects the GPU gradient:\n%v", r)
				}
			})
		}
	}
}

// checkClaimOf checks the gradient that the device's model m computes, as a claim about
// the CPU network's cost on b (what `gradcheck check --device gpu` does).
func checkClaimOf(m backprop.Model, cpu *backprop.Network, b backprop.Batch, s *numgrad.CheckSettings) (*numgrad.Report, error) {
	p, err := numgrad.ClaimOf(cpu, m, b)
	if err != nil {
		return nil, err
	}
	return numgrad.CheckProblem(p, s)
}

// checkProperties runs every property of package properties on the examples of seeds 0
// to n−1, deterministically, with GPU networks and with backprop's. The GPU network must
// pass wherever backprop's passes; an example that backprop's fails too is a finding
// about the property (or backprop), not the port, and is logged.
func checkProperties(t *testing.T, dev *Device, own bool, n int) {
	for _, p := range properties.Properties {
		t.Run(p.Name, func(t *testing.T) {
			gpuProp, cpuProp := p.Prop(gpuNetworks(dev, own), nil), p.Prop(properties.Networks(), nil)
			both := 0
			for seed := range n {
				msg, failed := properties.FalsifySeed(gpuProp, seed)
				if !failed {
					continue
				}
				if _, cpuFailed := properties.FalsifySeed(cpuProp, seed); cpuFailed {
					both++
					t.Logf("seed %d: backprop's network fails too: %s", seed, firstLine(msg))
					continue
				}
				t.Errorf("seed %d: the GPU network fails where backprop's passes:\n%s", seed, msg)
			}
			if both > 0 {
				t.Logf("%d of %d examples fail on the CPU as well", both, n)
			}
		})
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func TestFakeProperties(t *testing.T) {
	if testing.Short() {
		t.Skip("the property suite on the fake driver: skipped under -short")
	}
	_, dev := fakeDevice(t)
	checkProperties(t, dev, false, 100)
}

func TestFakeNumgrad(t *testing.T) {
	_, dev := fakeDevice(t)
	checkNumgrad(t, dev)
}

// embedded makes every declaration the network it embeds makes.
type embedded struct{ *backprop.Network }

// The verdict depends on the function and the claim, never on the Go type that carries
// them: the same per-component statuses for a network's own gradient, for a model that
// embeds the network (and so declares what it does), and for the fake GPU's gradient
// (bit for bit the CPU's in float64) checked as a claim about the network's function,
// under all five methods, on a smooth network and one with kinks.
func TestFakeSameStatusesAsNetwork(t *testing.T) {
	_, dev := fakeDevice(t)
	methods := []numgrad.Method{numgrad.MethodCentral, numgrad.MethodRichardson, numgrad.MethodComplex, numgrad.MethodDual, numgrad.MethodFast}
	for _, s := range []subject{
		{name: "tanh", sizes: []int{3, 5, 4, 2}, acts: []backprop.Activation{backprop.Tanh, backprop.Sigmoid, backprop.Identity}, loss: backprop.SquaredError, n: 6},
		{name: "relu", sizes: []int{3, 6, 5, 3}, acts: []backprop.Activation{backprop.ReLU, backprop.LeakyReLU, backprop.Identity}, loss: backprop.SoftmaxCrossEntropy, n: 6},
	} {
		cpu, d := s.build(5)
		if s.name == "relu" {
			// A zero input row: with the biases at 0 below, units sit on their kinks.
			for i := range d.In {
				d.X[i] = 0
			}
			th := cpu.ParamsTo(nil)
			for _, bl := range cpu.Layout().Blocks {
				if bl.Group == backprop.Biases {
					clear(th[bl.Offset : bl.Offset+bl.Len()])
				}
			}
			cpu.SetParams(th)
		}
		b := backprop.All(d)
		g, err := New(cpu, &Settings{Device: dev})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range methods {
			set := &numgrad.CheckSettings{Method: m}
			want, err := numgrad.CheckModel(cpu, b, set)
			if err != nil {
				t.Fatal(err)
			}
			wrap, err := numgrad.CheckModel(embedded{cpu}, b, set)
			if err != nil {
				t.Fatal(err)
			}
			onGPU, err := checkClaimOf(g, cpu, b, set)
			if err != nil {
				t.Fatal(err)
			}
			for name, r := range map[string]*numgrad.Report{"the embedding model": wrap, "the GPU's claim": onGPU} {
				if r.OK() != want.OK() || len(r.Components) != len(want.Components) {
					t.Errorf("%s, %v, %s: OK %v with %d components, the network's %v with %d:\n%v", s.name, m, name, r.OK(), len(r.Components), want.OK(), len(want.Components), r)
					continue
				}
				for k, c := range r.Components {
					if w := want.Components[k]; c.Status != w.Status {
						t.Errorf("%s, %v, %s: %s is %v, the network's %v (%s | %s)", s.name, m, name, c.Name(), c.Status, w.Status, c.Note, w.Note)
					}
				}
			}
		}
		g.Close()
	}
}

// Piece gives numgrad the same sign pattern as backprop's network on the same batch.
func TestFakePiece(t *testing.T) {
	_, dev := fakeDevice(t)
	for k, s := range []subject{
		{sizes: []int{3, 7, 5, 2}, acts: []backprop.Activation{backprop.ReLU, backprop.Tanh, backprop.LeakyReLU}, loss: backprop.SquaredError, n: 9},
		{sizes: []int{3, 4, 2}, acts: []backprop.Activation{backprop.Sigmoid, backprop.Identity}, loss: backprop.SquaredError, n: 3},
	} {
		cpu, d := s.build(uint64(k + 1))
		g, err := New(cpu, &Settings{Device: dev})
		if err != nil {
			t.Fatal(err)
		}
		if got := g.Piece(nil); len(got) != 0 {
			t.Errorf("Piece before any forward pass = %v, want nothing", got)
		}
		b := batchesOf(d)[2].b
		if _, err := cpu.Cost(b); err != nil {
			t.Fatal(err)
		}
		if _, err := g.Cost(b); err != nil {
			t.Fatal(err)
		}
		want := cpu.Piece([]byte{7})
		if got := g.Piece([]byte{7}); string(got) != string(want) {
			t.Errorf("network %d: Piece = %v, backprop's %v", k, got, want)
		}
		if k == 0 && len(want) < 3 {
			t.Errorf("network 0: a pattern of %d bytes: the test has no kinks to compare", len(want))
		}
		g.Close()
	}
}
