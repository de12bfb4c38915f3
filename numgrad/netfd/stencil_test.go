package netfd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
)

// A netShape is a network's configuration for the tests of Stencil.
type netShape struct {
	sizes []int
	acts  []backprop.Activation
	loss  backprop.Loss
}

func (s netShape) String() string {
	var a []string
	for _, x := range s.acts {
		a = append(a, x.String())
	}
	return fmt.Sprintf("%v/%s/%v", s.sizes, strings.Join(a, ","), s.loss)
}

func (s netShape) net(seed uint64) *backprop.Network {
	return backprop.MustNew(backprop.Config{Sizes: s.sizes, Activations: s.acts, Loss: s.loss, Seed: seed})
}

const (
	actIdentity = backprop.Identity
	actSigmoid  = backprop.Sigmoid
	actTanh     = backprop.Tanh
	actReLU     = backprop.ReLU
	actLeaky    = backprop.LeakyReLU
	actSoftplus = backprop.Softplus
	se          = backprop.SquaredError
	ce          = backprop.SoftmaxCrossEntropy
)

// stencilShapes cover every activation, kinked layers in each of the
// places a perturbation reaches (its own layer, the rank-one layer after
// it, the layers recomputed in full, the output), and both losses. The
// first has units of several chunks at the default chunkElems with B = 16
// (per = 21 of P = 61 perturbations, the last chunk shorter).
var stencilShapes = []netShape{
	{[]int{60, 48, 30, 4}, []backprop.Activation{actReLU, actLeaky, actIdentity}, ce},
	{[]int{5, 7, 6, 3}, []backprop.Activation{actSigmoid, actReLU, actSoftplus}, se},
	{[]int{4, 9, 8, 8, 2}, []backprop.Activation{actTanh, actLeaky, actReLU, actIdentity}, ce},
	{[]int{3, 6, 5, 4, 2}, []backprop.Activation{actReLU, actSoftplus, actReLU, actReLU}, se},
	{[]int{6, 5}, []backprop.Activation{actLeaky}, se},
	{[]int{4, 6, 3}, []backprop.Activation{actSigmoid, actTanh}, ce},
}

// stencilOut is one Stencil result.
type stencilOut struct {
	fp, fm []float64
	cross  []uint8
}

// sentinel bits that Stencil never writes, for the entries it must leave
// alone.
const (
	sentinelBits  = 0x7ff4000000000bad // a signalling NaN
	sentinelCross = 0xee
)

func newStencilOut(n int) stencilOut {
	o := stencilOut{make([]float64, n), make([]float64, n), make([]uint8, n)}
	for i := range n {
		o.fp[i], o.fm[i] = math.Float64frombits(sentinelBits), math.Float64frombits(sentinelBits)
		o.cross[i] = sentinelCross
	}
	return o
}

func runStencil(t *testing.T, net *backprop.Network, b backprop.Batch, s *Settings) stencilOut {
	t.Helper()
	o := newStencilOut(net.NumParams())
	if err := Stencil(o.fp, o.fm, o.cross, net, b, s); err != nil {
		t.Fatal(err)
	}
	return o
}

// TestSubsetSameBits is the replay guarantee: for every parameter i,
// fp[i], fm[i] and cross[i] are the same bits whatever Indices (any subset
// holding i), Workers and the scheduling are, and entries outside Indices
// are left untouched. Each shape runs with B = 1, 3, 16, with the default
// chunks and with small ones (chunkElems = 97: a few perturbations a chunk
// for B = 1, one for B = 16), against random subsets (one index, a tenth,
// half, every one in a shuffled order) on 1 and 3 workers. It also holds
// the cross-free call (cross nil) and Gradient with Indices to the same
// bits. (Not parallel: it sets chunkElems.)
func TestSubsetSameBits(t *testing.T) {
	for _, chunk := range []int{chunkElems, 97} {
		t.Run(fmt.Sprintf("chunkElems=%d", chunk), func(t *testing.T) {
			defer func(c int) { chunkElems = c }(chunkElems)
			chunkElems = chunk
			rng := rand.New(rand.NewPCG(11, uint64(chunk)))
			for _, sh := range stencilShapes {
				for _, B := range []int{1, 3, 16} {
					t.Run(fmt.Sprintf("%v/B=%d", sh, B), func(t *testing.T) {
						subsetSameBits(t, rng, sh, B)
					})
				}
			}
		})
	}
}

