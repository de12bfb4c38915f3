package netio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gradcheck/gradcheck/backprop"
)

// TestCSVNeverTruncated: a dataset longer than the byte limit is an error,
// never the samples before the cut; a number that straddles the cut is not
// read as its prefix (0.25 as 0.2). A file of exactly the limit reads.
func TestCSVNeverTruncated(t *testing.T) {
	t.Parallel()
	file := "0,1,1\n1,0,0.25\n"
	for cut := int64(1); cut < int64(len(file)); cut++ {
		_, err := ReadCSVWithin(strings.NewReader(file), "d.csv", 2, 1, &Limits{Bytes: cut})
		var le *LimitError
		if !errors.As(err, &le) || !strings.Contains(err.Error(), "d.csv: larger than") {
			t.Errorf("limit %d of a %d-byte file: error %v, want a LimitError", cut, len(file), err)
		}
	}
	d, err := ReadCSVWithin(strings.NewReader(file), "d.csv", 2, 1, &Limits{Bytes: int64(len(file))})
	if err != nil || d.N != 2 || d.Y[1] != 0.25 {
		t.Errorf("a file of exactly the limit: %v, %+v", err, d)
	}
}

// TestCSVBounds: a line without an end, a record of quoted line breaks and
// more samples than the caller keeps stop with the line named, within
// bounded memory.
func TestCSVBounds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		r    io.Reader
		lim  *Limits
		want string
	}{
		{"endless zeros", io.LimitReader(zeros{}, 1<<30), nil, "d.csv:1: a line longer than 1048576 bytes"},
		{"endless line after a good one", io.MultiReader(strings.NewReader("1,2,3\n4,5,6\n"), io.LimitReader(spaces{}, 1<<30)), nil, "d.csv:3: a line longer than 1048576 bytes"},
		{"quoted line breaks", io.MultiReader(strings.NewReader("1,2,\""), io.LimitReader(newlines{}, 1<<30)), nil, "d.csv:1: a record longer than 1048576 bytes"},
		{"values", strings.NewReader("1,2,3\n4,5,6\n7,8,9\n"), &Limits{Values: 7}, "d.csv:3: more than 7 values"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadCSVWithin(tc.r, "d.csv", 2, 1, tc.lim)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if len(err.Error()) > 300 {
				t.Errorf("error of %d bytes", len(err.Error()))
			}
		})
	}
	// A line of exactly MaxLine bytes is read.
	cell := strings.Repeat("0", int(MaxLine(3))-4)
	if _, err := ReadCSV(strings.NewReader(cell+",1,1\n"), "d.csv", 2, 1); err != nil {
		t.Errorf("a line of MaxLine bytes: %v", err)
	}
}

// TestCSVMessagesBounded: a cell of half a megabyte is quoted by a short
// prefix and its length.
func TestCSVMessagesBounded(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("z", 1<<19)
	for _, file := range []string{"1," + big + ",1\n", "1,2,3\n" + big + ",1,1\n", "1,2,1e" + strings.Repeat("9", 1<<18) + "\n"} {
		_, err := ReadCSV(strings.NewReader(file), "d.csv", 2, 1)
		if err == nil || len(err.Error()) > 200 || !strings.Contains(err.Error(), " bytes)") {
			t.Errorf("error of %d bytes: %.200v", len(err.Error()), err)
		}
	}
}

// TestCSVByteOrderMark: spreadsheet programs start a UTF-8 file with a
// byte-order mark; it is skipped before a header and before a number.
func TestCSVByteOrderMark(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"\xef\xbb\xbf0.5,1,2\n", "\xef\xbb\xbfx1,x2,y\n0.5,1,2\n"} {
		d, err := ReadCSV(strings.NewReader(file), "d.csv", 2, 1)
		if err != nil || d.N != 1 || d.X[0] != 0.5 {
			t.Errorf("%q: %v, %+v", file, err, d)
		}
	}
	// Only at the start: a mark inside the file is a cell that is no number.
	_, err := ReadCSV(strings.NewReader("1,2,3\n\xef\xbb\xbf4,5,6\n"), "d.csv", 2, 1)
	if err == nil || !strings.Contains(err.Error(), "d.csv:2: column 1") {
		t.Errorf("a mark on line 2: %v", err)
	}
}

// TestDatasetCrossEntropyTargets: for the softmax cross-entropy a negative
// target makes the cost unbounded below; ReadDataset refuses it with the
// line and column, and takes it for the squared error.
func TestDatasetCrossEntropyTargets(t *testing.T) {
	t.Parallel()
	ce := backprop.Config{Sizes: []int{2, 2}, Activations: []backprop.Activation{backprop.Identity}, Loss: backprop.SoftmaxCrossEntropy}
	file := "x1,x2,y1,y2\n0,1,1,0\n1,0,-0.5,1.5\n"
	_, err := ReadDataset(strings.NewReader(file), "d.csv", ce, nil)
	if err == nil || !strings.Contains(err.Error(), `d.csv:3: column 3: target "-0.5" is negative`) {
		t.Errorf("error %v", err)
	}
	se := ce
	se.Loss = backprop.SquaredError
	if d, err := ReadDataset(strings.NewReader(file), "d.csv", se, nil); err != nil || d.Y[2] != -0.5 {
		t.Errorf("squared error: %v", err)
	}
	// −0 is not below 0, and inputs may be negative.
	if _, err := ReadDataset(strings.NewReader("-1,-2,-0,1\n"), "d.csv", ce, nil); err != nil {
		t.Errorf("−0 target: %v", err)
	}
}

