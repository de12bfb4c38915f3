package numgrad

import (
	"fmt"
	"math"
	"strings"
)

// Method is how the checker obtains the derivatives it compares with.
type Method int

const (
	// MethodCentral uses central differences at h = c·max(1, |x_i|),
	// c = 6e-6, and at the step of 2c, which bounds the first one's
	// truncation error (4 evaluations of f per component), with a step
	// sweep for the components that this does not settle.
	MethodCentral Method = iota
	// MethodRichardson extrapolates central differences over a ladder of
	// six steps (12 evaluations per component); see [Richardson].
	MethodRichardson
	// MethodComplex uses the complex step Im f(x + ih·e_i)/h, exact up to
	// rounding (see [ComplexStep]); the problem must offer Complex.
	MethodComplex
	// MethodDual uses forward-mode dual numbers, exact up to rounding
	// (see [DualNumbers]); the problem must offer Dual.
	MethodDual
	// MethodFast compares k random projections vᵀ∇f with directional
	// differences (4k evaluations in all), a screen: if every projection
	// agrees, the report says so with the probability that an error of a
	// given size escapes; otherwise MethodCentral runs to locate the error
	// (see [Fast]).
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

// CheckSettings is the one list of settings of a check ([CheckProblem],
// [Check], [CheckModel], [CheckClaimed]); a replay [Record] embeds it. A
// nil *CheckSettings means every default; a zero field means that field's
// default.
type CheckSettings struct {
	// Method is how the numerical derivatives are obtained (default
	// MethodCentral).
	Method Method `json:"method"`
	// Step is the relative step c: 6e-6 for central differences and the
	// directions of the fast check, 2⁻⁷ for the largest step of the
	// Richardson ladder. It must lie in (0, 1), and h = Step(x_i, c) must
	// be positive for every component checked: a step that rounds to
	// nothing is an error, never a verdict.
	Step float64 `json:"step"`
	// AbsTol, if positive, replaces the derived tolerance of every
	// component: |claim − estimate| ≤ AbsTol passes, anything else fails.
	AbsTol float64 `json:"abs_tol"`
	// RelTol is the relative tolerance ρ allowed besides the derived one
	// (see [Within]); default 0, as the derived tolerance already carries
	// the arithmetic.
	RelTol float64 `json:"rel_tol"`
	// Eps is the unit roundoff of f's arithmetic (default 2⁻⁵³, float64;
	// a cost computed in float32 sets 2⁻²⁴).
	Eps float64 `json:"eps"`
	// ClaimEps is the unit roundoff of the claim's arithmetic (default
	// Eps): [Float32] for a gradient computed in float32, while f is still
	// evaluated in float64. The allowance for the claim's rounding comes
	// from it and from the problem's term scale, never from the claim's
	// own variability.
	ClaimEps float64 `json:"claim_eps"`
	// NondetTol is how far two evaluations of the claim at the same point
	// may differ (per component) before the component is Nondeterministic
	// (PyTorch's nondet_tol); default: the claim's rounding allowance. It
	// does not widen the comparison with f.
	NondetTol float64 `json:"nondet_tol"`
	// Strict makes Undecided components fail the report: [Report.OK] is
	// then false unless every component is decided.
	Strict bool `json:"strict,omitempty"`
	// Projections is k, the number of random directions of MethodFast
	// (default 16).
	Projections int `json:"projections"`
	// Seed seeds the directions of the noise estimate and of the fast check
	// (default 1): same seed, same report.
	Seed uint64 `json:"seed"`
	// Indices, if not nil, restricts the check to these components (a
	// replay of failures uses it).
	Indices []int `json:"indices,omitempty"`
	// Concurrent spreads the components over GOMAXPROCS goroutines, on
	// copies of f where the problem offers them (Problem.Fork); a problem
	// without copies is evaluated on one goroutine. The report is the same
	// bits either way.
	Concurrent bool `json:"-"`
	// MaxResolve is the number of components that get a step sweep when
	// the first comparison does not settle them (default 256 + n/32 for n
	// components). A component not swept for lack of budget is Undecided,
	// never failed without evidence (see the package documentation).
	MaxResolve int `json:"max_resolve"`
	// Sweeps is the number of worst suspicious components whose step
	// sweep the report keeps (default 3; negative: none).
	Sweeps int `json:"sweeps"`
}

// Unit roundoffs of the two floating-point formats, for CheckSettings.Eps
// and ClaimEps.
const (
	Float64 = 0x1p-53
	Float32 = 0x1p-24
)

// Defaults of CheckSettings.
const (
	DefaultProjections = 16
	defaultSweeps      = 3
	defaultSeed        = 1
	float64Eps         = Float64
)

func (s *CheckSettings) withDefaults(n int) CheckSettings {
	var c CheckSettings
	if s != nil {
		c = *s
	}
	if c.Step == 0 {
		switch c.Method {
		case MethodRichardson:
			c.Step = ladderStep
		default:
			c.Step = Central.Step
		}
	}
	if c.Eps == 0 {
		c.Eps = float64Eps
	}
	if c.ClaimEps == 0 {
		c.ClaimEps = c.Eps
	}
	if c.Projections == 0 {
		c.Projections = DefaultProjections
	}
	if c.Seed == 0 {
		c.Seed = defaultSeed
	}
	if c.MaxResolve == 0 {
		c.MaxResolve = 256 + n/32
	}
	if c.Sweeps == 0 {
		c.Sweeps = defaultSweeps
	}
	return c
}

// validate checks the settings for a problem of n components at x; an
// error names the setting.
func (s *CheckSettings) validate(x []float64) error {
	n := len(x)
	switch {
	case s.Method < 0 || s.Method >= numMethods:
		return fmt.Errorf("numgrad: unknown method %d", int(s.Method))
	case !(s.Step > 0 && s.Step < 1):
		return fmt.Errorf("numgrad: step %v must lie in (0, 1): h = step·max(1, |x_i|)", s.Step)
	case !(s.AbsTol >= 0) || !finite(s.AbsTol):
		return fmt.Errorf("numgrad: absolute tolerance %v must be non-negative and finite", s.AbsTol)
	case !(s.RelTol >= 0) || !finite(s.RelTol):
		return fmt.Errorf("numgrad: relative tolerance %v must be non-negative and finite", s.RelTol)
	case !(s.Eps > 0 && s.Eps < 1):
		return fmt.Errorf("numgrad: unit roundoff %v must lie in (0, 1)", s.Eps)
	case !(s.ClaimEps > 0 && s.ClaimEps < 1):
		return fmt.Errorf("numgrad: the claim's unit roundoff %v must lie in (0, 1)", s.ClaimEps)
	case !(s.NondetTol >= 0) || !finite(s.NondetTol):
		return fmt.Errorf("numgrad: nondeterminism tolerance %v must be non-negative and finite", s.NondetTol)
	case s.Projections < 0:
		return fmt.Errorf("numgrad: %d projections; want a positive number", s.Projections)
	case s.MaxResolve < 0:
		return fmt.Errorf("numgrad: MaxResolve %d is negative", s.MaxResolve)
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
	if s.Method.exact() {
		return nil
	}
	// The smallest step any stage takes is the sweep's last, 4⁻¹⁶ of the
	// largest (see sweep): it must still move every checked x_i, or the
	// difference quotient divides by zero. The first pass's own step must
	// move it by many ulps, or rounding of x ± h alone is of the order of
	// the step.
	check := func(i int) error {
		xi := x[i]
		if !finite(xi) {
			return nil // flagged by the check
		}
		if h := Step(xi, s.Step); !(h > 0) || h < minRelStep*math.Max(1, math.Abs(xi)) {
			return fmt.Errorf("numgrad: step %v is below the resolution of x[%d] = %v (h = %v): want at least 2⁻⁴⁰ ≈ 9e-13", s.Step, i, xi, h)
		}
		return nil
	}
	if s.Indices != nil {
		for _, i := range s.Indices {
			if err := check(i); err != nil {
				return err
			}
		}
		return nil
	}
	for i := range x {
		if err := check(i); err != nil {
			return err
		}
	}
	return nil
}
