package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/datasets"
	"github.com/gradcheck/gradcheck/gpu"
	"github.com/gradcheck/gradcheck/gpu/cuda"
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
