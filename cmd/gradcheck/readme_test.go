package main

import (
	"os"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
)

// line is the model of backprop/example_test.go, ŷ = w·x + b with the
// squared error (ŷ − y)², for the README's test of a user's own model.
type line struct{ w, b float64 }

func (m *line) NumParams() int { return 2 }
func (m *line) ParamsTo(dst []float64) []float64 {
	if dst == nil {
		dst = make([]float64, 2)
	}
	dst[0], dst[1] = m.w, m.b
	return dst
}
func (m *line) SetParams(src []float64) { m.w, m.b = src[0], src[1] }
func (m *line) Cost(b backprop.Batch) (float64, error) {
	return m.Gradient(make([]float64, 2), b)
}
func (m *line) Gradient(dst []float64, b backprop.Batch) (float64, error) {
	var c float64
	dst[0], dst[1] = 0, 0
	n := float64(b.Len())
	for i := range b.Len() {
		x, y := b.Sample(i)
		r := m.w*x[0] + m.b - y[0]
		c += r * r / n
		dst[0] += 2 * r * x[0] / n
		dst[1] += 2 * r / n
	}
	return c, nil
}

func TestLineGradient(t *testing.T) {
	d, err := backprop.NewDataset([][]float64{{0}, {1}, {2}}, [][]float64{{-1}, {2}, {5}})
	if err != nil {
		t.Fatal(err)
	}
	m := &line{w: 0.5, b: 0.1}
	r, err := numgrad.CheckModel(m, backprop.All(d), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK() { // a component is wrong (RIGHT where decided is OK)
		t.Fatalf("the gradient is wrong:\n%v", r)
	}
}

// TestReadmeCheckModel holds the README's test of a user's own model (the
// go block of the section "Using it in your tests" that the default run's
// last lines point to) to TestLineGradient above, word for word, so that
// the README shows code that compiles and passes.
func TestReadmeCheckModel(t *testing.T) {
	raw, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), "\n## Using it in your tests\n")
	if !ok {
		t.Fatal(`README.md has no section "## Using it in your tests" (the default run's link points to it)`)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var block string
	for rest := section; ; {
		var b string
		_, b, ok = strings.Cut(rest, "```go\n")
		if !ok {
			break
		}
		b, rest, _ = strings.Cut(b, "```\n")
		if strings.Contains(b, "func TestLineGradient") {
			block = b
		}
	}
	src, err := os.ReadFile("readme_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, fn, _ := strings.Cut(string(src), "\nfunc TestLineGradient")
	fn, _, _ = strings.Cut(fn, "\n}\n")
	if want := "func TestLineGradient" + fn + "\n}\n"; block != want {
		t.Errorf("README.md's test of a user's model differs from TestLineGradient in readme_test.go:\n%s", lineDiff(want, block))
	}
}
