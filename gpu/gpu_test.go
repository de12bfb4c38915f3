package gpu

// Tests on a real GPU. Each opens device 0 through cudatest, which skips the test here
// ("no GPU: <reason>") and fails it under GPU_REQUIRED=1. Build and run them on the GPU
// machine (scripts/gpu-bench.sh builds, scripts/gpu-run.sh runs):
//
//	CGO_ENABLED=0 go test -c -o .gpubin/gpu.test ./gpu
//	cd gpu && GPU_REQUIRED=1 ../.gpubin/gpu.test -test.v -test.run GPU

import (
	"errors"
	"fmt"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/gpu/cuda"
	"github.com/gradcheck/gradcheck/gpu/cuda/cudatest"
)

// realDevice opens GPU 0 with the kernels loaded, or ends the test as cudatest does.
func realDevice(t testing.TB) *Device {
	t.Helper()
	ctx := cudatest.Open(t)
	d, err := OnContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("closing the device: %v", err)
		}
	})
	return d
}

// largeSubject is a network of uneven sizes above colsum's 256 rows and the GEMM tile,
// where cuBLAS picks other algorithms than for the small ones.
func largeSubject() subject {
	return subject{
		name:  "large/tanh-sigmoid-identity",
		sizes: []int{300, 257, 130, 17},
		acts:  []backprop.Activation{backprop.Tanh, backprop.Sigmoid, backprop.Identity},
		loss:  backprop.SquaredError, n: 300,
	}
}

func TestGPUDevice(t *testing.T) {
	dev := realDevice(t)
	t.Log(dev)
	ok, why, err := dev.cuBLAS()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cuBLAS: %v %v", ok, why)
}

func TestGPUGradientMatchesCPU(t *testing.T) {
	dev := realDevice(t)
	for _, set := range gemmSettings(dev) {
		t.Run(settingsName(set), func(t *testing.T) {
			checkGradients(t, set)
			checkSubject(t, set, largeSubject())
		})
	}
}

// gemmSettings are the settings the GPU tests cover: each precision with cuBLAS in its
// pedantic and default math modes and with the own GEMM kernels.
func gemmSettings(dev *Device) []Settings {
	var s []Settings
	for _, p := range []Precision{Float64, Float32} {
		s = append(s, Settings{Device: dev, Precision: p},
			Settings{Device: dev, Precision: p, DefaultMath: true},
			Settings{Device: dev, Precision: p, OwnGEMM: true})
	}
	return s
}

func settingsName(s Settings) string {
	switch {
	case s.OwnGEMM:
		return s.Precision.String() + "/own"
	case s.DefaultMath:
		return s.Precision.String() + "/cublas-default"
	}
	return s.Precision.String() + "/cublas"
}

// checkSubject is checkGradients for one subject, on every sample.
func checkSubject(t *testing.T, set Settings, s subject) {
	p := set.Precision
	t.Run(s.name, func(t *testing.T) {
		cpu, d := s.build(99)
		g, err := New(cpu, &set)
		if err != nil {
			t.Fatal(err)
		}
		defer g.Close()
		got := make([]float64, g.NumParams())
		gotC, err := g.Gradient(got, backprop.All(d))
		if err != nil {
			t.Fatal(err)
		}
		if p == Float32 {
			checkFloat32(t, "all", cpu, backprop.All(d), got, gotC)
			return
		}
		want := make([]float64, cpu.NumParams())
		if _, err := cpu.Gradient(want, backprop.All(d)); err != nil {
			t.Fatal(err)
		}
		if e := diffNorm(got, want); !(e <= relTol64*norm(want)) {
			t.Errorf("‖g_gpu − g_cpu‖ = %.3g > %g·‖g_cpu‖ = %.3g", e, relTol64, relTol64*norm(want))
		} else {
			t.Logf("‖g_gpu − g_cpu‖/‖g_cpu‖ = %.3g", e/norm(want))
		}
	})
}

func TestGPUTrainMatchesCPU(t *testing.T) {
	dev := realDevice(t)
	for _, set := range gemmSettings(dev) {
		t.Run(settingsName(set), func(t *testing.T) {
			checkTraining(t, set)
		})
	}
}

