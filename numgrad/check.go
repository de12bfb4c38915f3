package numgrad

import (
	"fmt"
	"runtime"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad/netfd"
)

// Method is how the checker obtains the derivatives it compares with.
type Method int

const (
	// MethodCentral uses central differences at h = c·max(1, |x_i|),
	// c = 6e-6 (2 evaluations of f per component), with a step sweep for
	// the components that do not agree at once.
	MethodCentral Method = iota
	// MethodRichardson extrapolates central differences over a ladder of
	// six steps (12 evaluations per component); see [Richardson].
	MethodRichardson
	// MethodComplex uses the complex step Im f(x + ih·e_i)/h, exact up to
	// rounding (see [ComplexStep]).
	MethodComplex
	// MethodDual uses forward-mode dual numbers, exact up to rounding
	// (see [DualNumbers]).
	MethodDual
	// MethodFast compares k random projections vᵀ∇f with directional
	// differences (4k evaluations in all) and falls back to MethodCentral
	// if one disagrees, so that a failure is still located (see [Fast]).
	MethodFast
	numMethods
)

var methodNames = [numMethods]string{"central", "richardson", "complex", "dual", "fast"}

func (m Method) String() string {
	if m < 0 || m >= numMethods {
		return fmt.Sprintf("Method(%d)", int(m))
	}
	return methodNames[m]
}

// ParseMethod returns the method named s (central, richardson, complex,
// dual or fast; "complex-step" is an alias).
func ParseMethod(s string) (Method, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	if name == "complex-step" {
		name = "complex"
	}
	for i, n := range methodNames {
		if n == name {
			return Method(i), nil
		}
	}
	return 0, fmt.Errorf("unknown method %q (want one of %s)", s, strings.Join(methodNames[:], ", "))
}

