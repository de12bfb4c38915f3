package numgrad

import (
	"fmt"

	"github.com/gradcheck/gradcheck/backprop"
)

// Check compares claimed with the derivatives of f at x and returns the
// report: [CheckProblem] of [FuncProblem]. x and claimed are not modified.
// It panics if f is nil or their lengths differ; it returns an error for
// invalid settings. A NaN or Inf in f's values or in claimed is not an
// error: the report flags it and fails.
func Check(f func([]float64) float64, claimed, x []float64, s *CheckSettings) (*Report, error) {
	if f == nil {
		panic("numgrad: Check: nil function")
	}
	if len(claimed) != len(x) {
		panic(fmt.Sprintf("numgrad: Check: len(claimed) = %d, len(x) = %d", len(claimed), len(x)))
	}
	return CheckProblem(FuncProblem(f, claimed, x), s)
}

// CheckModel checks m's own gradient on b at m's current parameters:
// [CheckProblem] of [ModelProblem] with m.Gradient's claim, computed twice
// to see that it is deterministic. m's parameters are restored before it
// returns. It panics if m is nil; errors of m are returned.
func CheckModel(m backprop.Model, b backprop.Batch, s *CheckSettings) (*Report, error) {
	if m == nil {
		panic("numgrad: CheckModel: nil model")
	}
	return checkModel(m, b, nil, s, nil)
}

// CheckClaimed checks a claimed gradient of m's cost on b at m's current
// parameters, whoever computed it (a file from another implementation, a
// GPU): [CheckProblem] of [ModelProblem] with that claim. m's parameters
// are restored before it returns. It panics if m is nil or
// len(claimed) != m.NumParams(); errors of m are returned. A NaN or Inf in
// the batch's samples fails the report (see Report.Flags), even where the
// model's cost hides it.
func CheckClaimed(m backprop.Model, b backprop.Batch, claimed []float64, s *CheckSettings) (*Report, error) {
	if m == nil {
		panic("numgrad: CheckClaimed: nil model")
	}
	if claimed == nil || len(claimed) != m.NumParams() {
		panic(fmt.Sprintf("numgrad: CheckClaimed: len(claimed) = %d, want %d", len(claimed), m.NumParams()))
	}
	return checkModel(m, b, claimed, s, nil)
}

func checkModel(m backprop.Model, b backprop.Batch, claimed []float64, s *CheckSettings, dirs [][]float64) (*Report, error) {
	theta := m.ParamsTo(nil)
	defer m.SetParams(theta)
	p, err := ModelProblem(m, b, claimed)
	if err != nil {
		return nil, err
	}
	return run(p, s, dirs)
}