// Repeated runs give the same bits: no kernel uses atomics, and cuBLAS's GEMMs are
// deterministic on one GPU.
func TestGPURepeatable(t *testing.T) {
	dev := realDevice(t)
	for _, set := range gemmSettings(dev) {
		t.Run(settingsName(set), func(t *testing.T) {
			cpu, d := largeSubject().build(5)
			ts := &backprop.TrainSettings{Mode: backprop.MiniBatch, BatchSize: 64, Epochs: 2, LearningRate: 0.05, Shuffle: true, Seed: 3}
			var first, firstG []float64
			var firstC float64
			for run := range 3 {
				g, err := New(cpu, &set)
				if err != nil {
					t.Fatal(err)
				}
				grad := make([]float64, g.NumParams())
				c, err := g.Gradient(grad, backprop.Batch{Data: d, Rows: []int{7, 3, 299, 3, 150}})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := backprop.Train(g, d, ts); err != nil {
					t.Fatal(err)
				}
				theta := g.ParamsTo(nil)
				g.Close()
				if run == 0 {
					first, firstG, firstC = theta, grad, c
					continue
				}
				if i := firstBitDiff(grad, firstG); i >= 0 || c != firstC {
					t.Errorf("run %d: gradient differs from run 0 at %d (cost %v vs %v)", run, i, c, firstC)
				}
				if i := firstBitDiff(theta, first); i >= 0 {
					t.Errorf("run %d: trained parameter %d = %v, run 0 has %v", run, i, theta[i], first[i])
				}
			}
		})
	}
}

// Closing gives the device's free memory back. The driver keeps some memory for the
// context once a kernel has run (local memory, cuBLAS's own kernels, which stay loaded
// while the primary context lives, here held open by keep): the baseline is taken after
// one network has been made, used and closed, and every later one must return to it.
func TestGPUCloseReturnsMemory(t *testing.T) {
	keep := cudatest.Open(t)
	memFree := func() uint64 {
		var free uint64
		if err := keep.Do(func(th *cuda.Thread) (err error) { free, _, err = th.MemInfo(); return err }); err != nil {
			t.Fatal(err)
		}
		return free
	}
	use := func(s *Settings) {
		cpu, d := largeSubject().build(1)
		g, err := New(cpu, s)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range batchesOf(d) {
			if err := g.Step(0.01, b.b); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := g.Cost(backprop.All(d)); err != nil {
			t.Fatal(err)
		}
		if err := g.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []Precision{Float64, Float32} {
		for _, own := range []bool{false, true} {
			s := &Settings{Precision: p, OwnGEMM: own}
			use(s) // warm-up
			free0 := memFree()
			for round := range 2 {
				use(s) // a device of its own, opened and closed with the network
				if free := memFree(); free != free0 {
					t.Errorf("%v own=%v round %d: free memory %d after Close, %d before (%+d)", p, own, round, free, free0, int64(free)-int64(free0))
				}
			}
			// On a shared device, Close frees the network's memory and Device.Close the rest.
			dev, err := Open(0)
			if err != nil {
				t.Fatal(err)
			}
			s.Device = dev
			use(s)
			if err := dev.Close(); err != nil {
				t.Fatal(err)
			}
			if free := memFree(); free != free0 {
				t.Errorf("%v own=%v shared device: free memory %d after Close, %d before (%+d)", p, own, free, free0, int64(free)-int64(free0))
			}
		}
	}
}

func TestGPUProperties(t *testing.T) {
	dev := realDevice(t)
	for _, own := range []bool{false, true} {
		t.Run(fmt.Sprintf("own=%v", own), func(t *testing.T) {
			n := 200 // seeds; the fake runs the first 100 everywhere
			if own {
				n = 100
			}
			checkProperties(t, dev, own, n)
		})
	}
}

func TestGPUNumgrad(t *testing.T) {
	checkNumgrad(t, realDevice(t))
}

// New without a device of its own opens GPU 0, or says why it cannot.
func TestGPUNew(t *testing.T) {
	cudatest.Require(t)
	cpu, d := gradientSubjects()[0].build(1)
	g, err := New(cpu, nil)
	if err != nil {
		if errors.Is(err, cuda.ErrUnavailable) {
			t.Fatalf("cuda.Available() is nil but New says: %v", err)
		}
		t.Fatal(err)
	}
	defer g.Close()
	t.Logf("%v, GEMM: %s", g.Device(), g.GEMM())
	want, _ := cpu.Cost(backprop.All(d))
	got, err := g.Cost(backprop.All(d))
	if err != nil || !(diffNorm([]float64{got}, []float64{want}) <= relTol64*want) {
		t.Errorf("Cost = %v, %v; CPU %v", got, err, want)
	}
}