// MarshalText writes the method's name.
func (m Method) MarshalText() ([]byte, error) {
	if m < 0 || m >= numMethods {
		return nil, fmt.Errorf("numgrad: unknown method %d", int(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText reads a method's name.
func (m *Method) UnmarshalText(b []byte) error {
	v, err := ParseMethod(string(b))
	*m = v
	return err
}

func (m Method) exact() bool { return m == MethodComplex || m == MethodDual }

// CheckSettings configures [Check], [CheckModel] and [CheckClaimed]. A nil
// *CheckSettings means every default; a zero field means that field's
// default.
type CheckSettings struct {
	// Method is how the numerical derivatives are obtained (default
	// MethodCentral).
	Method Method
	// Step is the relative step c: 6e-6 for central differences and the
	// directions of the fast check, 2⁻⁷ for the largest step of the
	// Richardson ladder.
	Step float64
	// Reference computes the exact derivatives of MethodComplex and
	// MethodDual for [Check]. [CheckModel] builds it for a
	// *backprop.Network from backprop.CostAt when it is nil.
	Reference Reference
	// AbsTol, if positive, replaces the derived absolute tolerance τ_i of
	// every component.
	AbsTol float64
	// RelTol is the relative tolerance ρ allowed besides τ_i (see
	// [Within]); default 0, as τ_i already carries the arithmetic.
	RelTol float64
	// Eps is the unit roundoff of f's arithmetic (default 2⁻⁵³, float64;
	// a model computing in float32 sets 2⁻²⁴).
	Eps float64
	// Projections is k, the number of random directions of MethodFast
	// (default 16).
	Projections int
	// Seed seeds the direction of the noise estimate and the directions of
	// the fast check (default 1): same seed, same report.
	Seed uint64
	// Layout maps indices to layers and groups for [Check]; [CheckModel]
	// uses the model's own when it is a backprop.Layouter.
	Layout *backprop.Layout
	// Indices, if not nil, restricts the check to these components (a
	// replay of failures uses it).
	Indices []int
	// Concurrent spreads the components over GOMAXPROCS goroutines. For
	// Check, f (and Reference) must then be safe for concurrent use;
	// CheckModel clones a *backprop.Network per goroutine and runs other
	// models on one. The report is the same bits either way.
	Concurrent bool
	// MaxResolve is the number of components per group that get a step
	// sweep when the first comparison does not settle them (default 32);
	// the rest of a group with more failures is reported failed unswept.
	MaxResolve int
	// Sweeps is the number of worst suspicious components whose step
	// sweep the report keeps (default 3; negative: none).
	Sweeps int
	// BatchSize is the number of samples B behind f, so that a factor B or
	// 1/B can be named as a cause; CheckModel sets it from the batch.
	BatchSize int
	// PlainModel makes CheckModel and CheckClaimed treat a
	// *backprop.Network like any model: without the two aids it otherwise
	// takes from the network's structure, the complex step that settles the
	// components a step sweep fails (see the package documentation) and
	// the allowance 2γ_K·M_i for the analytic gradient's rounding (see
	// "Tolerances from the arithmetic"). A replay of a record made without
	// them sets it, so that it gives the same report.
	PlainModel bool
}

// Defaults of CheckSettings.
const (
	DefaultProjections = 16
	defaultMaxResolve  = 32
	defaultSweeps      = 3
	defaultSeed        = 1
	float64Eps         = 0x1p-53
	// analyticULPs is the allowance for the rounding of the analytic
	// gradient and of an exact reference, in units of eps·max(‖n‖∞, 1):
	// both sum the same products in different orders, and a chain of at
	// most 2¹³ roundings (depth × width × batch of the networks checked
	// here) gives each an error below 2¹³·eps of the largest term. The
	// terms are at least of order one even where the gradient is tiny: a
	// confident softmax gives p − y ≈ 1e-7 from p and y of order one, with
	// the absolute rounding of order one's, eps.
	analyticULPs = 1 << 13
)

func (s *CheckSettings) withDefaults() CheckSettings {
	var c CheckSettings
	if s != nil {
		c = *s
	}
	if c.Step == 0 {
		switch c.Method {
		case MethodRichardson:
			c.Step = ladderStep
		case MethodCentral, MethodFast:
			c.Step = Central.Step
		}
	}
	if c.Method.exact() {
		c.Step = 0
	}
	if c.Eps == 0 {
		c.Eps = float64Eps
	}
	if c.Projections == 0 {
		c.Projections = DefaultProjections
	}
	if c.Seed == 0 {
		c.Seed = defaultSeed
	}
	if c.MaxResolve == 0 {
		c.MaxResolve = defaultMaxResolve
	}
	if c.Sweeps == 0 {
		c.Sweeps = defaultSweeps
	}
	return c
}

func (s *CheckSettings) validate(n int) error {
	switch {
	case s.Method < 0 || s.Method >= numMethods:
		return fmt.Errorf("numgrad: unknown method %d", int(s.Method))
	case !(s.Step >= 0) || !finite(s.Step):
		return fmt.Errorf("numgrad: step %v must be positive and finite", s.Step)
	case !(s.AbsTol >= 0) || !finite(s.AbsTol):
		return fmt.Errorf("numgrad: absolute tolerance %v must be non-negative and finite", s.AbsTol)
	case !(s.RelTol >= 0) || !finite(s.RelTol):
		return fmt.Errorf("numgrad: relative tolerance %v must be non-negative and finite", s.RelTol)
	case !(s.Eps > 0 && s.Eps < 1):
		return fmt.Errorf("numgrad: unit roundoff %v must lie in (0, 1)", s.Eps)
	case s.Projections < 0:
		return fmt.Errorf("numgrad: %d projections; want a positive number", s.Projections)
	}
	seen := make(map[int]bool, len(s.Indices))
	for _, i := range s.Indices {
		if i < 0 || i >= n {
			return fmt.Errorf("numgrad: index %d out of range [0, %d)", i, n)
		}
		if seen[i] {
			return fmt.Errorf("numgrad: index %d listed twice", i)
		}
		seen[i] = true
	}
	if s.Layout != nil && s.Layout.Blocks != nil {
		if err := s.Layout.Validate(n); err != nil {
			return fmt.Errorf("numgrad: %w", err)
		}
	}
	return nil
}

// Check compares claimed with the derivatives of f at x and returns the
// report. x and claimed are not modified. It panics if their lengths
// differ; it returns an error for invalid settings, for MethodComplex or
// MethodDual without a Reference, and for an error of the Reference.
// A NaN or Inf in f's values or in claimed is not an error: the report
// flags it and fails.
func Check(f func([]float64) float64, claimed, x []float64, s *CheckSettings) (*Report, error) {
	if len(claimed) != len(x) {
		panic(fmt.Sprintf("numgrad: Check: len(claimed) = %d, len(x) = %d", len(claimed), len(x)))
	}
	set := s.withDefaults()
	p := &problem{
		x: append([]float64(nil), x...), claimed: append([]float64(nil), claimed...),
		newEval: func() (evalFunc, pieceFunc) { return func(x []float64) (float64, error) { return f(x), nil }, nil },
		ref:     set.Reference, concurrent: set.Concurrent, batch: set.BatchSize,
	}
	if set.Layout != nil {
		p.layout = *set.Layout
	}
	return run(p, set, nil)
}

// CheckModel checks m's analytic gradient on b at m's current parameters:
// it calls m.Gradient and then [CheckClaimed].
func CheckModel(m backprop.Model, b backprop.Batch, s *CheckSettings) (*Report, error) {
	g := make([]float64, m.NumParams())
	if _, err := m.Gradient(g, b); err != nil {
		return nil, err
	}
	return CheckClaimed(m, b, g, s)
}

// CheckClaimed checks a claimed gradient of m's cost on b at m's current
// parameters, whoever computed it (a file from another implementation, a
// GPU). The layout is m's when m is a backprop.Layouter; MethodComplex and
// MethodDual use s.Reference or, for a *backprop.Network, backprop.CostAt.
// m's parameters are restored before it returns. It panics if
// len(claimed) != m.NumParams(); errors from m.Cost are returned. A NaN or
// Inf in the batch's samples fails the report (see Report.Flags), even
// where the model's cost hides it.
func CheckClaimed(m backprop.Model, b backprop.Batch, claimed []float64, s *CheckSettings) (*Report, error) {
	return checkClaimed(m, b, claimed, s, nil)
}

func checkClaimed(m backprop.Model, b backprop.Batch, claimed []float64, s *CheckSettings, dirs [][]float64) (*Report, error) {
	n := m.NumParams()
	if len(claimed) != n {
		panic(fmt.Sprintf("numgrad: CheckClaimed: len(claimed) = %d, want %d", len(claimed), n))
	}
	set := s.withDefaults()
	if set.BatchSize == 0 {
		set.BatchSize = b.Len()
	}
	theta := m.ParamsTo(nil)
	p := &problem{x: theta, claimed: append([]float64(nil), claimed...), ref: set.Reference, batch: set.BatchSize, data: &b}
	if set.Layout != nil {
		p.layout = *set.Layout
	} else if l, ok := m.(backprop.Layouter); ok {
		p.layout = l.Layout()
		if err := p.layout.Validate(n); err != nil {
			return nil, fmt.Errorf("numgrad: the model's layout: %w", err)
		}
	}
	net, isNet := m.(*backprop.Network)
	// The exact reference also settles what finite differences cannot (see
	// arbitrate): the caller's, or for a network the complex step. On a
	// network with kinks it differentiates on x's own piece, as
	// backpropagation does (f′ = 0 exactly at a ReLU's kink in both).
	p.arbiter = set.Reference
	p.aids = isNet && !set.PlainModel
	if p.arbiter == nil && p.aids {
		p.arbiter = NetworkComplexStep(net, b)
	}
	if p.ref == nil && set.Method.exact() {
		if !isNet {
			return nil, fmt.Errorf("numgrad: method %v needs a *backprop.Network or CheckSettings.Reference", set.Method)
		}
		if set.Method == MethodComplex {
			p.ref = NetworkComplexStep(net, b)
		} else {
			p.ref = NetworkDual(net, b)
		}
	}
	// The model's own gradient, sampled near θ to measure its noise (on a
	// clone of a network, which keeps the caller's buffers).
	gm := m
	if isNet {
		clone := net.Clone()
		gm = clone
		if p.aids {
			// termScale runs its own forward and backward pass on the
			// clone; p.grad sets the clone's parameters anew each time.
			var err error
			if p.scale, p.chain, err = termScale(clone, b); err != nil {
				return nil, err
			}
		}
	}
	p.grad = func(dst, x []float64) error {
		gm.SetParams(x)
		_, err := gm.Gradient(dst, b)
		return err
	}
	if !isNet {
		defer m.SetParams(theta)
	}
	cost := func(m backprop.Model) evalFunc {
		return func(x []float64) (float64, error) {
			m.SetParams(x)
			return m.Cost(b)
		}
	}
	if isNet {
		// A clone per goroutine: the caller's network keeps its buffers.
		p.concurrent = set.Concurrent
		kinked := hasKink(net.Config())
		p.smooth = !kinked
		// netfd evaluates every stencil of a smooth network at once,
		// recomputing only what each perturbation changes; its result
		// does not depend on the number of workers.
		workers := 1
		if set.Concurrent {
			workers = runtime.GOMAXPROCS(0)
		}
		p.stencil = func(step float64, fp, fm []float64) error {
			return netfd.Stencil(fp, fm, net, b, &netfd.Settings{Step: step, Workers: workers})
		}
		p.newEval = func() (evalFunc, pieceFunc) {
			c := net.Clone()
			if !kinked {
				return cost(c), nil
			}
			return cost(c), func(dst []byte) []byte { return signs(c, dst) }
		}
	} else {
		piece := pieceOf(m)
		p.newEval = func() (evalFunc, pieceFunc) { return cost(m), piece }
	}
	return run(p, set, dirs)
}
