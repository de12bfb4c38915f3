package properties

import (
	"strings"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// AgreesWithNumgrad checks that the model's analytic gradient on a batch
// passes [numgrad.CheckModel] with the settings' Check (default: central
// differences with tolerances derived from the measured noise of the cost,
// see package numgrad). The batch is every sample or a drawn selection of
// them. Kinks are numgrad's to judge: a component at a kink of ReLU is
// reported as such and does not fail the check.
func AgreesWithNumgrad(t *rapid.T, f Factory, s *Settings) {
	t.Helper()
	set := s.withDefaults()
	c := newInstance(t, f, samples(set.MaxSamples))
	b := backprop.All(c.data)
	if rapid.Bool().Draw(t, "selection") {
		b = drawBatch(t, c)
	}
	r, err := numgrad.CheckModel(c.Model, b, set.Check)
	if err != nil {
		c.fatalf(t, "numgrad.CheckModel on rows %v: %v", rowsOf(b), err)
	}
	if !r.OK() {
		c.fatalf(t, "the analytic gradient on rows %v disagrees with numgrad's %v check:\n\t%s\n\tflags: %v",
			rowsOf(b), r.Method, strings.Join(r.Failures(), "\n\t"), r.Flags)
	}
}
