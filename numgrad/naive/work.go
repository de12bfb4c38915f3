package naive

import (
	"math"
	"math/bits"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// The closed-form counts of the package documentation, for a network of
// configuration cfg and a batch of B samples. A count too large for an
// int64 saturates at math.MaxInt64. They panic on an invalid configuration
// or a batch size below 1.

// ForwardWork returns the work of one float64 forward pass:
// B·F multiply-adds, F = Σ_l n_l·n_{l−1}.
func ForwardWork(cfg backprop.Config, batch int) Count {
	t := termsOf(cfg, batch)
	return Count{MulAdds: mul(t.b, t.f), Passes: 1}
}

// ChainRuleWork returns the work of backprop's gradient, forward pass
// included: B·(3F − n_0·n_1 + N′) multiply-adds, N′ the number of units in
// layers whose activation is not the identity.
func ChainRuleWork(cfg backprop.Config, batch int) Count {
	t := termsOf(cfg, batch)
	// 3F ≥ n_0·n_1, so the subtraction cannot go below zero.
	return Count{MulAdds: mul(t.b, add(mul(3, t.f)-int64(cfg.Sizes[0])*int64(cfg.Sizes[1]), t.nonID)), Passes: 1}
}

// FiniteDifferencesWork returns the work of [FiniteDifferences] with
// formula f: p = k·W passes (+1 if f has a point at Loc = 0), k its points
// off the centre and W the number of parameters, of B·F multiply-adds each.
func FiniteDifferencesWork(cfg backprop.Config, batch int, f numgrad.Formula) Count {
	t := termsOf(cfg, batch)
	var k int64
	for _, pt := range f.Stencil {
		if pt.Loc != 0 {
			k++
		}
	}
	passes := mul(k, t.w)
	if hasCentre(f) {
		passes = add(passes, 1)
	}
	return Count{MulAdds: mul(passes, mul(t.b, t.f)), Passes: passes}
}

// ForwardModeWork returns the work of [ForwardMode]: W dual passes of
// B·(2F + N′) multiply-adds each.
func ForwardModeWork(cfg backprop.Config, batch int) Count {
	t := termsOf(cfg, batch)
	return Count{MulAdds: mul(t.w, mul(t.b, add(mul(2, t.f), t.nonID))), Passes: t.w}
}

// PathEnumerationWork returns the work of [PathEnumeration]: one forward
// pass and, per sample, Σ_m n_m(n_{m−1}+1)·R_m path products of
// B·(F + Σ_m n_m·R_m·(n_{m−1}(λ_m+1) + λ_m)) multiply-adds in all, with
// R_m = Π_{l>m} n_l paths from one unit of layer m to the outputs and
// λ_m = ι_m + Σ_{l>m} (1 + ι_l) factors after the first on each of them
// (ι_l = 1 if layer l's activation is not the identity, else 0).
func PathEnumerationWork(cfg backprop.Config, batch int) Count {
	t := termsOf(cfg, batch)
	sizes := cfg.Sizes
	L := len(sizes) - 1
	nonID := func(l int) int64 { // ι_l, 1-based layer l
		if cfg.Activations[l-1] == backprop.Identity {
			return 0
		}
		return 1
	}
	var paths, mults int64
	R := int64(1) // R_m
	var after int64
	for m := L; m >= 1; m-- {
		lambda := nonID(m) + after // λ_m
		nm, nin := int64(sizes[m]), int64(sizes[m-1])
		paths = add(paths, mul(mul(nm, nin+1), R))
		mults = add(mults, mul(mul(nm, R), add(mul(nin, lambda+1), lambda)))
		after += 1 + nonID(m)
		R = mul(R, nm)
	}
	return Count{MulAdds: mul(t.b, add(t.f, mults)), Passes: 1, Paths: mul(t.b, paths)}
}

// terms are the sums the closed forms are made of.
type terms struct {
	b     int64 // B
	f     int64 // F = Σ n_l·n_{l−1}
	w     int64 // W = Σ n_l·(n_{l−1}+1)
	nonID int64 // N′ = Σ_{f_l ≠ identity} n_l
}

func termsOf(cfg backprop.Config, batch int) terms {
	if err := cfg.Validate(); err != nil {
		panic("naive: " + err.Error())
	}
	if batch < 1 {
		panic("naive: batch size below 1")
	}
	t := terms{b: int64(batch)}
	for l := 1; l < len(cfg.Sizes); l++ {
		n, in := int64(cfg.Sizes[l]), int64(cfg.Sizes[l-1])
		t.f += n * in
		t.w += n * (in + 1)
		if cfg.Activations[l-1] != backprop.Identity {
			t.nonID += n
		}
	}
	return t
}

// mul and add are saturating operations on non-negative counts.
func mul(a, b int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi != 0 || lo > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(lo)
}

func add(a, b int64) int64 {
	if s := a + b; s >= a {
		return s
	}
	return math.MaxInt64
}
