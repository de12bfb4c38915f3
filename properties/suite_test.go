package properties_test

import (
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/properties"
)

// suite are the settings of the suites run here: every property, including
// AgreesWithNumgrad. That one was skipped until numgrad stopped calling right
// gradients of extreme gain wrong (about one example in 2,000 did); the
// classes rapid found are numgrad's tests now (TestArbitratePassesRightGradient,
// TestTermScaleAllowsCancellation), and ten runs of 5,000 to 10,000 examples
// found no other.
var suite = &properties.Settings{}

// TestNetworkSuite runs every property on backprop's networks and trainer.
func TestNetworkSuite(t *testing.T) {
	t.Parallel()
	properties.Suite(t, properties.Networks(), suite)
}

// TestFalsify checks the runner the zoo uses: a property that holds gives
// no failure, one that fails gives the first failing seed and the message.
func TestFalsify(t *testing.T) {
	t.Parallel()
	hold := func(t *rapid.T) { rapid.IntRange(0, 9).Draw(t, "n") }
	if _, msg, failed := properties.Falsify(hold, 50); failed {
		t.Errorf("a property that holds failed: %s", msg)
	}
	big := func(t *rapid.T) {
		if n := rapid.IntRange(0, 1000).Draw(t, "n"); n > 500 {
			t.Fatalf("n = %d", n)
		}
	}
	seed, msg, failed := properties.Falsify(big, 200)
	if !failed || !strings.HasPrefix(msg, "n = ") {
		t.Fatalf("failed %v, message %q; want a failure with the property's message", failed, msg)
	}
	if s2, m2, _ := properties.Falsify(big, 200); s2 != seed || m2 != msg {
		t.Errorf("two runs give seed %d %q and %d %q", seed, msg, s2, m2)
	}
	panics := func(t *rapid.T) { rapid.Bool().Draw(t, "b"); panic("boom") }
	if _, msg, failed := properties.Falsify(panics, 1); !failed || msg != "boom" {
		t.Errorf("a panicking property: failed %v, message %q", failed, msg)
	}
}

// TestSuiteSkip checks that Settings.Skip skips the named properties.
func TestSuiteSkip(t *testing.T) {
	var all []string
	for _, p := range properties.Properties {
		all = append(all, p.Name)
	}
	properties.Suite(t, func(t *rapid.T) properties.Subject {
		t.Fatal("a skipped property drew a model")
		return properties.Subject{}
	}, &properties.Settings{Skip: all})
}
