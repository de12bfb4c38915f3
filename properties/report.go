package properties

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/netio"
)

// fatalf fails the property with a message followed by the case, printed
// so that it can be pasted into a test: for a [backprop.Network] a model
// file and a CSV dataset (see package netio), for any other model its
// parameters and dataset as Go literals.
func (c *instance) fatalf(t *rapid.T, format string, args ...any) {
	t.Helper()
	t.Fatalf("%s\n%s", fmt.Sprintf(format, args...), c.describe())
}

// describe prints the case with the parameters as drawn.
func (c *instance) describe() string {
	var b strings.Builder
	if net, ok := c.Model.(*backprop.Network); ok {
		n := net.Clone()
		n.SetParams(c.theta0)
		b.WriteString("model file:\n")
		if err := netio.WriteModel(&b, netio.FromNetwork(n)); err != nil {
			fmt.Fprintf(&b, "(cannot write the model: %v)\n", err)
		}
		b.WriteString("dataset (CSV):\n")
		var csv bytes.Buffer
		if err := netio.WriteCSV(&csv, c.data); err != nil {
			fmt.Fprintf(&b, "(cannot write the dataset: %v)\n", err)
		}
		b.Write(csv.Bytes())
		return b.String()
	}
	fmt.Fprintf(&b, "model %T, parameters:\n\ttheta := %s\n", c.Model, goFloats(c.theta0))
	fmt.Fprintf(&b, "dataset:\n\td, _ := backprop.NewDataset(%s, %s)\n", goRows(c.data.X, c.data.N, c.data.In), goRows(c.data.Y, c.data.N, c.data.Out))
	return b.String()
}

// goFloats writes v as a Go literal whose values read back bit for bit.
func goFloats(v []float64) string {
	var b strings.Builder
	b.WriteString("[]float64{")
	for i, x := range v {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(goFloat(x))
	}
	b.WriteString("}")
	return b.String()
}

// goFloat writes x as a Go expression of the same bits.
func goFloat(x float64) string {
	switch {
	case x != x:
		return "math.NaN()"
	case math.IsInf(x, 1):
		return "math.Inf(1)"
	case math.IsInf(x, -1):
		return "math.Inf(-1)"
	case x == 0 && 1/x < 0:
		return "math.Copysign(0, -1)"
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// goRows writes n rows of w values from flat as a [][]float64 literal.
func goRows(flat []float64, n, w int) string {
	var b strings.Builder
	b.WriteString("[][]float64{")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strings.TrimPrefix(goFloats(flat[i*w:(i+1)*w]), "[]float64"))
	}
	b.WriteString("}")
	return b.String()
}
