package fuzz_test

import (
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/fuzz"
)

// datasetMean is line with the dataset-mean mistake: its cost is the mean
// over the batch, but its gradient is averaged over the batch's whole
// dataset (b.Data.N) instead of over the batch (b.Len()). On a batch of
// every sample the two agree, so only a sub-batch shows the mistake.
// FuzzUserModelDatasetMean (tag mutant) runs the README's fuzz target on it.
type datasetMean struct{ line }

func (m *datasetMean) Cost(b backprop.Batch) (float64, error) {
	return m.Gradient(make([]float64, 2), b)
}

func (m *datasetMean) Gradient(dst []float64, b backprop.Batch) (float64, error) {
	var c float64
	dst[0], dst[1] = 0, 0
	n, all := float64(b.Len()), float64(b.Data.N)
	for i := range b.Len() {
		x, y := b.Sample(i)
		r := m.w*x[0] + m.b - y[0]
		c += r * r / n
		dst[0] += 2 * r * x[0] / all
		dst[1] += 2 * r / all
	}
	return c, nil
}

// userTarget is the body of the README's fuzz target on the model m, with the
// verdict returned (fuzz.Verify) instead of failing a test: whether the
// check fails the gradient.
func userTarget(t *testing.T, m backprop.Model, data []byte) bool {
	t.Helper()
	src := fuzz.NewSource(data)
	m.SetParams(src.Params(m.NumParams(), nil))
	d := src.Dataset(1, 1, nil)
	return verdict(t, m, src.SubBatch(d)) == fuzz.Fail
}

// verdict returns fuzz.Verify's verdict and fails t on an error.
func verdict(t *testing.T, m backprop.Model, b backprop.Batch) fuzz.Verdict {
	t.Helper()
	v, _, err := fuzz.Verify(m, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestDatasetMeanNeedsSubBatch shows why the README's target draws a
// sub-batch: on the whole dataset the dataset-mean mistake passes, on a
// sub-batch of it the check fails; and the target's seed, one sample, does
// not show it, so that a fuzzing run that finds it found it by fuzzing.
func TestDatasetMeanNeedsSubBatch(t *testing.T) {
	t.Parallel()
	// Parameters w = 1, b = 0.5; 2 samples (x, y) = (1, 0), (−1, 1); then the
	// sub-batch: 1 sample, row 0.
	data := []byte{0x00, 0x20, 0x00, 0x10, 0x01, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0xe0, 0x00, 0x20, 0x00, 0x00}
	if !userTarget(t, &datasetMean{}, data) {
		t.Error("the check passes the dataset-mean mistake on a sub-batch of one of two samples")
	}
	if userTarget(t, &line{}, data) {
		t.Error("the check fails the right model on the same input")
	}
	src := fuzz.NewSource(data)
	m := &datasetMean{}
	m.SetParams(src.Params(2, nil))
	if v := verdict(t, m, backprop.All(src.Dataset(1, 1, nil))); v != fuzz.Pass {
		t.Errorf("on the whole dataset the dataset-mean mistake gets %v; it should be invisible there", v)
	}
	if userTarget(t, &datasetMean{}, []byte{1, 2, 3}) {
		t.Error("the target's seed {1, 2, 3} already shows the mistake: a fuzzing run would not need to find it")
	}
}
