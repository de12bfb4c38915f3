package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/gpu"
	"github.com/gradcheck/gradcheck/gpu/cuda"
	"github.com/gradcheck/gradcheck/netio"
)

// deviceFlag registers --device on fs and returns its value.
func deviceFlag(fs *flag.FlagSet) *string {
	return fs.String("device", "cpu", "the `DEVICE` that computes, cpu or gpu (GPU 0, in float64; without a GPU a note on stderr says why and the CPU computes)")
}

// parseDevice reports whether device, the value of --device, names the GPU:
// "gpu", or "cpu" (and "") for the CPU, in any case and with spaces around.
// Anything else is an error naming the flag.
func parseDevice(device string) (onGPU bool, err error) {
	switch strings.ToLower(strings.TrimSpace(device)) {
	case "", "cpu":
		return false, nil
	case "gpu":
		return true, nil
	}
	return false, fmt.Errorf("--device: unknown device %s (want cpu or gpu)", netio.Quote(device))
}

// openGPU opens GPU 0 (or e.openGPU's device) and returns it with what closes it.
// Without a usable GPU the error wraps cuda.ErrUnavailable.
func openGPU(e *env) (*gpu.Device, func() error, error) {
	if e.openGPU != nil {
		return e.openGPU()
	}
	d, err := gpu.Open(0)
	if err != nil {
		return nil, nil, err
	}
	return d, d.Close, nil
}

// modelOn returns the model that computes net's cost and gradient on device ("cpu" or
// "gpu"), and done, to call when finished with it: done copies the model's parameters
// back into net, so that net holds what training changed, and frees the device. On "gpu"
// without a usable GPU it prints "no GPU found: <reason>" on stderr and returns net, as
// for "cpu". An unknown device, or a GPU that fails, is an error.
func modelOn(e *env, device string, net *backprop.Network) (m backprop.Model, done func() error, err error) {
	if onGPU, err := parseDevice(device); err != nil || !onGPU {
		return net, func() error { return nil }, err
	}
	dev, closeDev, err := openGPU(e)
	if errors.Is(err, cuda.ErrUnavailable) {
		fmt.Fprintf(e.stderr, "no GPU found: %s; computing on the CPU\n", noGPUReason(err))
		return net, func() error { return nil }, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("--device gpu: %w", err)
	}
	g, err := gpu.New(net, &gpu.Settings{Device: dev})
	if err != nil {
		return nil, nil, errors.Join(fmt.Errorf("--device gpu: %w", err), closeDev())
	}
	return g, func() (err error) {
		defer func() {
			if r := recover(); r != nil { // ParamsTo panics if the device fails
				err = errors.Join(fmt.Errorf("--device gpu: %v", r), g.Close(), closeDev())
			}
		}()
		net.SetParams(g.ParamsTo(nil))
		return errors.Join(g.Close(), closeDev())
	}, nil
}

// noGPUReason returns the reason an error wrapping cuda.ErrUnavailable gives, without the
// packages' prefixes: "cannot open libcuda.so.1: …".
func noGPUReason(err error) string {
	s := err.Error()
	if _, after, ok := strings.Cut(s, cuda.ErrUnavailable.Error()+": "); ok {
		return after
	}
	return s
}