func subsetSameBits(t *testing.T, rng *rand.Rand, sh netShape, B int) {
	net := sh.net(rng.Uint64())
	b := backprop.All(randomData(rng, sh.sizes, sh.loss, B))
	n := net.NumParams()
	full := runStencil(t, net, b, &Settings{Workers: 1})
	for i := range n {
		if math.Float64bits(full.fp[i]) == sentinelBits || math.Float64bits(full.fm[i]) == sentinelBits || full.cross[i] == sentinelCross {
			t.Fatalf("full run: component %d not written", i)
		}
	}
	perm := rng.Perm(n)
	subsets := [][]int{perm[:1], perm[:max(1, n/10)], perm[:n/2], perm}
	for _, idx := range subsets {
		for _, workers := range []int{1, 3} {
			got := runStencil(t, net, b, &Settings{Workers: workers, Indices: idx})
			in := make([]bool, n)
			for _, i := range idx {
				in[i] = true
			}
			for i := range n {
				if !in[i] {
					if math.Float64bits(got.fp[i]) != sentinelBits || math.Float64bits(got.fm[i]) != sentinelBits || got.cross[i] != sentinelCross {
						t.Fatalf("%d indices, %d workers: component %d outside Indices written", len(idx), workers, i)
					}
					continue
				}
				if math.Float64bits(got.fp[i]) != math.Float64bits(full.fp[i]) ||
					math.Float64bits(got.fm[i]) != math.Float64bits(full.fm[i]) || got.cross[i] != full.cross[i] {
					t.Fatalf("%d indices, %d workers: component %d is (%v, %v, %d), the full run's (%v, %v, %d)",
						len(idx), workers, i, got.fp[i], got.fm[i], got.cross[i], full.fp[i], full.fm[i], full.cross[i])
				}
			}
		}
	}
	// Without the crossing bits, and through Gradient, the same values.
	fp, fm := make([]float64, n), make([]float64, n)
	if err := Stencil(fp, fm, nil, net, b, &Settings{Workers: 3}); err != nil {
		t.Fatal(err)
	}
	idx := subsets[1]
	g := make([]float64, n)
	if _, err := Gradient(g, net, b, &Settings{Workers: 3, Indices: idx}); err != nil {
		t.Fatal(err)
	}
	theta := net.ParamsTo(nil)
	for i := range n {
		if math.Float64bits(fp[i]) != math.Float64bits(full.fp[i]) || math.Float64bits(fm[i]) != math.Float64bits(full.fm[i]) {
			t.Fatalf("cross nil: component %d is (%v, %v), with cross (%v, %v)", i, fp[i], fm[i], full.fp[i], full.fm[i])
		}
	}
	for _, i := range idx {
		h := (theta[i] + DefaultStep*math.Max(1, math.Abs(theta[i]))) - theta[i]
		if want := (full.fp[i] - full.fm[i]) / (2 * h); math.Float64bits(g[i]) != math.Float64bits(want) {
			t.Fatalf("Gradient with Indices: component %d is %v, the stencil's %v", i, g[i], want)
		}
	}
}

// TestStencilMatchesPlain compares Stencil with plain evaluations, one whole
// forward pass (net.Cost) at θ ± h_i e_i for each component, on every shape
// with B = 1, 3, 16: fp and fm within the rounding bound of both
// computations (see plainEval), and cross with the sides of 0 of the plain
// passes' ReLU and leaky-ReLU pre-activations against the unperturbed
// pass's, numgrad's piece signature re-implemented (pieceSides). The bits
// must agree except where a plain pass has a kinked pre-activation within
// its rounding bound of 0, which the two computations may see on different
// sides; the test counts those passes and the crossings seen. On the first
// shape, 4,500 parameters, it checks 300 random components, elsewhere all.
// (Not parallel: TestSubsetSameBits sets chunkElems.)
func TestStencilMatchesPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	for _, sh := range stencilShapes {
		for _, B := range []int{1, 3, 16} {
			t.Run(fmt.Sprintf("%v/B=%d", sh, B), func(t *testing.T) {
				net := sh.net(rng.Uint64())
				b := backprop.All(randomData(rng, sh.sizes, sh.loss, B))
				var idx []int
				if n := net.NumParams(); n > 1000 {
					idx = rng.Perm(n)[:300]
				}
				matchesPlain(t, net, b, idx)
			})
		}
	}
}

