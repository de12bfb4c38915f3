//go:build mutant

package fuzz

import (
	"os"
	"testing"

	"github.com/gradcheck/gradcheck/numgrad/zoo"
)

// FuzzGradientMutant runs the gradient-agreement target on the mutant of
// numgrad/zoo named by GRADCHECK_FUZZ_MUTANT (default sign-flip-layer-1):
// a demonstration that FuzzGradient finds a wrong gradient, kept out of the
// passing suite by its build tag. Its only seed, the all-zero case, passes
// (every weight is 0, so no gradient the bug touches is nonzero); the
// fuzzer must find a failing input, which it writes under
// testdata/fuzz/FuzzGradientMutant/ (ignored by git):
//
//	GRADCHECK_FUZZ_MUTANT=sign-flip-layer-1 go test -tags mutant ./fuzz \
//		-run '^$' -fuzz '^FuzzGradientMutant$' -fuzztime 60s
func FuzzGradientMutant(f *testing.F) {
	name := os.Getenv("GRADCHECK_FUZZ_MUTANT")
	if name == "" {
		name = "sign-flip-layer-1"
	}
	m, ok := zoo.Lookup(name)
	if !ok {
		f.Fatalf("GRADCHECK_FUZZ_MUTANT=%q: no such mutant in numgrad/zoo", name)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) { agreement(t, data, &m) })
}
