package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/netio"
	"github.com/gradcheck/gradcheck/numgrad"
)

func init() {
	register(&command{name: "check", summary: "check a model's gradient, or a claimed one, on a dataset, per layer",
		usage: "--model M --data D [--claimed G] [flags]",
		about: `Checks the gradient of the cost C of the model file M on the dataset D, the
mean over D's samples of each sample's error: by default the model's own
backpropagation gradient; with --claimed G, a loss and gradient computed
elsewhere (PyTorch, your own code); with --device gpu, the GPU's. Each
component is compared with a numerical estimate and the estimate's error
bound, and is pass, FAIL, kink (at a ReLU kink, agreeing with its one-sided
derivative), non-finite, undecided (the evidence cannot tell) or
nondeterministic. The report is a table per layer, weights and biases apart,
the worst component of each failing group, the likely cause, and a verdict:

  RIGHT                             no component is wrong       exit 0
  RIGHT where decided, N undecided  none is wrong, N undecided  exit 0 (1 with
                                    (a warning names them)      --strict)
  WRONG                             a component is wrong; the   exit 1
                                    report says where the
                                    error enters
`,
		seeAlso: []string{"model", "dataset", "claimed", "json"},
		run:     runCheck})
}

// checkFlags are the flags that choose how a gradient is checked.
type checkFlags struct {
	method      string
	projections int
	seed        uint64
	step        float64
	precision   string
	strict      bool
	asJSON      bool
}

func (c *checkFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.method, "method", "central", "the `METHOD` of numerical differentiation: central, richardson, complex (the complex step), dual (dual numbers: exact) or fast (random projections, then central where one disagrees)")
	fs.IntVar(&c.projections, "projections", numgrad.DefaultProjections, "number `K` of random directions of --method fast")
	fs.Uint64Var(&c.seed, "seed", 1, "seed `S` of the noise estimate and the fast check's directions")
	fs.Float64Var(&c.step, "step", 0, "relative step `C` (h = C·max(1,|θ|); 0: the method's default)")
	fs.StringVar(&c.precision, "claimed-precision", "float64", "the precision `P` the claimed gradient was computed in, float64 or float32, which sets its rounding allowance (the cost is still evaluated in float64)")
	fs.BoolVar(&c.strict, "strict", false, "fail (exit 1) when a component is undecided, not only when one is wrong")
	fs.BoolVar(&c.asJSON, "json", false, "print the report as JSON, with the record that replays it ('gradcheck help json')")
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
	var claimEps float64
	switch strings.ToLower(strings.TrimSpace(c.precision)) {
	case "float64", "f64", "double":
		claimEps = numgrad.Float64
	case "float32", "f32", "single":
		claimEps = numgrad.Float32
	default:
		return nil, fmt.Errorf("--claimed-precision: unknown precision %q (want float64 or float32)", c.precision)
	}
	return &numgrad.CheckSettings{Method: m, Projections: c.projections, Seed: c.seed, Step: c.step, ClaimEps: claimEps, Strict: c.strict, Concurrent: true}, nil
}

func runCheck(e *env, args []string) error {
	fs := newFlags(e, "check")
	var in inputs
	var cf checkFlags
	in.register(fs)
	cf.register(fs)
	claimedPath := registerClaimed(fs)
	device := fs.String("device", "cpu", "the `DEVICE` that computes the gradient checked, cpu or gpu (GPU 0, in float64, as a claim about the model file's cost; without a GPU a note on stderr says why and the CPU computes)")
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
	var r *numgrad.Report
	if m == backprop.Model(net) {
		r, err = numgrad.CheckModel(net, b, s)
	} else {
		// The GPU's gradient is a claim about the model file's function, which
		// the CPU network computes: it is checked as the CPU's own would be,
		// with everything the network declares, and computed twice on the
		// device to see that it is deterministic.
		r, err = checkOnDevice(m, net, b, s)
	}
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

// checkOnDevice checks the gradient that m (a device's model of net)
// computes at net's parameters as a claim about net's cost.
func checkOnDevice(m backprop.Model, net *backprop.Network, b backprop.Batch, s *numgrad.CheckSettings) (*numgrad.Report, error) {
	p, err := numgrad.ClaimOf(net, m, b)
	if err != nil {
		return nil, err
	}
	return numgrad.CheckProblem(p, s)
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