// matchesPlain checks Stencil on idx (nil: every parameter) against plain
// evaluations and returns its result and the number of plain passes that
// crossed, away from rounding.
func matchesPlain(t *testing.T, net *backprop.Network, b backprop.Batch, idx []int) (got stencilOut, crossed int) {
	t.Helper()
	got = runStencil(t, net, b, &Settings{Workers: 2, Indices: idx})
	theta := net.ParamsTo(nil)
	if idx == nil {
		idx = make([]int, len(theta))
		for i := range idx {
			idx[i] = i
		}
	}
	probe := net.Clone()
	base := plainEval(probe, b, theta)
	x := slices.Clone(theta)
	var worst float64
	ambiguous := 0
	for _, i := range idx {
		h := (theta[i] + DefaultStep*math.Max(1, math.Abs(theta[i]))) - theta[i]
		for sign, v := range []float64{got.fp[i], got.fm[i]} {
			x[i] = theta[i] + h
			if sign == 1 {
				x[i] = theta[i] - h
			}
			p := plainEval(probe, b, x)
			x[i] = theta[i]
			// The two computations differ by at most the sum of their
			// errors, each bounded by p.ecost (plainEval), and the
			// bound is first-order: twice that again.
			bound := 2 * 2 * p.ecost
			if d := math.Abs(v - p.cost); d > bound {
				loc, _ := net.Layout().Locate(i)
				t.Errorf("%v, sign %d: stencil %.17g, plain %.17g, |Δ| = %.3g > bound %.3g", loc, sign, v, p.cost, d, bound)
			} else if bound > 0 {
				worst = max(worst, d/bound)
			}
			bit := CrossPlus << sign
			want, near := p.crossedFrom(base)
			if near {
				ambiguous++
			}
			if (got.cross[i]&bit != 0) != want && !near {
				loc, _ := net.Layout().Locate(i)
				t.Errorf("%v, sign %d: stencil's crossing bit %v, the plain passes' %v, and no pre-activation within rounding of 0",
					loc, sign, got.cross[i]&bit != 0, want)
			}
			if want && !near {
				crossed++
			}
		}
		if got.cross[i]&^(CrossPlus|CrossMinus) != 0 {
			t.Errorf("component %d: crossing bits %#x", i, got.cross[i])
		}
	}
	t.Logf("%d components: largest |Δ|/bound %.2g; %d plain passes crossed, %d with a kinked pre-activation within rounding of 0",
		len(idx), worst, crossed, ambiguous)
	return got, crossed
}

// A plainPass is one plain forward pass (net.Cost) with the bounds of its
// rounding errors.
type plainPass struct {
	cost, ecost float64
	kinked      []bool      // per layer: ReLU or leaky ReLU
	z, ez       [][]float64 // per layer, B×n_l: pre-activations and their error bounds
}

