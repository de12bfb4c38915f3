package soundness

import (
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// Kind is the Go type behind a case's model: what it declares to the
// checker decides which aids the problem gets, never the verdict's
// soundness.
type Kind int

const (
	// KindNetwork is the *backprop.Network itself: it declares everything
	// (layout, pieces, term scale, complex and dual extensions, clones,
	// the dense stencil).
	KindNetwork Kind = iota
	// KindEmbedded is a struct that embeds *backprop.Network ([Embedded]):
	// it declares everything the network declares.
	KindEmbedded
	// KindHidden keeps the network in a named field ([Hidden]) and forwards
	// the five Model methods only: it declares nothing.
	KindHidden
	// KindHand is a hand-written MLP ([Hand]): its own forward and backward
	// in plain loops, its own parameter layout, and its forward pass
	// written once more over backprop.Scalar, as the README tells a user
	// to for an exact reference: it declares its complex and dual
	// extensions (in its own order of evaluation) and nothing else — no
	// layout, no pieces, no term scale, so the checker knows neither its
	// arithmetic nor its extensions' rounding. (The model that declares
	// nothing at all is KindHidden.)
	KindHand
	// KindHandSigned is the same model with a [numgrad.Signs] piece
	// recorder exposed as its Piece method ([HandSigned]) besides.
	KindHandSigned
	numKinds
)

var kindNames = [numKinds]string{"network", "embedded", "hidden", "hand", "hand+signs"}

func (k Kind) String() string {
	if k < 0 || k >= numKinds {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// goName is the constant's name in a reproducer.
func (k Kind) goName() string {
	return [numKinds]string{"KindNetwork", "KindEmbedded", "KindHidden", "KindHand", "KindHandSigned"}[k]
}

// Embedded is a user's model that embeds a *backprop.Network: it declares
// every aid the network declares, through the embedding.
type Embedded struct{ *backprop.Network }

// Hidden is a user's model that keeps a *backprop.Network in a named field
// and forwards only the backprop.Model methods: the checker sees a black
// box with no layout, no pieces, no extension and no term scale.
type Hidden struct{ net *backprop.Network }

func (h *Hidden) NumParams() int                         { return h.net.NumParams() }
func (h *Hidden) ParamsTo(dst []float64) []float64       { return h.net.ParamsTo(dst) }
func (h *Hidden) SetParams(src []float64)                { h.net.SetParams(src) }
func (h *Hidden) Cost(b backprop.Batch) (float64, error) { return h.net.Cost(b) }
func (h *Hidden) Gradient(dst []float64, b backprop.Batch) (float64, error) {
	return h.net.Gradient(dst, b)
}

// HandLayout is how a [Hand] model lays out its parameters. Neither is
// required to match backprop's: the checker must not care.
type HandLayout int

const (
	// RowMajor is backprop's layout: per layer, the weights row by row (the
	// weights into unit j together), then the biases.
	RowMajor HandLayout = iota
	// BiasFirstColMajor puts each layer's biases first, then its weights
	// column by column (the weights out of input k together).
	BiasFirstColMajor
)

func (l HandLayout) goName() string {
	if l == RowMajor {
		return "RowMajor"
	}
	return "BiasFirstColMajor"
}

// Hand is a multilayer perceptron written by hand, as a user would write
// one: float64 loops, a per-sample forward pass that sums z = Σ_k w·a
// first and adds the bias last (backprop adds the dot product to the
// bias, so the two round differently), a backward pass by the chain rule,
// activations Identity, ReLU, LeakyReLU and Tanh, squared error
// Σ(a − y)² or softmax cross-entropy, the mean over the batch. It is not a
// backprop.Network; it declares its complex and dual extensions (handCost,
// handext.go) and nothing else; it keeps a numgrad.Signs of its kinks for
// [HandSigned], and for the suite's oracle.
type Hand struct {
	sizes  []int
	acts   []backprop.Activation
	loss   backprop.Loss
	layout HandLayout
	theta  []float64
	signs  numgrad.Signs
	// per-sample buffers: z[l], a[l] of layer l (a[-1] is the input)
	z, a  [][]float64
	delta [][]float64
	off   []int // the offset of each layer's parameters
}

// HandSigned is a [Hand] that declares its pieces: Piece answers with the
// signs its last Cost recorded.
type HandSigned struct{ *Hand }

// Piece implements numgrad.Piecewise.
func (h *HandSigned) Piece(dst []byte) []byte { return h.signs.Piece(dst) }

// NewHand returns a hand-written model computing the cost of net (its
// sizes, activations and loss) at net's parameters, in its own layout.
// It panics on an activation it does not implement.
func NewHand(net *backprop.Network, layout HandLayout) *Hand {
	cfg := net.Config()
	for _, a := range cfg.Activations {
		switch a {
		case backprop.Identity, backprop.ReLU, backprop.LeakyReLU, backprop.Tanh:
		default:
			panic("soundness: Hand implements identity, relu, leaky-relu and tanh, not " + a.String())
		}
	}
	h := &Hand{sizes: cfg.Sizes, acts: cfg.Activations, loss: cfg.Loss, layout: layout}
	for l, off := 0, 0; l+1 < len(h.sizes); l++ {
		h.off = append(h.off, off)
		off += h.sizes[l]*h.sizes[l+1] + h.sizes[l+1]
	}
	h.theta = make([]float64, net.NumParams())
	nt := net.ParamsTo(nil)
	for i, j := range h.perm() {
		h.theta[i] = nt[j]
	}
	L := len(h.sizes) - 1
	h.z, h.a, h.delta = make([][]float64, L), make([][]float64, L), make([][]float64, L)
	for l := range L {
		h.z[l] = make([]float64, h.sizes[l+1])
		h.a[l] = make([]float64, h.sizes[l+1])
		h.delta[l] = make([]float64, h.sizes[l+1])
	}
	return h
}

// perm returns, for each of h's parameter indices, the index of the same
// parameter in backprop's layout.
func (h *Hand) perm() []int {
	var p []int
	off := 0
	for l := 0; l+1 < len(h.sizes); l++ {
		in, out := h.sizes[l], h.sizes[l+1]
		wOff, bOff := off, off+in*out
		switch h.layout {
		case RowMajor:
			for j := range out {
				for k := range in {
					p = append(p, wOff+j*in+k)
				}
			}
			for j := range out {
				p = append(p, bOff+j)
			}
		default:
			for j := range out {
				p = append(p, bOff+j)
			}
			for k := range in {
				for j := range out {
					p = append(p, wOff+j*in+k)
				}
			}
		}
		off += in*out + out
	}
	return p
}

// w returns the index in θ of layer l's weight from input k into unit j,
// and bi that of unit j's bias.
func (h *Hand) w(l, j, k int) int {
	off, in, out := h.off[l], h.sizes[l], h.sizes[l+1]
	if h.layout == RowMajor {
		return off + j*in + k
	}
	return off + out + k*out + j
}

func (h *Hand) bi(l, j int) int {
	off, in, out := h.off[l], h.sizes[l], h.sizes[l+1]
	if h.layout == RowMajor {
		return off + in*out + j
	}
	return off + j
}

func (h *Hand) NumParams() int { return len(h.theta) }

func (h *Hand) ParamsTo(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, len(h.theta))
	}
	if len(dst) != len(h.theta) {
		panic("soundness: Hand.ParamsTo: wrong length")
	}
	copy(dst, h.theta)
	return dst
}

func (h *Hand) SetParams(src []float64) {
	if len(src) != len(h.theta) {
		panic("soundness: Hand.SetParams: wrong length")
	}
	copy(h.theta, src)
}

func act(a backprop.Activation, z float64) float64 {
	switch a {
	case backprop.ReLU:
		if z > 0 {
			return z
		}
		return 0
	case backprop.LeakyReLU:
		if z > 0 {
			return z
		}
		return backprop.LeakySlope * z
	case backprop.Tanh:
		return math.Tanh(z)
	}
	return z
}

// deriv is f′(z) with f′(0) the left piece's, as the recorded signs say.
func deriv(a backprop.Activation, z, fz float64) float64 {
	switch a {
	case backprop.ReLU:
		if z > 0 {
			return 1
		}
		return 0
	case backprop.LeakyReLU:
		if z > 0 {
			return 1
		}
		return backprop.LeakySlope
	case backprop.Tanh:
		return 1 - fz*fz
	}
	return 1
}

func (h *Hand) check(b backprop.Batch) error {
	if b.Data == nil || b.Len() == 0 {
		return fmt.Errorf("soundness: empty batch")
	}
	if b.Data.In != h.sizes[0] || b.Data.Out != h.sizes[len(h.sizes)-1] {
		return fmt.Errorf("soundness: the batch has %d inputs and %d targets, the model %d and %d", b.Data.In, b.Data.Out, h.sizes[0], h.sizes[len(h.sizes)-1])
	}
	return nil
}

// forward computes sample x's layers into h.z, h.a and records the signs
// of the kinks.
func (h *Hand) forward(x []float64) {
	prev := x
	for l := range h.z {
		for j := range h.z[l] {
			s := 0.0
			for k, v := range prev {
				s += h.theta[h.w(l, j, k)] * v
			}
			z := s + h.theta[h.bi(l, j)]
			if h.acts[l].HasKink() {
				h.signs.Add(z)
			}
			h.z[l][j] = z
			h.a[l][j] = act(h.acts[l], z)
		}
		prev = h.a[l]
	}
}

// sampleError is e(a, y) of the last layer.
func (h *Hand) sampleError(y []float64) float64 {
	a := h.a[len(h.a)-1]
	e := 0.0
	if h.loss == backprop.SquaredError {
		for k, v := range a {
			d := v - y[k]
			e += d * d
		}
		return e
	}
	m := a[0]
	for _, v := range a {
		m = math.Max(m, v)
	}
	s := 0.0
	for _, v := range a {
		s += math.Exp(v - m)
	}
	lse := m + math.Log(s)
	for k, v := range a {
		e -= y[k] * (v - lse)
	}
	return e
}

func (h *Hand) Cost(b backprop.Batch) (float64, error) {
	if err := h.check(b); err != nil {
		return 0, err
	}
	h.signs.Reset()
	c := 0.0
	for s := range b.Len() {
		x, y := b.Sample(s)
		h.forward(x)
		c += h.sampleError(y)
	}
	return c / float64(b.Len()), nil
}

func (h *Hand) Gradient(dst []float64, b backprop.Batch) (float64, error) {
	if len(dst) != len(h.theta) {
		panic("soundness: Hand.Gradient: wrong length")
	}
	if err := h.check(b); err != nil {
		return 0, err
	}
	clear(dst)
	h.signs.Reset()
	B := float64(b.Len())
	L := len(h.z)
	c := 0.0
	for s := range b.Len() {
		x, y := b.Sample(s)
		h.forward(x)
		c += h.sampleError(y)
		a, d := h.a[L-1], h.delta[L-1]
		if h.loss == backprop.SquaredError {
			for k := range a {
				d[k] = 2 * (a[k] - y[k]) / B
			}
		} else {
			m := a[0]
			for _, v := range a {
				m = math.Max(m, v)
			}
			sum, sy := 0.0, 0.0
			for k, v := range a {
				sum += math.Exp(v - m)
				sy += y[k]
			}
			for k, v := range a {
				d[k] = (math.Exp(v-m)/sum*sy - y[k]) / B
			}
		}
		for l := L - 1; l >= 0; l-- {
			d := h.delta[l]
			for j := range d {
				d[j] *= deriv(h.acts[l], h.z[l][j], h.a[l][j])
			}
			prev := x
			if l > 0 {
				prev = h.a[l-1]
			}
			for j, dj := range d {
				dst[h.bi(l, j)] += dj
				for k, v := range prev {
					dst[h.w(l, j, k)] += dj * v
				}
			}
			if l > 0 {
				pd := h.delta[l-1]
				for k := range pd {
					t := 0.0
					for j, dj := range d {
						t += h.theta[h.w(l, j, k)] * dj
					}
					pd[k] = t
				}
			}
		}
	}
	return c / B, nil
}

// NewModel returns the model of kind k around net: net itself, a wrapper,
// or a hand-written model of net's function and parameters in layout.
func NewModel(k Kind, net *backprop.Network, layout HandLayout) backprop.Model {
	switch k {
	case KindNetwork:
		return net
	case KindEmbedded:
		return &Embedded{net}
	case KindHidden:
		return &Hidden{net}
	case KindHand:
		return NewHand(net, layout)
	case KindHandSigned:
		return &HandSigned{NewHand(net, layout)}
	}
	panic(fmt.Sprintf("soundness: unknown kind %d", int(k)))
}

// toModel maps a vector in backprop's layout (the network's) to the
// model's layout; fromModel the other way.
func toModel(k Kind, m backprop.Model, v []float64) []float64 {
	h := handOf(m)
	if h == nil {
		return append([]float64(nil), v...)
	}
	out := make([]float64, len(v))
	for i, j := range h.perm() {
		out[i] = v[j]
	}
	return out
}

func handOf(m backprop.Model) *Hand {
	switch h := m.(type) {
	case *Hand:
		return h
	case *HandSigned:
		return h.Hand
	}
	return nil
}
