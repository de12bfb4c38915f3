package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/datasets"
	"github.com/gradcheck/gradcheck/gpu"
	"github.com/gradcheck/gradcheck/gpu/cuda"
	"github.com/gradcheck/gradcheck/gpu/cuda/fakedriver"
	"github.com/gradcheck/gradcheck/gpu/kernels"
)

func TestModelOnCPU(t *testing.T) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 3, 1}, Activations: []backprop.Activation{backprop.Tanh, backprop.Identity}})
	for _, device := range []string{"cpu", "CPU", ""} {
		var stderr bytes.Buffer
		m, done, err := modelOn(&env{stderr: &stderr}, device, net)
		if err != nil || m != backprop.Model(net) || stderr.Len() != 0 {
			t.Errorf("modelOn(%q) = %v, %v, stderr %q; want the network itself, silently", device, m, err, stderr.String())
		}
		if err := done(); err != nil {
			t.Error(err)
		}
	}
}

func TestModelOnUnknownDevice(t *testing.T) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 1}, Activations: []backprop.Activation{backprop.Identity}})
	_, _, err := modelOn(&env{}, "tpu", net)
	if err == nil || !strings.Contains(err.Error(), `--device: unknown device "tpu" (want cpu or gpu)`) {
		t.Errorf("modelOn(tpu) = %v, want an error naming the flag and the choices", err)
	}
}

// On "gpu" the model trains on the GPU and done brings the parameters back into the
// network; without a GPU a note says why and the network trains itself.
func TestModelOnGPU(t *testing.T) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{4, 5, 3}, Activations: []backprop.Activation{backprop.Tanh, backprop.Identity}, Loss: backprop.SoftmaxCrossEntropy, Seed: 2})
	cpu := net.Clone()
	var stderr bytes.Buffer
	m, done, err := modelOn(&env{stderr: &stderr}, "gpu", net)
	if err != nil {
		t.Fatal(err)
	}
	avail := cuda.Available()
	switch _, isGPU := m.(*gpu.Network); {
	case avail != nil && (isGPU || !strings.HasPrefix(stderr.String(), "no GPU found: ") || strings.Contains(stderr.String(), "no usable GPU")):
		t.Errorf("without a GPU (%v): model %T, stderr %q; want the CPU network and \"no GPU found: <reason>\"", avail, m, stderr.String())
	case avail == nil && (!isGPU || stderr.Len() != 0):
		t.Errorf("with a GPU: model %T, stderr %q; want a *gpu.Network, silently", m, stderr.String())
	}
	d := datasets.Iris()
	s := &backprop.TrainSettings{Mode: backprop.MiniBatch, Epochs: 2, Shuffle: true, Seed: 1}
	if _, err := backprop.Train(m, d, s); err != nil {
		t.Fatal(err)
	}
	if err := done(); err != nil {
		t.Fatal(err)
	}
	if _, err := backprop.Train(cpu, d, s); err != nil {
		t.Fatal(err)
	}
	// float64 on both sides: the same updates to rounding (gpu's tests bound it).
	got, want := net.ParamsTo(nil), cpu.ParamsTo(nil)
	var diff, size float64
	for i := range want {
		diff += (got[i] - want[i]) * (got[i] - want[i])
		size += want[i] * want[i]
	}
	if !(diff <= 1e-20*size) {
		t.Errorf("after done, the network's parameters are %.3g away from CPU training's (relative, squared)", diff/size)
	}
}

func TestDeviceFlag(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	dev := deviceFlag(fs)
	if err := fs.Parse([]string{"--device", "gpu"}); err != nil || *dev != "gpu" {
		t.Errorf("--device gpu parsed as %q, %v", *dev, err)
	}
	if got := noGPUReason(fmt.Errorf("gpu: %w", fmt.Errorf("%w: cannot open libcuda.so.1", cuda.ErrUnavailable))); got != "cannot open libcuda.so.1" {
		t.Errorf("noGPUReason = %q", got)
	}
	if got := noGPUReason(errors.New("other")); got != "other" {
		t.Errorf("noGPUReason(other) = %q", got)
	}
}