// plainEval runs probe's forward pass at theta and bounds the rounding
// errors of its values to first order in u = 2⁻⁵³, per sample, from the
// values themselves. With aᵏ⁻¹ the inputs of layer k, n its fan-in, and
// E the bound of a vector's absolute error:
//
//	E(zᵏ) = γ·(|Wᵏ| |aᵏ⁻¹| + |bᵏ|) + |Wᵏ| E(aᵏ⁻¹),   γ = (n + 3)u
//	E(aᵏ) = E(zᵏ) + ρ_f |aᵏ|
//
// the inner product's bound (with or without fused multiply-adds) and the
// propagation of the inputs' errors through it; every activation is
// 1-Lipschitz (ReLU 0-Lipschitz and the leaky ReLU LeakySlope-Lipschitz on
// [z − E, z + E] when that lies below 0, which keeps the exact zeros of a
// ReLU exact), and ρ_f bounds its own rounding, relative: 0 for the
// identity and ReLU (exact), u for the leaky ReLU (one product), 16u for
// the sigmoid, tanh and softplus (a few ulps of math.Exp, Tanh, Log1p, and
// netfd's shiftedSigmoid, 2ρ_t + 7u in TestShiftedSigmoid). The inputs are
// exact. A sample's error e then has
//
//	E(e) = Σ_k |∂e/∂a_k| E(a_k) + E_round(e)
//
// with ∂e/∂a_k = 2(a_k − y_k) and E_round = (n_L + 3)u·e for the squared
// error (a difference, a square, a sum of n_L), and ∂e/∂a_k = p_k·Y − y_k
// (p = softmax(a), Y = Σ y) for the cross-entropy, whose own rounding is
// that of lse = m + log Σ_k e^{a_k−m} (m = max a: the sum's relative error
// ≤ (n_L + 2 + max_k |a_k − m|)u from the shifted exponents, the
// exponentials and the sum; then the log and the addition, u|log s| + u|lse|)
// times Y, plus (n_L + 2)u·Σ_k y_k |a_k − lse| for the terms and their sum.
// The cost, the mean of B errors, adds (B + 1)u·mean|e| for the sum and the
// division:
//
//	E(C) = mean_s E(e_s) + (B + 1)u·mean_s |e_s|.
//
// netfd computes the same values in other ways, whose errors obey the same
// bounds: its unit j of layer l is zˡ_j + h·aˡ⁻¹_p (the plain pass's
// rounded zˡ_j, two more roundings), the next layer zˡ⁺¹ + Wˡ⁺¹_{:j}·Δaˡ_j
// (two more), within γ's +3, and the rest are the same products on other
// rows. So the two costs differ by at most 2·E(C), and a pre-activation
// computed by both by at most 2·E(z).
func plainEval(probe *backprop.Network, b backprop.Batch, theta []float64) plainPass {
	const u = 0x1p-53
	probe.SetParams(theta)
	cost, err := probe.Cost(b)
	if err != nil {
		panic(err)
	}
	cfg := probe.Config()
	L, B := len(cfg.Sizes)-1, b.Len()
	lay := probe.Layout()
	p := plainPass{cost: cost}
	var a [][]float64
	for l := range L {
		p.kinked = append(p.kinked, cfg.Activations[l].HasKink())
		p.z = append(p.z, flatten(probe.PreActivation(l)))
		p.ez = append(p.ez, make([]float64, B*cfg.Sizes[l+1]))
		a = append(a, flatten(probe.Activation(l)))
	}
	var sumE, sumAbs float64
	for s := range B {
		x, y := b.Sample(s)
		prev, eprev := x, make([]float64, len(x))
		for l := range L {
			in, out := cfg.Sizes[l], cfg.Sizes[l+1]
			bw, bb := lay.Blocks[2*l], lay.Blocks[2*l+1]
			w, bias := theta[bw.Offset:bw.Offset+bw.Len()], theta[bb.Offset:bb.Offset+bb.Len()]
			rho := 16 * u
			switch cfg.Activations[l] {
			case actIdentity, actReLU:
				rho = 0
			case actLeaky:
				rho = u
			}
			al := a[l][s*out : (s+1)*out]
			ea := make([]float64, out)
			for k := range out {
				m, e := math.Abs(bias[k]), 0.0
				for i := range in {
					m += math.Abs(w[k*in+i]) * math.Abs(prev[i])
					e += math.Abs(w[k*in+i]) * eprev[i]
				}
				ez := float64(in+3)*u*m + e
				p.ez[l][s*out+k] = ez
				lip := 1.0
				if z := p.z[l][s*out+k]; z+ez < 0 {
					// [z − E, z + E] lies on the flat piece.
					switch cfg.Activations[l] {
					case actReLU:
						lip = 0
					case actLeaky:
						lip = backprop.LeakySlope
					}
				}
				ea[k] = lip*ez + rho*math.Abs(al[k])
			}
			prev, eprev = al, ea
		}
		e, ee := sampleErrorBound(cfg.Loss, prev, eprev, y)
		sumE += ee
		sumAbs += math.Abs(e)
	}
	p.ecost = sumE/float64(B) + float64(B+1)*u*sumAbs/float64(B)
	return p
}