// TestWriterMatchesEncodingJSON: the streaming writers write the bytes
// that encoding/json's indented Encoder wrote before them, for awkward
// values too, so files and the command's output did not change.
func TestWriterMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 3))
	specials := []float64{0, -0.0, 1e-7, 1e-6, 9.99e-7, 1e20, 1e21, 1e21 * 1.5, -1e-300, 5e-324, 1.7976931348623157e308, 1.0 / 3, 123456789, -2.5e-8}
	for trial := range 20 {
		sizes := []int{1 + rng.IntN(4)}
		for range 1 + rng.IntN(3) {
			sizes = append(sizes, 1+rng.IntN(4))
		}
		acts := make([]backprop.Activation, len(sizes)-1)
		net := backprop.MustNew(backprop.Config{Sizes: sizes, Activations: acts, Seed: uint64(trial), Init: backprop.Init(trial % 3)})
		theta := net.ParamsTo(nil)
		for i := range theta {
			if rng.IntN(2) == 0 {
				theta[i] = specials[rng.IntN(len(specials))]
			}
		}
		net.SetParams(theta)
		m := FromNetwork(net)
		var got, want bytes.Buffer
		if err := WriteModel(&got, m); err != nil {
			t.Fatal(err)
		}
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.Encode(m)
		if diff := cmp.Diff(want.String(), got.String()); diff != "" {
			t.Fatalf("model file mismatch (-encoding/json +ours):\n%s", diff)
		}
		g := NewGradientFile(net, specials[trial%len(specials)], theta)
		got.Reset()
		want.Reset()
		if err := WriteFlatGradient(&got, sizes, g.Loss, theta); err != nil {
			t.Fatal(err)
		}
		enc.Encode(g)
		if diff := cmp.Diff(want.String(), got.String()); diff != "" {
			t.Fatalf("gradient file mismatch (-encoding/json +ours):\n%s", diff)
		}
		got.Reset()
		if err := WriteGradient(&got, g); err != nil || got.String() != want.String() {
			t.Fatalf("WriteGradient differs from WriteFlatGradient: %v", err)
		}
	}
}

// TestWriteErrors: a writer that fails (a full disk) returns its error.
func TestWriteErrors(t *testing.T) {
	t.Parallel()
	net := backprop.MustNew(backprop.Config{Sizes: []int{30, 40, 2}, Activations: make([]backprop.Activation, 2)})
	full := errors.New("no space left on device")
	if err := WriteModel(failing{full}, FromNetwork(net)); !errors.Is(err, full) {
		t.Errorf("WriteModel: %v", err)
	}
	g := net.ParamsTo(nil)
	if err := WriteFlatGradient(failing{full}, []int{30, 40, 2}, 1, g); !errors.Is(err, full) {
		t.Errorf("WriteFlatGradient: %v", err)
	}
}

type failing struct{ err error }

func (f failing) Write([]byte) (int, error) { return 0, f.err }

type newlines struct{}

func (newlines) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '\n'
	}
	return len(p), nil
}

// TestSaveModel: SaveModel writes the network's file, which reads back to
// the same network, and leaves no temporary file; a network with a NaN is
// refused naming the field, and an existing file stays as it was.
func TestSaveModel(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := dir + "/m.json"
	net := backprop.MustNew(backprop.Config{Sizes: []int{3, 2, 2}, Activations: make([]backprop.Activation, 2), Seed: 4})
	if err := SaveModel(path, net); err != nil {
		t.Fatal(err)
	}
	back, err := LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(net.ParamsTo(nil), back.ParamsTo(nil), cmp.Comparer(func(a, b float64) bool { return a == b })); diff != "" {
		t.Errorf("round trip mismatch (-saved +read):\n%s", diff)
	}
	theta := net.ParamsTo(nil)
	theta[len(theta)-3] = math.NaN() // layer 1, weights row 1, column 1
	net.SetParams(theta)
	err = SaveModel(path, net)
	if err == nil || !strings.HasPrefix(err.Error(), "layers[1].weights[1][1]: NaN cannot be written") {
		t.Errorf("error %v", err)
	}
	if _, err := LoadModel(path); err != nil {
		t.Errorf("the file saved before was changed: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d files in the directory, want 1 (no temporary file left)", len(entries))
	}
}

// TestLengthMismatchPanics: a gradient of the wrong length passed by Go
// code is the caller's mistake: a panic with a message prefixed "netio:".
func TestLengthMismatchPanics(t *testing.T) {
	t.Parallel()
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 1}, Activations: make([]backprop.Activation, 1)})
	for name, f := range map[string]func(){
		"NewGradientFile":   func() { NewGradientFile(net, 0, make([]float64, 2)) },
		"WriteFlatGradient": func() { WriteFlatGradient(io.Discard, []int{2, 1}, 0, make([]float64, 4)) },
	} {
		func() {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.HasPrefix(msg, "netio: "+name+": len(g) = ") {
					t.Errorf("%s: panic %q, want one prefixed netio: naming len(g)", name, msg)
				}
			}()
			f()
		}()
	}
}
