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
	// Loss is the check of the claimed loss.
	Loss LossCheck
	// Hints are likely causes typical of a gradient from another framework,
	// beyond numgrad's.
	Hints []string
}

// OK reports whether the claim is right: the gradient passes and the loss
// is not wrong.
func (r *Report) OK() bool { return r.Gradient.OK() && r.Loss.Verdict != LossWrong }

// CheckFile checks the per-layer claim f (loss and gradient) of net's mean
// cost on b at net's parameters. A claim of the wrong shape is an error
// naming the layer (see [Flatten]); errors of net on b are returned.
func CheckFile(net *backprop.Network, b backprop.Batch, f *netio.GradientFile, s *Settings) (*Report, error) {
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
	if len(grad) != net.NumParams() {
		return nil, fmt.Errorf("the claimed gradient has %d components, the model %d parameters", len(grad), net.NumParams())
	}
	var set Settings
	if s != nil {
		set = *s
	}
	r := &Report{Loss: LossCheck{Claimed: loss, Verdict: LossUnchecked}}
	var err error
	if !set.NoLoss {
		if r.Loss, err = checkLoss(net, b, loss); err != nil {
			return nil, err
		}
	}
	if r.Gradient, err = numgrad.CheckClaimed(net, b, grad, set.Check); err != nil {
		return nil, err
	}
	r.Hints = hints(r.Gradient, net.Config())
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
	q := 1 / float64(out)
	for _, gr := range g.Groups {
		if gr.Failed > 0 && !(!math.IsNaN(gr.Ratio) && near(gr.Ratio, q)) {
			return nil
		}
	}
	return []string{fmt.Sprintf("every wrong group is off by 1/%d, one over the number of outputs: F.mse_loss(reduction='mean') averages over B·n_out entries; gradcheck's cost sums over the outputs and averages over the samples, ((ŷ − y)**2).sum(1).mean()", out)}
}