// sampleErrorBound returns a sample's error e and its bound E(e) given the
// output a, the bound ea of its error and the target y (see plainEval).
func sampleErrorBound(loss backprop.Loss, a, ea, y []float64) (e, bound float64) {
	const u = 0x1p-53
	n := float64(len(a))
	switch loss {
	case se:
		for k := range a {
			d := a[k] - y[k]
			e += d * d
			bound += 2 * math.Abs(d) * ea[k]
		}
		return e, bound + (n+3)*u*e
	case ce:
		m := slices.Max(a)
		var s, sy, spread float64
		for k := range a {
			s += math.Exp(a[k] - m)
			sy += y[k]
			spread = max(spread, math.Abs(a[k]-m))
		}
		lse := m + math.Log(s)
		var terms float64
		for k := range a {
			pk := math.Exp(a[k]-m) / s
			bound += math.Abs(pk*sy-y[k]) * ea[k]
			e -= y[k] * (a[k] - lse)
			terms += math.Abs(y[k]) * math.Abs(a[k]-lse)
		}
		lseErr := (n+2+spread)*u + u*math.Abs(math.Log(s)) + u*math.Abs(lse)
		return e, bound + math.Abs(sy)*lseErr + (n+2)*u*terms
	}
	panic("unknown loss")
}

// crossedFrom reports whether some kinked pre-activation of p lies on the
// other side of 0 than in base (z > 0 against z ≤ 0, NaN ≤ 0: the piece
// signature's convention, pieceSides), and whether some kinked
// pre-activation of p lies within twice its nonzero error bound of 0, where
// netfd may see it on the other side (see plainEval), times 2 for the
// first-order bound: near.
func (p plainPass) crossedFrom(base plainPass) (crossed, near bool) {
	ps, bs := p.pieceSides(), base.pieceSides()
	crossed = !slices.Equal(ps, bs)
	for l, z := range p.z {
		if !p.kinked[l] {
			continue
		}
		for k, v := range z {
			// A zero bound is an exact value (a sum of exact zeros and
			// at most one nonzero term), whose side is certain.
			if e := p.ez[l][k]; e > 0 && math.Abs(v) <= 2*2*e {
				near = true
			}
		}
	}
	return crossed, near
}

// pieceSides is numgrad's piece signature (numgrad.NetworkPiece) as a bool
// per kinked pre-activation, layer by layer, sample by sample, unit by
// unit: z > 0 (a NaN is false). netfd cannot import numgrad, which imports
// it, so it is re-implemented here from the PreActivation views, as signs
// does there.
func (p plainPass) pieceSides() []bool {
	var sides []bool
	for l, z := range p.z {
		if !p.kinked[l] {
			continue
		}
		for _, v := range z {
			sides = append(sides, v > 0)
		}
	}
	return sides
}

