//go:build mutant

package fuzz_test

import (
	"testing"

	"github.com/gradcheck/gradcheck/fuzz"
)

// FuzzUserModelDatasetMean is the README's fuzz target, FuzzUserModel, on
// the dataset-mean mistake (datasetMean): the fuzzer must find an input
// whose sub-batch is smaller than its dataset. Kept out of the passing suite
// by its build tag; TestReadmeMutantTarget holds its text to the README's.
// scripts/fuzz-datasetmean.sh runs it from an empty corpus and times the
// find (make properties-long):
//
//	go test -tags mutant ./fuzz -run '^$' -fuzz '^FuzzUserModelDatasetMean$' -fuzztime 30s
func FuzzUserModelDatasetMean(f *testing.F) {
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		src := fuzz.NewSource(data)
		m := &datasetMean{}                         // your backprop.Model
		m.SetParams(src.Params(m.NumParams(), nil)) // parameters in [−4, 4)
		d := src.Dataset(1, 1, nil)                 // 1 to 8 samples: 1 input, 1 target
		b := src.SubBatch(d)                        // 1 to N of them, in any order
		fuzz.CheckGradient(t, m, b, nil)            // fails t if a component is wrong
	})
}
