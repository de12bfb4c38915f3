package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/netio"
	"github.com/gradcheck/gradcheck/numgrad"
)

func init() {
	register(&command{name: "check", summary: "check a model's gradient on a dataset, per layer; exit 1 if it is wrong", run: runCheck})
}

// checkFlags are the flags that choose how a gradient is checked.
type checkFlags struct {
	method      string
	projections int
	seed        uint64
	step        float64
	asJSON      bool
}

func (c *checkFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.method, "method", "central", "how to differentiate numerically: central, richardson, complex, dual or fast")
	fs.IntVar(&c.projections, "projections", numgrad.DefaultProjections, "number `k` of random directions of --method fast")
	fs.Uint64Var(&c.seed, "seed", 1, "seed `S` of the noise estimate and the fast check's directions")
	fs.Float64Var(&c.step, "step", 0, "relative step `c` (h = c·max(1,|θ|); 0: the method's default)")
	fs.BoolVar(&c.asJSON, "json", false, "print the report as JSON (with the replay record)")
}

// settings validates the flags; an error names the flag.
func (c *checkFlags) settings() (*numgrad.CheckSettings, error) {
	m, err := numgrad.ParseMethod(c.method)
	if err != nil && len(c.method) > netio.MaxQuote {
		// numgrad quotes the value whole; a long one is named by its prefix.
		return nil, fmt.Errorf("--method: unknown method %s (want central, richardson, complex, dual or fast)", netio.Quote(c.method))
	}
	if err != nil {
		return nil, fmt.Errorf("--method: %w", err)
	}
	switch {
	case c.projections <= 0:
		return nil, fmt.Errorf("--projections: %d must be a positive number of directions", c.projections)
	case c.step < 0 || math.IsNaN(c.step) || math.IsInf(c.step, 0) || c.step >= 1:
		return nil, fmt.Errorf("--step: %v must lie in [0, 1) (0: the method's default)", c.step)
	}
	return &numgrad.CheckSettings{Method: m, Projections: c.projections, Seed: c.seed, Step: c.step, Concurrent: true}, nil
}

func runCheck(e *env, args []string) error {
	fs := newFlags(e, "check", "--model M --data D [--claimed G] [--method central|richardson|complex|dual|fast] [--projections k] [--seed S] [--step c] [--device cpu|gpu] [--json]")
	var in inputs
	var cf checkFlags
	in.register(fs)
	cf.register(fs)
	claimedPath := registerClaimed(fs)
	device := fs.String("device", "cpu", "check the gradient computed on `cpu` or gpu (GPU 0, float64, its cost differentiated numerically; without a GPU a note says why and the CPU computes)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	s, err := cf.settings()
	if err != nil {
		return err
	}
	onGPU, err := parseDevice(*device)
	if err != nil {
		return err
	}
	if *claimedPath != "" && onGPU {
		return errors.New("--device: a --claimed gradient was computed elsewhere; only the model's own gradient is computed on a device")
	}
	ld, err := in.load(e, cf.job(s, *claimedPath != ""))
	if err != nil {
		return err
	}
	net, d := ld.net, ld.data
	if *claimedPath != "" {
		return checkClaimedFile(e, net, d, *claimedPath, s, cf.asJSON)
	}
	m, done, err := modelOn(e, *device, net)
	if err != nil {
		return err
	}
	b := backprop.All(d)
	if m != backprop.Model(net) && s.Reference == nil {
		// A GPU model has no complex or dual extension; the exact reference is the
		// CPU network's of the same function at the same parameters.
		switch s.Method {
		case numgrad.MethodComplex:
			s.Reference = numgrad.NetworkComplexStep(net, b)
		case numgrad.MethodDual:
			s.Reference = numgrad.NetworkDual(net, b)
		}
	}
	r, err := numgrad.CheckModel(m, b, s)
	if err = errors.Join(err, done()); err != nil {
		return err
	}
	if cf.asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else if err := r.WriteTable(e.stdout, ""); err != nil {
		return err
	}
	if !r.OK() {
		return errCheckFailed
	}
	return nil
}

// checkGradient checks a gradient of net's mean cost on b: claimed, if not
// nil (a gradient computed elsewhere, read from a file), otherwise the
// network's own backpropagation gradient.
func checkGradient(net *backprop.Network, b backprop.Batch, claimed []float64, s *numgrad.CheckSettings) (*numgrad.Report, error) {
	if claimed == nil {
		return numgrad.CheckModel(net, b, s)
	}
	if len(claimed) != net.NumParams() {
		return nil, fmt.Errorf("the claimed gradient has %d components, the model %d parameters", len(claimed), net.NumParams())
	}
	return numgrad.CheckClaimed(net, b, claimed, s)
}

// defaultCheck checks the backpropagation gradient of net on d by central
// differences (numgrad's default check: tolerances derived per component
// from the noise of the cost, the step and a truncation estimate, a step
// sweep for components that do not agree at once), prints the per-layer
// table and reports whether the gradient is right.
func defaultCheck(e *env, net *backprop.Network, d *backprop.Dataset) (bool, error) {
	r, err := checkGradient(net, backprop.All(d), nil, &numgrad.CheckSettings{Concurrent: true})
	if err != nil {
		return false, err
	}
	if err := r.WriteTable(e.stdout, "   "); err != nil {
		return false, err
	}
	return r.OK(), nil
}