// TestCrossNearZero constructs kinked pre-activations at and near 0, where
// the perturbations of a stencil do cross, in each place a perturbation
// reaches, and checks that Stencil sees the crossings: the general
// comparison with the plain passes (matchesPlain), and the bits each
// construction must give.
//
//   - An input sample of zeros with the biases at their initial 0 makes
//     every pre-activation of that sample exactly 0 (ReLU(0) = 0, tanh 0 = 0,
//     0·w = 0), on the z ≤ 0 side. Then +h on a bias bˡ_j gives zˡ_j = h > 0
//     (the unit's own crossing), and after a tanh unit, the next layer gets
//     Wˡ⁺¹_{kj}·tanh(±h), a crossing of each sign for which the column
//     Wˡ⁺¹_{:j} has an entry of that sign (the rank-one layer); one layer
//     further, (Wˡ⁺² Wˡ⁺¹)_{:j}·tanh(±h) (a layer recomputed in full).
//   - A bias chosen so that z = 10⁻⁹ > 0 for one sample: −h on that bias
//     (6·10⁻⁶) crosses, and so does ∓h on a weight from an input x_i with
//     h|x_i| > 10⁻⁹, of the sign opposite to x_i's; placed two layers
//     after the perturbed ones, it is crossed through the recomputed layers.
func TestCrossNearZero(t *testing.T) {
	t.Parallel()
	acts := func(a ...backprop.Activation) []backprop.Activation { return a }
	// zeroSample returns a batch of 3 whose sample 1 is zeros.
	zeroSample := func(rng *rand.Rand, sh netShape) backprop.Batch {
		d := randomData(rng, sh.sizes, sh.loss, 3)
		clear(d.X[sh.sizes[0] : 2*sh.sizes[0]])
		return backprop.All(d)
	}
	// bias returns the flat index of bˡ_j.
	bias := func(net *backprop.Network, l, j int) int { return net.Layout().Blocks[2*l+1].Offset + j }
	weight := func(net *backprop.Network, l, j, i int) int {
		return net.Layout().Blocks[2*l].Offset + j*net.Config().Sizes[l] + i
	}
	// signsOf returns the crossing bits a vector v·(±h) crosses from 0:
	// CrossPlus when some v_k > 0, CrossMinus when some v_k < 0.
	signsOf := func(v []float64) uint8 {
		var x uint8
		for _, c := range v {
			if c > 0 {
				x |= CrossPlus
			}
			if c < 0 {
				x |= CrossMinus
			}
		}
		return x
	}
	// column returns column j of layer l's weights (Wˡ_{:j}).
	column := func(net *backprop.Network, l, j int) []float64 {
		w, _ := net.Weights(l)
		var c []float64
		for _, row := range w {
			c = append(c, row[j])
		}
		return c
	}
	expect := func(t *testing.T, net *backprop.Network, got stencilOut, i int, want uint8) {
		t.Helper()
		if got.cross[i]&want != want {
			loc, _ := net.Layout().Locate(i)
			t.Errorf("%v: crossing bits %02b, want at least %02b", loc, got.cross[i], want)
		}
	}

	t.Run("zero sample/own unit", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(21, 1))
		for _, a := range []backprop.Activation{actReLU, actLeaky} {
			sh := netShape{[]int{4, 5, 4, 3}, acts(a, a, actIdentity), se}
			net := sh.net(5)
			got, _ := matchesPlain(t, net, zeroSample(rng, sh), nil)
			for l := range 2 {
				for j := range sh.sizes[l+1] {
					want := CrossPlus
					if a == actLeaky && l == 0 {
						// −h: the leaky unit gives −0.01h, and the next
						// layer −0.01h·W¹_{kj} > 0 where W¹_{kj} < 0.
						want |= signsOf(column(net, 1, j)) & CrossPlus << 1
					}
					expect(t, net, got, bias(net, l, j), want)
				}
			}
		}
	})
	t.Run("zero sample/rank-one layer", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(21, 2))
		for _, a := range []backprop.Activation{actReLU, actLeaky} {
			sh := netShape{[]int{4, 5, 4, 3}, acts(actTanh, a, actIdentity), ce}
			net := sh.net(6)
			got, _ := matchesPlain(t, net, zeroSample(rng, sh), nil)
			for j := range 5 {
				expect(t, net, got, bias(net, 0, j), signsOf(column(net, 1, j)))
			}
		}
	})
	t.Run("zero sample/recomputed layer", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(21, 3))
		for _, a := range []backprop.Activation{actReLU, actLeaky} {
			sh := netShape{[]int{4, 5, 4, 4, 2}, acts(actTanh, actIdentity, a, actIdentity), se}
			net := sh.net(7)
			got, _ := matchesPlain(t, net, zeroSample(rng, sh), nil)
			w2, _ := net.Weights(2)
			for j := range 5 {
				c1 := column(net, 1, j)
				var v []float64 // (W² W¹)_{:j}
				for _, row := range w2 {
					var s float64
					for k, c := range c1 {
						s += row[k] * c
					}
					v = append(v, s)
				}
				expect(t, net, got, bias(net, 0, j), signsOf(v))
			}
		}
	})
	t.Run("1e-9/own unit", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(21, 4))
		sh := netShape{[]int{4, 5, 4, 3}, acts(actReLU, actReLU, actIdentity), ce}
		net := sh.net(8)
		d := randomData(rng, sh.sizes, sh.loss, 3)
		b := backprop.All(d)
		x0, _ := b.Sample(0)
		const j, target = 2, 1e-9
		w, bs := net.Weights(0)
		var s float64
		for i, v := range x0 {
			s += w[j][i] * v
		}
		bs[j] = target - s
		if err := net.SetWeights(0, w, bs); err != nil {
			t.Fatal(err)
		}
		if z := plainEval(net.Clone(), b, net.ParamsTo(nil)).z[0][j]; z < target/2 || z > 2*target {
			t.Fatalf("z = %v, want about %v", z, target)
		}
		got, _ := matchesPlain(t, net, b, nil)
		expect(t, net, got, bias(net, 0, j), CrossMinus)
		for i, v := range x0 {
			if DefaultStep*math.Abs(v) > 10*target {
				want := CrossPlus // −h·x_i > 0 lowers z for x_i < 0 with +h
				if v > 0 {
					want = CrossMinus
				}
				expect(t, net, got, weight(net, 0, j, i), want)
			}
		}
	})
	t.Run("1e-9/recomputed layer", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(21, 5))
		sh := netShape{[]int{4, 5, 4, 4, 2}, acts(actReLU, actReLU, actReLU, actIdentity), se}
		net := sh.net(9)
		b := backprop.All(randomData(rng, sh.sizes, sh.loss, 3))
		const k, target = 1, 1e-9
		w, bs := net.Weights(2)
		z := plainEval(net.Clone(), b, net.ParamsTo(nil)).z[2][k] // sample 0
		bs[k] += target - z
		if err := net.SetWeights(2, w, bs); err != nil {
			t.Fatal(err)
		}
		if z := plainEval(net.Clone(), b, net.ParamsTo(nil)).z[2][k]; z < target/2 || z > 2*target {
			t.Fatalf("z = %v, want about %v", z, target)
		}
		got, crossed := matchesPlain(t, net, b, nil)
		expect(t, net, got, bias(net, 2, k), CrossMinus)
		// Perturbations in layers 0 and 1 reach z²_k through the
		// recomputed layer 2 and the rank-one layer 2: some must cross
		// (those that reach it at all cross on one side or the other).
		for l := range 2 {
			lay := net.Layout()
			n := 0
			for _, blk := range lay.Blocks[2*l : 2*l+2] {
				for i := blk.Offset; i < blk.Offset+blk.Len(); i++ {
					if got.cross[i] != 0 {
						n++
					}
				}
			}
			if n == 0 {
				t.Errorf("layer %d: no crossing seen", l)
			}
			t.Logf("layer %d: %d components crossed", l, n)
		}
		if crossed == 0 {
			t.Error("no plain pass crossed")
		}
	})
}

