package properties_test

import (
	"math"
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/properties"
)

// blindReLU is a user's own ReLU network ŷ = V·relu(W x + b) + c with the
// squared error, written by hand and declaring nothing to numgrad: no
// pieces, no term scale, no extensions. Its parameters are W (h×in), b (h),
// V (1×h), c. Its gradient is right, with relu′(0) = 0.
type blindReLU struct {
	in, h int
	theta []float64
}

func (m *blindReLU) NumParams() int { return len(m.theta) }
func (m *blindReLU) ParamsTo(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(m.theta))
	}
	copy(dst, m.theta)
	return dst
}
func (m *blindReLU) SetParams(src []float64) { copy(m.theta, src) }
func (m *blindReLU) Cost(b backprop.Batch) (float64, error) {
	return m.Gradient(make([]float64, len(m.theta)), b)
}
func (m *blindReLU) Gradient(dst []float64, b backprop.Batch) (float64, error) {
	clear(dst)
	in, h := m.in, m.h
	W, bias, V, c := m.theta[:h*in], m.theta[h*in:h*in+h], m.theta[h*in+h:h*in+2*h], m.theta[h*in+2*h]
	n := float64(b.Len())
	var cost float64
	z := make([]float64, h)
	for s := range b.Len() {
		x, y := b.Sample(s)
		out := c
		for j := range h {
			z[j] = bias[j]
			for i := range in {
				z[j] += W[j*in+i] * x[i]
			}
			out += V[j] * math.Max(z[j], 0)
		}
		r := out - y[0]
		cost += r * r / n
		d := 2 * r / n
		dst[h*in+2*h] += d
		for j := range h {
			dst[h*in+h+j] += d * math.Max(z[j], 0)
			if z[j] > 0 {
				dz := d * V[j]
				dst[h*in+j] += dz
				for i := range in {
					dst[j*in+i] += dz * x[i]
				}
			}
		}
	}
	return cost, nil
}

// blindReLUs draws blindReLU models of 1–3 inputs and 1–4 hidden units with
// parameters that are often exactly 0 or 1, as rapid's shrinking produces.
func blindReLUs() properties.Factory {
	return func(t *rapid.T) properties.Subject {
		in, h := rapid.IntRange(1, 3).Draw(t, "in"), rapid.IntRange(1, 4).Draw(t, "h")
		m := &blindReLU{in: in, h: h, theta: properties.Params(h*in+2*h+1, properties.Weight()).Draw(t, "θ")}
		return properties.Subject{Model: m, In: in, Out: 1}
	}
}

// A correct ReLU network that declares no pieces agrees with numgrad on the
// examples of 500 seeds and on the cases rapid once shrank to, where
// numgrad called it wrong (θ = [0, 1, 0, …] with x = (−1.5, 1.19e-7); W = 0
// with x = 9.5e-7): kinks without piece information may be Undecided,
// never failed.
func TestBlindReLUAgreesWithNumgrad(t *testing.T) {
	t.Parallel()
	var agrees properties.Property
	for _, p := range properties.Properties {
		if p.Name == "AgreesWithNumgrad" {
			agrees = p
		}
	}
	if seed, msg, failed := properties.Falsify(agrees.Prop(blindReLUs(), nil), 500); failed {
		t.Errorf("seed %d: %s", seed, msg)
	}
	for _, tc := range []struct {
		name  string
		theta []float64
		x     []float64
	}{
		{"θ = [0, 1, 0, …]", []float64{0, 1, 0, 0, 0, 0, 0, 0, 0}, []float64{-1.5, 1.19e-7}},
		{"W = 0", []float64{0, 0, 0, 0, 0.5, -0.25, 1, 0.3, 0.1}, []float64{9.5e-7, 9.5e-7}},
	} {
		m := &blindReLU{in: 2, h: 2, theta: tc.theta}
		prop := func(rt *rapid.T) {
			properties.AgreesWithNumgrad(rt, func(*rapid.T) properties.Subject {
				return properties.Subject{Model: &blindReLU{in: 2, h: 2, theta: append([]float64(nil), m.theta...)}, In: 2, Out: 1,
					Inputs: rapid.Just(tc.x), Targets: rapid.Just([]float64{0.5})}
			}, nil)
		}
		if seed, msg, failed := properties.Falsify(prop, 20); failed {
			t.Errorf("%s: seed %d: %s", tc.name, seed, msg)
		}
	}
}
