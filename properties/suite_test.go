package properties_test

import (
	"testing"

	"github.com/gradcheck/gradcheck/properties"
)

// suite are the settings of the suites run here. AgreesWithNumgrad is
// skipped: at the time of writing numgrad.CheckModel fails right
// gradients (a steep sigmoid, a ReLU bias near its kink, a least-squares
// cost of 10⁻²¹ whose noise it measures at θ rather than at θ ± h; see
// TestAgreesWithNumgradCatchesSign for the property itself and the report
// of issue 5 for the reproducers). Remove the skip once numgrad passes.
var suite = &properties.Settings{Skip: []string{"AgreesWithNumgrad"}}

// TestNetworkSuite runs every property on backprop's networks and trainer.
func TestNetworkSuite(t *testing.T) {
	t.Parallel()
	properties.Suite(t, properties.Networks(), suite)
}