// TestSettingsPanics: an index out of range, a duplicate and a cross of the
// wrong length panic with netfd's prefix; an empty, non-nil Indices
// evaluates nothing.
func TestSettingsPanics(t *testing.T) {
	t.Parallel()
	sh := netShape{[]int{3, 2}, []backprop.Activation{actReLU}, se}
	net := sh.net(1)
	b := backprop.All(randomData(rand.New(rand.NewPCG(1, 1)), sh.sizes, sh.loss, 2))
	n := net.NumParams()
	for _, tc := range []struct {
		name  string
		idx   []int
		cross []uint8
		want  string
	}{
		{"negative", []int{0, -1}, nil, "netfd: Indices[1] = -1 out of range [0, 8)"},
		{"too large", []int{n}, nil, "netfd: Indices[0] = 8 out of range [0, 8)"},
		{"duplicate", []int{3, 5, 3}, nil, "netfd: Indices[2] = 3 is a duplicate"},
		{"cross length", nil, make([]uint8, n-1), "netfd: len(cross) = 7, want 8 or a nil slice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != tc.want {
					t.Errorf("panic %v, want %q", r, tc.want)
				}
			}()
			Stencil(make([]float64, n), make([]float64, n), tc.cross, net, b, &Settings{Indices: tc.idx})
		})
	}
	t.Run("gradient", func(t *testing.T) {
		defer func() {
			if r := recover(); r != "netfd: Indices[0] = 9 out of range [0, 8)" {
				t.Errorf("panic %v", r)
			}
		}()
		Gradient(nil, net, b, &Settings{Indices: []int{9}})
	})
	o := newStencilOut(n)
	if err := Stencil(o.fp, o.fm, o.cross, net, b, &Settings{Indices: []int{}}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if math.Float64bits(o.fp[i]) != sentinelBits || o.cross[i] != sentinelCross {
			t.Fatalf("empty Indices: component %d written", i)
		}
	}
}
