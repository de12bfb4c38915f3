//go:build numgrad_findings

package fuzz

import (
	"testing"

	"github.com/gradcheck/gradcheck/numgrad"
)

// FuzzNumgradCentral holds numgrad's default check (central differences)
// to agreement with the exact comparison on the cases of FuzzGradient:
// where backprop agrees with the exact dual-number reference (finite,
// first-order bound valid, no kink), numgrad must not call the gradient
// wrong.
//
// It is kept out of the passing suite by its build tag because it fails:
// its corpus holds the false alarms it found (see the fuzz report), left
// for numgrad to fix. Run it with
//
//	go test -tags numgrad_findings ./fuzz -run FuzzNumgradCentral
func FuzzNumgradCentral(f *testing.F) {
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxCase {
			return
		}
		net, b, _ := gradientCase(data)
		c, err := Compare(net, net, b)
		if err != nil {
			t.Fatal(err)
		}
		checkNumgrad(t, net, b, c, c.Verdict == NonFinite, numgrad.MethodCentral, true)
	})
}