// fakeGPU returns an openGPU hook that opens package fakedriver's GPU, with Go bodies for
// the kernels, and the fake itself (tracing its launches), so that the GPU paths of the
// command run without a GPU. The test fails if the fake faults.
func fakeGPU(t *testing.T) (func() (*gpu.Device, func() error, error), *fakedriver.GPU) {
	t.Helper()
	g := fakedriver.New()
	fakedriver.InstallKernels(g)
	g.Trace(true)
	t.Cleanup(func() {
		if f := g.Fault(); f != nil {
			t.Errorf("the fake GPU faulted: %v", f)
		}
	})
	return func() (*gpu.Device, func() error, error) {
		ctx, err := g.Open()
		if err != nil {
			return nil, nil, err
		}
		d, err := gpu.OnContext(ctx)
		if err != nil {
			return nil, nil, errors.Join(err, ctx.Close())
		}
		return d, func() error { return errors.Join(d.Close(), ctx.Close()) }, nil
	}, g
}

// gradcheckOn runs the command with open as its GPU.
func gradcheckOn(open func() (*gpu.Device, func() error, error), args ...string) (stdout, stderr string, code int) {
	var o, e bytes.Buffer
	code = run(&env{stdout: &o, stderr: &e, openGPU: open}, args)
	return o.String(), e.String(), code
}

// check --device gpu checks the GPU's own gradient: on the fake GPU the kernels run (the
// launches are counted), the verdict is right, and the device is given back.
func TestCheckOnGPU(t *testing.T) {
	model, data := writeFixture(t, t.TempDir())
	open, g := fakeGPU(t)
	// complex and dual take the CPU network's extension as the exact reference.
	for _, method := range []string{"central", "richardson", "complex", "dual", "fast"} {
		out, errs, code := gradcheckOn(open, "check", "--model", model, "--data", data, "--device", "gpu", "--method", method)
		if code != 0 || errs != "" || !strings.Contains(out, "verdict: RIGHT") {
			t.Fatalf("%s: exit %d, stderr %q:\n%s", method, code, errs, out)
		}
	}
	if n := len(g.Launches()); n == 0 {
		t.Error("no kernel ran on the GPU")
	}
	if live, used := g.Live(), g.Used(); live != 0 || used != 0 {
		t.Errorf("after the check the fake GPU holds %d allocations, %d bytes", live, used)
	}
	if _, _, contexts := g.Held(); contexts != 0 {
		t.Errorf("after the check %d contexts are open", contexts)
	}
}

// A GPU whose activation-derivative kernel does nothing computes a wrong gradient (its
// cost is unchanged): check --device gpu must say so, with exit code 1, which shows it
// checks the GPU's gradient and not the CPU's.
func TestCheckOnGPUFindsWrongGradient(t *testing.T) {
	model, data := writeFixture(t, t.TempDir())
	open, g := fakeGPU(t)
	g.Define(kernels.F64.ActBwd, func(fakedriver.Mem, fakedriver.Launch) error { return nil })
	for _, method := range []string{"central", "complex"} {
		out, errs, code := gradcheckOn(open, "check", "--model", model, "--data", data, "--device", "gpu", "--method", method)
		if code != 1 || !strings.Contains(out, "verdict: WRONG") {
			t.Fatalf("%s: exit %d, stderr %q, want 1 and a wrong verdict:\n%s", method, code, errs, out)
		}
	}
}

func TestCheckDeviceErrors(t *testing.T) {
	dir := t.TempDir()
	model, data := writeFixture(t, dir)
	open, _ := fakeGPU(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--device", "tpu"}, `--device: unknown device "tpu"`},
		{[]string{"--device", "gpu", "--claimed", filepath.Join(dir, "g.json")}, "--device: a --claimed gradient was computed elsewhere"},
	} {
		args := append([]string{"check", "--model", model, "--data", data}, tc.args...)
		_, errs, code := gradcheckOn(open, args...)
		if code != 2 || !strings.Contains(errs, tc.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line with %q", tc.args, code, errs, tc.want)
		}
	}
}

// Without a GPU, check --device gpu says why on stderr and checks on the CPU.
func TestCheckNoGPU(t *testing.T) {
	model, data := writeFixture(t, t.TempDir())
	none := func() (*gpu.Device, func() error, error) {
		return nil, nil, fmt.Errorf("gpu: %w: cannot open libcuda.so.1", cuda.ErrUnavailable)
	}
	out, errs, code := gradcheckOn(none, "check", "--model", model, "--data", data, "--device", "gpu")
	if code != 0 || errs != "no GPU found: cannot open libcuda.so.1; computing on the CPU\n" || !strings.Contains(out, "verdict: RIGHT") {
		t.Errorf("exit %d, stderr %q:\n%s", code, errs, out)
	}
}
