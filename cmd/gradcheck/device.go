package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/gpu"
	"github.com/gradcheck/gradcheck/gpu/cuda"
)

// deviceFlag registers --device on fs and returns its value.
func deviceFlag(fs *flag.FlagSet) *string {
	return fs.String("device", "cpu", "compute on `cpu` or gpu (GPU 0, float64; without a GPU a note says why and the CPU computes)")
}

// modelOn returns the model that computes net's cost and gradient on device ("cpu" or
// "gpu"), and done, to call when finished with it: done copies the model's parameters
// back into net, so that net holds what training changed, and frees the device. On "gpu"
// without a usable GPU it prints "no GPU found: <reason>" on stderr and returns net, as
// for "cpu". An unknown device, or a GPU that fails, is an error.
func modelOn(e *env, device string, net *backprop.Network) (m backprop.Model, done func() error, err error) {
	switch strings.ToLower(strings.TrimSpace(device)) {
	case "", "cpu":
		return net, func() error { return nil }, nil
	case "gpu":
	default:
		return nil, nil, fmt.Errorf("--device: unknown device %q (want cpu or gpu)", device)
	}
	g, err := gpu.New(net, nil)
	if errors.Is(err, cuda.ErrUnavailable) {
		fmt.Fprintf(e.stderr, "no GPU found: %s; computing on the CPU\n", noGPUReason(err))
		return net, func() error { return nil }, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("--device gpu: %w", err)
	}
	return g, func() (err error) {
		defer func() {
			if r := recover(); r != nil { // ParamsTo panics if the device fails
				err = errors.Join(fmt.Errorf("--device gpu: %v", r), g.Close())
			}
		}()
		net.SetParams(g.ParamsTo(nil))
		return g.Close()
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
