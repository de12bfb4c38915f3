package fuzz

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/netio"
)

// maxInput bounds the bytes a parser target reads: the parsers stream and
// bound their own input (netio.MaxFileSize), so larger inputs find nothing
// new and only slow the fuzzer down.
const maxInput = 64 << 10

// maxBuild bounds the parameters of a network that a target builds from a
// parsed model file. A file without weights may validly ask for up to 2²⁸
// parameters (2 GiB); building that is the CLI's business, not a fuzz
// case's.
const maxBuild = 1 << 16

// bitwise compares float64s bit for bit: −0 differs from 0, and a NaN is
// equal only to the same NaN.
var bitwise = cmp.Comparer(func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) })

// checkError fails t unless err is the kind of error a user can act on:
// one line that starts with the file's name.
func checkError(t *testing.T, err error, name string) {
	t.Helper()
	msg := err.Error()
	if !strings.HasPrefix(msg, name+":") {
		t.Errorf("error %q does not start with the file name %q", msg, name)
	}
	if strings.ContainsAny(msg, "\n\r") {
		t.Errorf("error %q is not one line", msg)
	}
	if len(msg) > 300 {
		t.Errorf("error of %d bytes, want at most 300: %.300q", len(msg), msg)
	}
}

// checkCut fails t if read, given every byte of data but the last, succeeds:
// a file over its limit is an error, never read as if it ended there.
func checkCut(t *testing.T, data []byte, read func(r io.Reader, lim *netio.Limits) error) {
	t.Helper()
	if len(data) == 0 {
		return
	}
	err := read(bytes.NewReader(data), &netio.Limits{Bytes: int64(len(data) - 1)})
	if err == nil {
		t.Fatalf("read a file of %d bytes within a limit of %d", len(data), len(data)-1)
	}
}

