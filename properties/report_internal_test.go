package properties

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/netio"
)

func TestGoFloat(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		x    float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "math.Copysign(0, -1)"},
		{0.1, "0.1"},
		{-1e300, "-1e+300"},
		{math.SmallestNonzeroFloat64, "5e-324"},
		{math.Inf(1), "math.Inf(1)"},
		{math.Inf(-1), "math.Inf(-1)"},
		{math.NaN(), "math.NaN()"},
	} {
		if got := goFloat(tc.x); got != tc.want {
			t.Errorf("goFloat(%v) = %q, want %q", tc.x, got, tc.want)
		}
		if v, err := strconv.ParseFloat(tc.want, 64); err == nil && math.Float64bits(v) != math.Float64bits(tc.x) {
			t.Errorf("%q reads back as %v, want the bits of %v", tc.want, v, tc.x)
		}
	}
	if got, want := goRows([]float64{1, 2, 3, 4}, 2, 2), "[][]float64{{1, 2}, {3, 4}}"; got != want {
		t.Errorf("goRows = %q, want %q", got, want)
	}
}

// TestDescribeNetworkRoundTrips requires the printed model file and CSV of
// a failing network case to read back, through netio, to the parameters as
// drawn and the dataset bit for bit: the case can be pasted into files.
func TestDescribeNetworkRoundTrips(t *testing.T) {
	t.Parallel()
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 3, 1}, Activations: []backprop.Activation{backprop.Tanh, backprop.Identity}})
	theta := []float64{0.1, -0.2, 1e-310, math.Copysign(0, -1), 3, 1.0 / 3, 0, 0, 0, 4e4, -5, 6, 7}
	net.SetParams(theta)
	d, err := backprop.NewDataset([][]float64{{1, 2}, {0.5, -0.25}}, [][]float64{{1}, {0.1}})
	if err != nil {
		t.Fatal(err)
	}
	c := &instance{Subject: Subject{Model: net, In: 2, Out: 1}, theta0: slices.Clone(theta), data: d}
	net.SetParams(make([]float64, len(theta))) // the property moved θ; the case shows θ as drawn
	text := c.describe()
	model, csv, ok := strings.Cut(strings.TrimPrefix(text, "model file:\n"), "dataset (CSV):\n")
	if !ok {
		t.Fatalf("no dataset section in\n%s", text)
	}
	mf, err := netio.ReadModel(strings.NewReader(model), "model")
	if err != nil {
		t.Fatal(err)
	}
	back, err := mf.Network()
	if err != nil {
		t.Fatal(err)
	}
	if i := firstBitDiff(back.ParamsTo(nil), theta); i >= 0 {
		t.Errorf("θ[%d] reads back as %v, want %v", i, back.ParamsTo(nil)[i], theta[i])
	}
	d2, err := netio.ReadCSV(strings.NewReader(csv), "data", 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if firstBitDiff(d2.X, d.X) >= 0 || firstBitDiff(d2.Y, d.Y) >= 0 {
		t.Errorf("dataset reads back as %v %v, want %v %v", d2.X, d2.Y, d.X, d.Y)
	}
}

// stub is a minimal model for the printing test.
type stub struct{ theta []float64 }

func (m *stub) NumParams() int                                            { return len(m.theta) }
func (m *stub) ParamsTo(dst []float64) []float64                          { return append(dst[:0], m.theta...) }
func (m *stub) SetParams(src []float64)                                   { copy(m.theta, src) }
func (m *stub) Cost(backprop.Batch) (float64, error)                      { return 0, nil }
func (m *stub) Gradient(dst []float64, _ backprop.Batch) (float64, error) { return 0, nil }

func TestDescribeOtherModel(t *testing.T) {
	t.Parallel()
	d, _ := backprop.NewDataset([][]float64{{1}, {2}}, [][]float64{{0.5}, {-1}})
	c := &instance{Subject: Subject{Model: &stub{theta: []float64{1, 2}}, In: 1, Out: 1}, theta0: []float64{0.25, math.Copysign(0, -1)}, data: d}
	got := c.describe()
	for _, want := range []string{
		"theta := []float64{0.25, math.Copysign(0, -1)}",
		"backprop.NewDataset([][]float64{{1}, {2}}, [][]float64{{0.5}, {-1}})",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("case printed as\n%s\nwant it to contain %s", got, want)
		}
	}
}
