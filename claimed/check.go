package claimed

import (
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/netio"
	"github.com/gradcheck/gradcheck/numgrad"
)

// Settings configures [Check] and [CheckFile]. A nil *Settings means every
// default.
type Settings struct {
	// Check configures the gradient check (nil: numgrad's defaults, central
	// differences).
	Check *numgrad.CheckSettings
	// NoLoss skips the loss check, for a claim without a loss; the loss
	// argument of Check is then ignored.
	NoLoss bool
}

// Report is the verdict on a claimed loss and gradient.
type Report struct {
	// Gradient is numgrad's report on the claimed gradient: per component,
	// per layer and group, where the error enters, likely causes.
	Gradient *numgrad.Report
	// Loss is the check of the claimed loss; nil when it was not checked
	// (Settings.NoLoss).
	Loss *LossCheck
	// Hints are likely causes typical of a gradient from another framework,
	// beyond numgrad's.
	Hints []string
}

// OK reports whether the claim is right: the gradient passes (see
// numgrad.Report.OK) and the loss, if checked, is not wrong (nor, in a
// strict check, undecided).
func (r *Report) OK() bool {
	if !r.Gradient.OK() || r.Loss == nil {
		return r.Gradient.OK()
	}
	return !r.Loss.Status.Failed() && !(r.Gradient.Strict && r.Loss.Status == numgrad.Undecided)
}

// CheckFile checks the per-layer claim f (loss and gradient) of net's mean
// cost on b at net's parameters. A claim of the wrong shape is an error
// naming the layer (see [Flatten]); errors of net on b are returned.
func CheckFile(net *backprop.Network, b backprop.Batch, f *netio.GradientFile, s *Settings) (*Report, error) {
	if net == nil || f == nil {
		panic("claimed: CheckFile: nil network or claim")
	}
	g, err := Flatten(net, f)
	if err != nil {
		return nil, err
	}
	return Check(net, b, g, f.Loss, s)
}

// Check checks the claimed gradient grad (backprop's flat order) and loss
// of net's mean cost on b at net's parameters. grad and net are not
// modified. A grad of the wrong length is an error; NaN or ±Inf in grad or
// loss are not errors but fail the report.
func Check(net *backprop.Network, b backprop.Batch, grad []float64, loss float64, s *Settings) (*Report, error) {
	if net == nil {
		panic("claimed: Check: nil network")
	}
	if len(grad) != net.NumParams() {
		return nil, fmt.Errorf("the claimed gradient has %d components, the model %d parameters", len(grad), net.NumParams())
	}
	var set Settings
	if s != nil {
		set = *s
	}
	r := &Report{}
	if !set.NoLoss {
		u := numgrad.Float64
		if set.Check != nil && set.Check.ClaimEps > 0 {
			u = set.Check.ClaimEps
		}
		l, err := checkLoss(net, b, loss, u)
		if err != nil {
			return nil, err
		}
		r.Loss = &l
	}
	var err error
	if r.Gradient, err = numgrad.CheckClaimed(net, b, grad, set.Check); err != nil {
		return nil, err
	}
	r.Hints = hints(r.Gradient, net.Config())
	if len(r.Hints) > 0 {
		// The framework's hint names what numgrad's factor ½ or 1/n_out
		// is: numgrad's own reading of the factor goes.
		r.Gradient.Causes = nil
		for g := range r.Gradient.Groups {
			r.Gradient.Groups[g].Cause = ""
		}
	}
	return r, nil
}

// hints recognises a factor that every failing group shares and that
// numgrad does not name: 1/n_out under the squared error, the mark of
// F.mse_loss's mean over B·n_out.
func hints(g *numgrad.Report, c backprop.Config) []string {
	out := c.Sizes[len(c.Sizes)-1]
	if c.Loss != backprop.SquaredError || out == 1 || g.Failed == 0 {
		return nil
	}
	// Every failing component with a clear estimate (one far above its
	// tolerance; the others may sit at a kink) shows the ratio 1/n_out.
	q := 1 / float64(out)
	n := 0
	for _, c := range g.Components {
		if c.Status != numgrad.Fail || !(math.Abs(c.Estimate) > 8*c.Tol) {
			continue
		}
		if !near(c.Ratio(), q) {
			return nil
		}
		n++
	}
	if n == 0 {
		return nil
	}
	return []string{fmt.Sprintf("every wrong group is off by 1/%d, one over the number of outputs: F.mse_loss(reduction='mean') averages over B·n_out entries; gradcheck's cost sums over the outputs and averages over the samples, ((ŷ − y)**2).sum(1).mean()", out)}
}
