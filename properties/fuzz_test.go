package properties_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/properties"
)

// FuzzNetworkProperties runs every property of the suite on backprop's
// networks, drawing from the fuzzer's input through rapid.MakeFuzz.
func FuzzNetworkProperties(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(func(t *rapid.T) {
		for _, p := range properties.Properties {
			p.Check(t, properties.Networks(), suite)
		}
	}))
}
