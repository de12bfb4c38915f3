package reports

import (
	"fmt"
	"image/color"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/numgrad/naive"
)

// The methods a sweep can time, by name.
const (
	Backprop    = "backprop"     // backprop.Network.Gradient: the chain rule, the reference
	ForwardPass = "forward-pass" // backprop.Network.Cost: one forward pass, for the cheap-gradient ratio
	FDForward   = "fd-forward"   // naive.FiniteDifferences with numgrad.Forward: W+1 passes
	FDCentral   = "fd-central"   // naive.FiniteDifferences with numgrad.Central: 2W passes
	Dual        = "forward-mode" // naive.ForwardMode: W dual passes
	Paths       = "paths"        // naive.PathEnumeration: a sum over every path, per weight
	GPUBackprop = "gpu-backprop" // the GPU hook's gradient (see GPU)
)

// method is one way of computing the gradient that a sweep times.
type method struct {
	name, label string
	color       color.RGBA
	// wall times the method by the wall clock even where CPU time is
	// available: a device works while the CPU waits.
	wall bool
	// work is the closed-form count of one call.
	work func(cfg backprop.Config, batch int) naive.Count
	// prepare returns a function that computes one gradient of net on b
	// and adds its work to c.
	prepare func(net *backprop.Network, b backprop.Batch) (func(c *naive.Count) error, error)
}

// methods are every CPU method, in the order of the tables. The colours
// are the same in every figure (a colour-blind-safe palette, Wong 2011).
var methods = []method{
	{Backprop, "backprop (chain rule)", color.RGBA{0, 114, 178, 255}, false, naive.ChainRuleWork,
		func(net *backprop.Network, b backprop.Batch) (func(*naive.Count) error, error) {
			dst := make([]float64, net.NumParams())
			return func(c *naive.Count) error {
				_, err := naive.ChainRule(dst, net, b, c)
				return err
			}, nil
		}},
	{ForwardPass, "forward pass (cost only)", color.RGBA{120, 120, 120, 255}, false, naive.ForwardWork,
		func(net *backprop.Network, b backprop.Batch) (func(*naive.Count) error, error) {
			w := naive.ForwardWork(net.Config(), b.Len())
			return func(c *naive.Count) error {
				_, err := net.Cost(b)
				c.Add(w)
				return err
			}, nil
		}},
	{FDForward, "finite differences, forward (W+1 passes)", color.RGBA{230, 159, 0, 255}, false, fdWork(numgrad.Forward), fd(numgrad.Forward)},
	{FDCentral, "finite differences, central (2W passes)", color.RGBA{213, 94, 0, 255}, false, fdWork(numgrad.Central), fd(numgrad.Central)},
	{Dual, "forward mode, dual numbers (W passes)", color.RGBA{0, 158, 115, 255}, false, naive.ForwardModeWork,
		func(net *backprop.Network, b backprop.Batch) (func(*naive.Count) error, error) {
			dst := make([]float64, net.NumParams())
			return func(c *naive.Count) error {
				_, err := naive.ForwardMode(dst, net, b, c)
				return err
			}, nil
		}},
	{Paths, "path enumeration (sum over paths)", color.RGBA{204, 121, 167, 255}, false, naive.PathEnumerationWork,
		func(net *backprop.Network, b backprop.Batch) (func(*naive.Count) error, error) {
			dst := make([]float64, net.NumParams())
			// The sweep's own time budget decides what runs; the package's
			// default path limit would refuse sizes the budget allows.
			s := &naive.Settings{MaxPaths: 1 << 62}
			return func(c *naive.Count) error {
				_, err := naive.PathEnumeration(dst, net, b, c, s)
				return err
			}, nil
		}},
}

// gpuMethod returns the method that times g's gradient; its work is the
// chain rule's.
func gpuMethod(g GPU) method {
	return method{GPUBackprop, "backprop on the GPU (" + g.Name() + ")", color.RGBA{86, 180, 233, 255}, true, naive.ChainRuleWork,
		func(net *backprop.Network, b backprop.Batch) (func(*naive.Count) error, error) {
			grad, err := g.Prepare(net, b)
			if err != nil {
				return nil, fmt.Errorf("GPU: %w", err)
			}
			dst := make([]float64, net.NumParams())
			w := naive.ChainRuleWork(net.Config(), b.Len())
			return func(c *naive.Count) error {
				c.Add(w)
				return grad(dst)
			}, nil
		}}
}

func fdWork(f numgrad.Formula) func(backprop.Config, int) naive.Count {
	return func(c backprop.Config, batch int) naive.Count { return naive.FiniteDifferencesWork(c, batch, f) }
}

func fd(f numgrad.Formula) func(*backprop.Network, backprop.Batch) (func(*naive.Count) error, error) {
	return func(net *backprop.Network, b backprop.Batch) (func(*naive.Count) error, error) {
		dst := make([]float64, net.NumParams())
		s := &naive.Settings{Formula: f}
		return func(c *naive.Count) error {
			_, err := naive.FiniteDifferences(dst, net, b, c, s)
			return err
		}, nil
	}
}

// methodByName returns the method called name among ms.
func methodByName(ms []method, name string) (method, bool) {
	for _, m := range ms {
		if m.name == name {
			return m, true
		}
	}
	return method{}, false
}

// GPU is the hook through which the GPU port adds its columns to the
// report. When Settings.GPU is set, every sweep also times the gradient it
// computes, as the method "gpu-backprop", and the machine section names the
// device; when it is nil the report says that no GPU was found.
type GPU interface {
	// Name describes the device, for instance "NVIDIA H100 (CUDA 13.0)".
	Name() string
	// Prepare copies net's parameters and b's samples to the device and
	// returns a function that computes the gradient of the mean cost into
	// dst (len(dst) = net.NumParams()), synchronously.
	Prepare(net *backprop.Network, b backprop.Batch) (func(dst []float64) error, error)
}