// FuzzReadModel feeds arbitrary bytes to netio.ReadModel. A file it refuses
// gets a one-line error naming the file; a file it accepts builds its
// network, writes back and re-parses to the same ModelFile, and the
// network's own file round-trips to the same network, bit for bit.
func FuzzReadModel(f *testing.F) {
	f.Add([]byte(`{"sizes": [2, 3, 1], "activations": ["tanh", "identity"], "loss": "squared-error", "seed": 1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxInput {
			return
		}
		checkCut(t, data, func(r io.Reader, lim *netio.Limits) error {
			_, err := netio.ReadModelWithin(r, "cut.json", lim)
			return err
		})
		m, err := netio.ReadModel(bytes.NewReader(data), "model.json")
		if err != nil {
			checkError(t, err, "model.json")
			return
		}
		// Duplicate keys are refused, so each field was read once. Within a
		// bound on the values kept, n of them at most (weights read after
		// the sizes are not counted), the file reads the same; below it, it
		// reads the same or stops with a LimitError.
		if n := keptValues(m); n > 0 {
			for _, limit := range []int64{n, n - 1, n / 2} {
				mb, err := netio.ReadModelWithin(bytes.NewReader(data), "m.json", &netio.Limits{Values: max(limit, 1)})
				if _, ok := errors.AsType[*netio.LimitError](err); ok && limit < n {
					continue
				}
				if err != nil {
					t.Fatalf("a file of at most %d kept values, within a limit of %d: %v", n, limit, err)
				}
				if diff := cmp.Diff(m, mb, bitwise); diff != "" {
					t.Fatalf("read within a limit of %d values, the file differs:\n%s", limit, diff)
				}
			}
		}
		if numParams(m.Sizes) > maxBuild {
			return
		}
		net, err := m.Network()
		if err != nil {
			t.Fatalf("ReadModel accepted a file that Network refuses: %v", err)
		}

		var buf bytes.Buffer
		if err := netio.WriteModel(&buf, m); err != nil {
			t.Fatalf("WriteModel: %v", err)
		}
		m2, err := netio.ReadModel(&buf, "rewritten.json")
		if err != nil {
			t.Fatalf("the rewritten file does not parse: %v\n%s", err, buf.Bytes())
		}
		if diff := cmp.Diff(m, m2, bitwise); diff != "" {
			t.Fatalf("ModelFile changed on a round trip (-read +rewritten):\n%s", diff)
		}

		buf.Reset()
		if err := netio.WriteModel(&buf, netio.FromNetwork(net)); err != nil {
			t.Fatalf("WriteModel: %v", err)
		}
		m3, err := netio.ReadModel(&buf, "network.json")
		if err != nil {
			t.Fatalf("the network's file does not parse: %v\n%s", err, buf.Bytes())
		}
		net3, err := m3.Network()
		if err != nil {
			t.Fatalf("the network's file does not build: %v", err)
		}
		if diff := cmp.Diff(net.Config(), net3.Config()); diff != "" {
			t.Fatalf("configuration changed on a round trip (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff(net.ParamsTo(nil), net3.ParamsTo(nil), bitwise); diff != "" {
			t.Fatalf("parameters changed on a round trip (-before +after):\n%s", diff)
		}
	})
}

// keptValues counts what a model reader may keep of m, as Limits.Values
// counts it: each size and number, each row as 3, each activation name as
// 2 + len/8 (the weights are counted only when layers precede sizes).
func keptValues(m *netio.ModelFile) int64 {
	n := int64(len(m.Sizes))
	for _, a := range m.Activations {
		n += int64(2 + len(a)/8)
	}
	for _, l := range m.Layers {
		for _, row := range l.Weights {
			n += 3 + int64(len(row))
		}
		n += int64(len(l.Biases))
	}
	return n
}

// numParams returns Σ n_{l+1}(n_l + 1), saturating at maxBuild+1.
func numParams(sizes []int) int {
	n := 0
	for l := 1; l < len(sizes); l++ {
		if sizes[l] > maxBuild || sizes[l-1] > maxBuild {
			return maxBuild + 1
		}
		n += sizes[l] * (sizes[l-1] + 1)
		if n > maxBuild {
			return maxBuild + 1
		}
	}
	return n
}

// FuzzReadCSV feeds arbitrary bytes to netio.ReadCSV with in inputs and out
// targets per line (the fuzzer's in and out, folded into [−2, 9] so that
// non-positive counts are tried too). A refused file gets a one-line error
// naming the file; an accepted one is a valid dataset of finite values
// that writes back and re-parses to the same bits.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("x1,x2,y\n0.5,-1,1\n1e-3,2,0\n"), int8(2), int8(1))
	f.Fuzz(func(t *testing.T, data []byte, in8, out8 int8) {
		if len(data) > maxInput {
			return
		}
		in, out := int(in8)%12-2, int(out8)%12-2
		checkCut(t, data, func(r io.Reader, lim *netio.Limits) error {
			_, err := netio.ReadCSVWithin(r, "cut.csv", in, out, lim)
			return err
		})
		d, err := netio.ReadCSV(bytes.NewReader(data), "data.csv", in, out)
		if in > 0 && out > 1 {
			checkCrossEntropy(t, data, in, out, d, err)
		}
		if err != nil {
			checkError(t, err, "data.csv")
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("ReadCSV returned an invalid dataset: %v", err)
		}
		if d.In != in || d.Out != out {
			t.Fatalf("ReadCSV returned %d inputs and %d targets, asked for %d and %d", d.In, d.Out, in, out)
		}
		var buf bytes.Buffer
		if err := netio.WriteCSV(&buf, d); err != nil {
			t.Fatalf("WriteCSV: %v", err)
		}
		d2, err := netio.ReadCSV(&buf, "rewritten.csv", in, out)
		if err != nil {
			t.Fatalf("the rewritten file does not parse: %v\n%s", err, buf.Bytes())
		}
		if diff := cmp.Diff(d, d2, bitwise); diff != "" {
			t.Fatalf("dataset changed on a round trip (-read +rewritten):\n%s", diff)
		}
	})
}

// checkCrossEntropy reads data for a softmax cross-entropy network of in
// inputs and out outputs: it accepts exactly what ReadCSV accepted (d, err)
// whose every target is ≥ 0 (−0 included), with the same values, and a
// negative target is an error naming its line and column.
func checkCrossEntropy(t *testing.T, data []byte, in, out int, d *backprop.Dataset, err error) {
	t.Helper()
	c := backprop.Config{Sizes: []int{in, out}, Activations: []backprop.Activation{backprop.Identity}, Loss: backprop.SoftmaxCrossEntropy}
	ce, ceErr := netio.ReadDataset(bytes.NewReader(data), "ce.csv", c, nil)
	negative := false
	if err == nil {
		for _, y := range d.Y {
			negative = negative || y < 0
		}
	}
	switch {
	case err != nil || negative:
		if ceErr == nil {
			t.Fatalf("ReadDataset for the cross-entropy accepted what ReadCSV refused or a negative target (%v)", err)
		}
		checkError(t, ceErr, "ce.csv")
		if err == nil && !strings.Contains(ceErr.Error(), "is negative") {
			t.Fatalf("a negative target refused with %q", ceErr)
		}
	case ceErr != nil:
		t.Fatalf("ReadDataset for the cross-entropy refused targets ≥ 0: %v", ceErr)
	default:
		if diff := cmp.Diff(d, ce, bitwise); diff != "" {
			t.Fatalf("ReadDataset read other values (-ReadCSV +ReadDataset):\n%s", diff)
		}
	}
}

// FuzzReadGradient feeds arbitrary bytes to netio.ReadGradient and the
// layer sizes to GradientFile.Flat (each byte of sizes one width, 0 to 6).
// A refused file gets a one-line error naming the file; an accepted one
// writes back and re-parses to the same value. Flat, against the fuzzed
// sizes and against the file's own shapes, refuses with an error naming
// the field or returns Σ n_{l+1}(n_l+1) values that rearrange back into
// the same file.
func FuzzReadGradient(f *testing.F) {
	f.Add([]byte(`{"loss": 0.25, "layers": [{"weights": [[1, -2]], "biases": [0.5]}]}`), []byte{2, 1})
	f.Fuzz(func(t *testing.T, data, sizeBytes []byte) {
		if len(data) > maxInput || len(sizeBytes) > 8 {
			return
		}
		checkCut(t, data, func(r io.Reader, lim *netio.Limits) error {
			_, err := netio.ReadGradientWithin(r, "cut.json", lim)
			return err
		})
		sizes := make([]int, len(sizeBytes))
		for i, b := range sizeBytes {
			sizes[i] = int(b % 7)
		}
		g, err := netio.ReadGradient(bytes.NewReader(data), "grad.json")
		checkShapeBound(t, data, sizes, g, err)
		if err != nil {
			checkError(t, err, "grad.json")
			return
		}
		var buf bytes.Buffer
		if err := netio.WriteGradient(&buf, g); err != nil {
			t.Fatalf("WriteGradient of a parsed file: %v", err)
		}
		g2, err := netio.ReadGradient(&buf, "rewritten.json")
		if err != nil {
			t.Fatalf("the rewritten file does not parse: %v\n%s", err, buf.Bytes())
		}
		if diff := cmp.Diff(g, g2, bitwise); diff != "" {
			t.Fatalf("gradient file changed on a round trip (-read +rewritten):\n%s", diff)
		}

		checkFlat(t, g, sizes)
		checkFlat(t, g, ownSizes(g))
	})
}

// checkShapeBound reads data again within Limits{Sizes: sizes}: a file
// ReadGradient refused stays refused; an accepted one is accepted, the same,
// unless it has more layers than sizes or a layer beyond the bounds (see
// netio.Limits.Sizes), and then the error names the field.
func checkShapeBound(t *testing.T, data []byte, sizes []int, g *netio.GradientFile, err error) {
	t.Helper()
	b, berr := netio.ReadGradientWithin(bytes.NewReader(data), "bound.json", &netio.Limits{Sizes: sizes})
	if err != nil {
		if berr == nil {
			t.Fatalf("refused without a bound (%v), accepted within sizes %v", err, sizes)
		}
		return
	}
	within := len(sizes) < 2 || len(g.Layers) <= len(sizes)-1
	for l := 0; within && l < len(g.Layers) && len(sizes) > 1; l++ {
		in, out := sizes[l], sizes[l+1]
		m, total := max(in, out), 0
		within = len(g.Layers[l].Weights) <= m && len(g.Layers[l].Biases) <= m
		for _, row := range g.Layers[l].Weights {
			total += len(row)
			within = within && len(row) <= m
		}
		// A bound of 0 is no bound (a zero width).
		if m == 0 {
			within = true
		} else if in*out > 0 && total > in*out {
			within = false
		}
	}
	switch {
	case within && berr != nil:
		t.Fatalf("a gradient within sizes %v refused: %v", sizes, berr)
	case !within && berr == nil:
		t.Fatalf("a gradient beyond sizes %v accepted", sizes)
	case berr != nil:
		checkError(t, berr, "bound.json")
	default:
		if diff := cmp.Diff(g, b, bitwise); diff != "" {
			t.Fatalf("read within sizes %v, the gradient differs (-unbounded +bounded):\n%s", sizes, diff)
		}
	}
}

// ownSizes returns the layer sizes that g's shapes suggest, or nil.
func ownSizes(g *netio.GradientFile) []int {
	if len(g.Layers) == 0 || len(g.Layers[0].Weights) == 0 {
		return nil
	}
	sizes := []int{len(g.Layers[0].Weights[0])}
	for _, l := range g.Layers {
		sizes = append(sizes, len(l.Weights))
	}
	return sizes
}

// checkFlat checks g.Flat(sizes): an error names a field, a result has the
// length of the flat layout and, on a network of those sizes, rearranges
// back into g.
func checkFlat(t *testing.T, g *netio.GradientFile, sizes []int) {
	t.Helper()
	flat, err := g.Flat(sizes)
	if err != nil {
		msg := err.Error()
		if !strings.HasPrefix(msg, "layers") && !strings.HasPrefix(msg, "loss") {
			t.Errorf("Flat(%v): error %q names no field", sizes, msg)
		}
		return
	}
	n := 0
	for l := 1; l < len(sizes); l++ {
		n += sizes[l] * (sizes[l-1] + 1)
	}
	if len(flat) != n {
		t.Fatalf("Flat(%v) returned %d values, want %d", sizes, len(flat), n)
	}
	if len(sizes) < 2 {
		return
	}
	cfg := backprop.Config{Sizes: sizes, Activations: make([]backprop.Activation, len(sizes)-1)}
	net, err := backprop.New(cfg)
	if err != nil {
		// Sizes with a zero width: Flat may accept the empty rows, but
		// there is no network to rearrange them on.
		return
	}
	back := netio.NewGradientFile(net, g.Loss, flat)
	if diff := cmp.Diff(g, back, bitwise); diff != "" {
		t.Fatalf("Flat(%v) then NewGradientFile changed the gradient (-file +rearranged):\n%s", sizes, diff)
	}
}
