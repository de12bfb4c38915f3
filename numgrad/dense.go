package numgrad

import (
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad/netfd"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
)

// denseStencil sets p.Stencil from a Dense declaration, after checking that
// the declared network computes m's cost at θ bit for bit (same reports
// the mismatch and returns false otherwise).
func denseStencil(p *Problem, d Dense, b backprop.Batch, f0 float64, same func(string, float64) bool) error {
	net := d.DenseNetwork()
	if net == nil {
		return nil
	}
	if net.NumParams() != len(p.X) {
		p.notes = append(p.notes, "the model's DenseNetwork has another number of parameters: not used")
		return nil
	}
	c := net.Clone()
	theta := append([]float64(nil), p.X...)
	c.SetParams(theta)
	v, err := c.Cost(b)
	if err != nil {
		return err
	}
	if !same("DenseNetwork", v) {
		return nil
	}
	p.Rounding = func() (float64, error) {
		ref, err := runerr.Cost(c, theta, b)
		if err != nil || !(ref.Rel <= runerr.MaxRel) || ref.Overflow {
			return math.NaN(), err
		}
		// The bound holds for runerr's order of evaluation; backprop's
		// may differ from it by Slack times as much (see runerr).
		return ref.Slack * ref.CostErr, nil
	}
	p.Stencil = func(fp, fm []float64, cross []uint8, step float64, idx []int) error {
		c.SetParams(theta)
		return netfd.Stencil(fp, fm, cross, c, b, &netfd.Settings{Step: step, Indices: idx})
	}
	return nil
}

// The crossing bits of Problem.Stencil.
const (
	crossPlus  = netfd.CrossPlus
	crossMinus = netfd.CrossMinus
)
