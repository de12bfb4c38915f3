package vector

import (
	"math"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

func softmaxFn() *Function {
	return &Function{In: backprop.NamedLayout(backprop.NamedBlock("z", 4)), Out: backprop.NamedLayout(backprop.NamedBlock("p", 4)),
		F: func(dst, x []float64) error {
			m := x[0]
			for _, v := range x {
				m = math.Max(m, v)
			}
			s := 0.0
			for i, v := range x {
				dst[i] = math.Exp(v - m)
				s += dst[i]
			}
			for i := range dst {
				dst[i] /= s
			}
			return nil
		}}
}

func TestSmoke(t *testing.T) {
	fn := softmaxFn()
	x := []float64{0.3, -1.2, 2, 0.5}
	p := make([]float64, 4)
	vjp := func(dst, x, dy []float64) error {
		fn.F(p, x)
		d := 0.0
		for i := range p {
			d += p[i] * dy[i]
		}
		for i := range p {
			dst[i] = p[i] * (dy[i] - d)
		}
		return nil
	}
	r, err := CheckVJP(fn, x, vjp, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r)
	r, _ = CheckVJP(fn, x, vjp, &Settings{Full: true})
	t.Log(r)
	jvp := func(dst, x, dx []float64) error {
		fn.F(p, x)
		d := 0.0
		for i := range p {
			d += p[i] * dx[i]
		}
		for i := range p {
			dst[i] = p[i] * (dx[i] - d) * 1.001
		}
		return nil
	}
	r, _ = CheckJVP(fn, x, jvp, nil)
	t.Log(r)
}

func TestSmokeHVP(t *testing.T) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{3, 4, 3}, Activations: []backprop.Activation{backprop.Tanh, backprop.Identity}, Loss: backprop.SoftmaxCrossEntropy, Seed: 3})
	d := &backprop.Dataset{N: 2, In: 3, Out: 3, X: []float64{0.1, -0.5, 0.7, 1, 0.2, -0.3}, Y: []float64{1, 0, 0, 0, 0, 1}}
	b := backprop.All(d)
	p, err := NetworkHVP(net, b)
	if err != nil {
		t.Fatal(err)
	}
	hvp := func(dst, x, v []float64) error {
		net.SetParams(x)
		_, err := net.HessianVector(dst, v, b)
		return err
	}
	r, err := CheckHVP(p, hvp, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r)
	r, err = CheckHVP(p, func(dst, x, v []float64) error {
		hvp(dst, x, v)
		dst[3] *= 1.01
		return nil
	}, &Settings{CheckSettings: numgrad.CheckSettings{Method: numgrad.MethodDual}})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r)
}
