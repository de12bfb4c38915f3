package properties_test

import (
	"testing"

	"github.com/gradcheck/gradcheck/properties"
)

// TestNetworkSuite runs every property on backprop's networks and trainer.
func TestNetworkSuite(t *testing.T) {
	t.Parallel()
	properties.Suite(t, properties.Networks(), nil)
}
