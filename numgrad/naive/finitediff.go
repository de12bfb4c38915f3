package naive

import (
	"errors"
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// FiniteDifferences sets dst_i ≈ ∂C/∂θ_i on b by the settings' formula
// (default numgrad.Central), one parameter at a time:
//
//	∂C/∂θ_i ≈ Σ_k Coeff_k·C(θ + Loc_k·h_i·e_i) / h_i,   h_i = fl(θ_i + Step·max(1, |θ_i|)) − θ_i,
//
// each C a whole forward pass over the batch. A stencil point at Loc = 0 is
// the unperturbed cost, evaluated once and shared by every parameter, so
// numgrad.Forward costs W + 1 passes and numgrad.Central 2W for W
// parameters. The step is rounded so that θ_i + h_i is a float64 and the
// displacement is exactly the h_i divided by.
//
// It allocates dst if nil and returns it; it panics if len(dst) is not
// net.NumParams(). The network is not modified. The work is added to c.
func FiniteDifferences(dst []float64, net *backprop.Network, b backprop.Batch, c *Count, s *Settings) ([]float64, error) {
	sh := shapeOf(net)
	if err := sh.checkBatch(b); err != nil {
		return nil, err
	}
	form, step, err := formulaOf(s)
	if err != nil {
		return nil, err
	}
	dst = dstFor(dst, net)
	theta := net.ParamsTo(nil)
	p := newPass(sh, b)
	cost := func() float64 {
		p.forward(theta, c)
		return p.cost(b)
	}
	var centre float64
	if hasCentre(form) {
		centre = cost()
	}
	for i, ti := range theta {
		h := float64(ti+step*math.Max(1, math.Abs(ti))) - ti
		var sum float64
		for _, pt := range form.Stencil {
			f := centre
			if pt.Loc != 0 {
				theta[i] = ti + pt.Loc*h
				f = cost()
				theta[i] = ti
			}
			sum += pt.Coeff * f
		}
		dst[i] = sum / h
	}
	return dst, nil
}

// formulaOf returns the settings' formula and relative step, checked.
func formulaOf(s *Settings) (numgrad.Formula, float64, error) {
	form := numgrad.Central
	var step float64
	if s != nil {
		if s.Formula.Stencil != nil {
			form = s.Formula
		}
		step = s.Step
	}
	if step == 0 {
		step = form.Step
	}
	if !(step > 0) || math.IsInf(step, 0) {
		return form, 0, fmt.Errorf("naive: finite-difference step %v must be positive and finite", step)
	}
	off := 0
	for _, pt := range form.Stencil {
		if pt.Loc != 0 {
			off++
		}
	}
	if off == 0 {
		return form, 0, errors.New("naive: the finite-difference stencil has no point off the centre")
	}
	return form, step, nil
}

// hasCentre reports whether the stencil evaluates f at Loc = 0.
func hasCentre(f numgrad.Formula) bool {
	for _, pt := range f.Stencil {
		if pt.Loc == 0 {
			return true
		}
	}
	return false
}

// dstFor returns dst, allocated if nil, after checking its length.
func dstFor(dst []float64, net *backprop.Network) []float64 {
	if dst == nil {
		return make([]float64, net.NumParams())
	}
	if len(dst) != net.NumParams() {
		panic(fmt.Sprintf("naive: len(dst) = %d, want %d parameters", len(dst), net.NumParams()))
	}
	return dst
}
