package fuzz

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
)

var writeSeeds = flag.Bool("writeseeds", false, "write the seed corpora of the fuzz targets instead of checking them")

// TestSeeds checks that the committed seed corpora (testdata/fuzz/FuzzX/ of
// this package and of cmd/gradcheck) are exactly the seeds listed here, so
// that every seed keeps its name and the reason it was chosen. With
// -writeseeds it writes them:
//
//	go test ./fuzz -run TestSeeds -args -writeseeds
//
// Regression seeds that a fuzzer found (named regress-…) are not listed
// here and are left alone.
func TestSeeds(t *testing.T) {
	for _, c := range allSeeds() {
		path := filepath.Join(c.dir, c.target, c.name)
		want := marshalCorpus(c.vals...)
		if *writeSeeds {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v (write the seeds with: go test ./fuzz -run TestSeeds -args -writeseeds)", err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from its listed seed (write the seeds with: go test ./fuzz -run TestSeeds -args -writeseeds)", path)
		}
	}
}

// seed is one committed corpus file.
type seed struct {
	dir, target, name string
	vals              []any
}

const here, cmdDir = "testdata/fuzz", "../cmd/gradcheck/testdata/fuzz"

func allSeeds() []seed {
	var s []seed
	add := func(dir, target, name string, vals ...any) {
		s = append(s, seed{dir, target, name, vals})
	}
	for name, m := range modelSeeds() {
		add(here, "FuzzReadModel", name, []byte(m))
	}
	for _, c := range csvSeeds() {
		add(here, "FuzzReadCSV", c.name, []byte(c.data), c.in, c.out)
	}
	for _, c := range gradientFileSeeds() {
		add(here, "FuzzReadGradient", c.name, []byte(c.data), c.sizes)
	}
	for name, c := range gradientSeeds() {
		add(here, "FuzzGradient", name, c.bytes())
	}
	for _, c := range trainSeeds() {
		add(here, "FuzzTrain", c.name, c.data, c.mode, c.batch, c.eta, c.epochs, c.seed, c.flags)
	}
	// One seed per property (which = k), its bitstream drawn from a seeded
	// PCG: past the seed's bytes the target pads with zeros.
	rng := rand.New(rand.NewPCG(1, 1))
	for k := range 12 {
		add(here, "FuzzProperties", fmt.Sprintf("property-%02d", k), uint8(k), randomBytes(rng, 256*(1+k%4)))
	}
	for _, c := range flagSeeds() {
		add(cmdDir, "FuzzFlags", c[0], c[1], c[2], c[3], c[4], c[5], c[6])
	}
	return s
}

const goodModel = `{"sizes": [2, 3, 1], "activations": ["tanh", "identity"], "loss": "squared-error", "seed": 1}`

func withLayer(w, b string) string {
	return `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "layers": [{"weights": [[` + w + `]], "biases": [` + b + `]}]}`
}

func modelSeeds() map[string]string {
	return map[string]string{
		"empty":              "",
		"whitespace":         " \n\t\r\n",
		"good":               goodModel,
		"good-with-layers":   `{"sizes": [2, 2, 1], "activations": ["relu", "identity"], "loss": "mse", "init": "he", "seed": 7, "layers": [{"weights": [[0.5, -1], [2, 0]], "biases": [0, 1]}, {"weights": [[1, -1]], "biases": [0.25]}]}`,
		"aliases":            `{"sizes": [3, 2, 2], "activations": ["LeakyReLU", "linear"], "loss": "Softmax-CE", "init": "XAVIER", "seed": 18446744073709551615}`,
		"unicode-escapes":    `{"sizes": [1, 1], "activations": ["\u0074anh"], "loss": "mse"}`,
		"case-keys":          `{"SIZES": [1, 1], "Activations": ["tanh"], "LOSS": "mse"}`,
		"duplicate-keys":     `{"sizes": [1, 1], "sizes": [2, 1], "activations": ["tanh"], "loss": "mse"}`,
		"huge-dimensions":    `{"sizes": [100000, 100000, 100000], "activations": ["tanh", "identity"], "loss": "mse"}`,
		"product-overflow":   `{"sizes": [4611686018427387904, 4], "activations": ["identity"], "loss": "mse"}`,
		"max-int-size":       `{"sizes": [9223372036854775807, 1], "activations": ["identity"], "loss": "mse"}`,
		"size-beyond-int":    `{"sizes": [1e20, 1], "activations": ["identity"], "loss": "mse"}`,
		"negative-size":      `{"sizes": [-2, 1], "activations": ["identity"], "loss": "mse"}`,
		"zero-size":          `{"sizes": [2, 0, 1], "activations": ["tanh", "identity"], "loss": "mse"}`,
		"just-below-maximum": `{"sizes": [16383, 16383], "activations": ["identity"], "loss": "mse"}`,
		"weight-1e308":       withLayer("1e308, -1e308", "1.7976931348623157e308"),
		"weight-1e999":       withLayer("1e999, 1", "0"),
		"weight-denormal":    withLayer("4.9e-324, -2.2250738585072014e-308", "1e-310"),
		"weight-minus-zero":  withLayer("-0, -0.0", "-0e5"),
		"weight-nan-string":  withLayer(`"NaN", 1`, "0"),
		"weight-nan-token":   withLayer("NaN, 1", "0"),
		"weight-infinity":    withLayer("Infinity, 1", "0"),
		"ragged-weights":     `{"sizes": [2, 2, 1], "activations": ["tanh", "identity"], "loss": "mse", "layers": [{"weights": [[1, 2], [3]], "biases": [0, 0]}, {"weights": [[1, 2]], "biases": [0]}]}`,
		"deeply-nested":      strings.Repeat("[", 20000) + strings.Repeat("]", 20000),
		"nested-weights":     withLayer("[[1]], 2", "0"),
		"unknown-field":      `{"sizes": [1, 1], "activations": ["tanh"], "loss": "mse", "colour": "red"}`,
		"trailing-data":      goodModel + ` {}`,
		"byte-order-mark":    "\ufeff" + goodModel,
		"null":               "null",
		"not-an-object":      `[2, 3, 1]`,
		"truncated":          `{"sizes": [2, 3`,
		// Issue 14: what encoding/json read silently.
		"duplicate-loss":             `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "loss": "softmax-ce"}`,
		"duplicate-layers":           `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "layers": [{"weights": [[1, 2]], "biases": [0]}], "layers": []}`,
		"sizes-beside-Sizes":         `{"sizes": [2, 1], "Sizes": [3, 1], "activations": ["identity"], "loss": "mse"}`,
		"duplicate-biases":           `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "layers": [{"weights": [[1, 2]], "biases": [0], "biases": [1]}]}`,
		"loss-null":                  `{"sizes": [2, 1], "activations": ["identity"], "loss": null}`,
		"layers-null":                `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "layers": null}`,
		"weight-null":                withLayer("null, 1", "0"),
		"missing-loss":               `{"sizes": [2, 1], "activations": ["identity"]}`,
		"missing-biases":             `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "layers": [{"weights": [[1, 2]]}]}`,
		"softmax-one-output":         `{"sizes": [2, 1], "activations": ["identity"], "loss": "softmax-cross-entropy"}`,
		"layers-before-sizes":        `{"layers": [{"weights": [[1, 2]], "biases": [0]}], "sizes": [2, 1], "activations": ["identity"], "loss": "mse"}`,
		"layers-before-sizes-ragged": `{"layers": [{"weights": [[1, 2, 3]], "biases": [0]}], "sizes": [2, 1], "activations": ["identity"], "loss": "mse"}`,
		"rows-beyond-sizes":          withLayer("1, 2], [3, 4", "0"),
		"long-string":                `{"sizes": [2, 1], "activations": ["identity"], "loss": "` + strings.Repeat("x", 5000) + `"}`,
		"long-number":                `{"sizes": [` + strings.Repeat("1", 5000) + `, 1]}`,
		"long-key":                   `{"` + strings.Repeat("k", 300) + `": 1}`,
		"control-character":          "{\"sizes\": [2, 1], \"activations\": [\"iden\x01tity\"], \"loss\": \"mse\"}",
		"bad-escape":                 `{"sizes": [2, 1], "activations": ["\q"], "loss": "mse"}`,
		"leading-zero":               `{"sizes": [02, 1], "activations": ["identity"], "loss": "mse"}`,
	}
}

type csvSeed struct {
	name    string
	data    string
	in, out int8
}

func csvSeeds() []csvSeed {
	return []csvSeed{
		{"empty", "", 2, 1},
		{"header-only", "x1,x2,y\n", 2, 1},
		{"good", "x1,x2,y\n0.5,-1,1\n1e-3,2,0\n", 2, 1},
		{"ragged", "0,1,1\n1,0\n", 2, 1},
		{"nan", "0,NaN,1\n", 2, 1},
		{"inf", "0,1,+Inf\n1,-inf,0\n", 2, 1},
		{"minus-zero", "-0,-0.0,-0e10\n", 2, 1},
		{"1e308", "1e308,-1.7976931348623157e308,1\n", 2, 1},
		{"beyond-float64", "1e309,0,1\n", 2, 1},
		{"denormal", "4.9e-324,2.2250738585072014e-308,1e-310\n", 2, 1},
		{"underflow", "1e-400,0,1\n", 2, 1},
		{"hex-float", "0x1p-1074,0x1.8p1,0X10\n", 2, 1},
		{"underscores", "1_000,0,1\n", 2, 1},
		{"quoted", "\"1\",\" 2\",\"3\"\n", 2, 1},
		{"stray-quote", "0,1\"2,1\n", 2, 1},
		{"crlf", "x,y\r\n1,2\r\n3,4\r\n", 1, 1},
		{"byte-order-mark", "\ufeff0,1,1\n", 2, 1},
		{"binary", "0,1,1\n\x00\x01,\xff,\x7f\n", 2, 1},
		{"wide-line", strings.Repeat("1,", 999) + "1\n", 2, 1},
		{"zero-inputs", "1,2\n", -10, 1},
		{"negative-targets", "1,2\n", 1, -1},
		{"many-columns-asked", "1,2\n", 9, 9},
		{"spaces", "  1 ,\t2,3  \n", 2, 1},
		{"comment-like", "#1,2,3\n1,2,3\n", 2, 1},
		// Issue 14: the byte-order mark before a number, long cells and
		// lines, quoted line breaks, negative targets (for the cross-entropy).
		{"byte-order-mark-header", "\ufeffx1,x2,y\n0,1,1\n", 2, 1},
		{"long-cell", "0," + strings.Repeat("7", 20000) + ",1\n", 2, 1},
		{"quoted-line-breaks", "0,\"1\n\n\n\",1\n", 2, 1},
		{"negative-cross-entropy-target", "0,1,-0.5,1.5\n1,0,-0,1\n", 2, 2},
		{"cross-entropy-weights", "0,1,0.25,0.75\n", 2, 2},
	}
}

type gradFileSeed struct {
	name, data string
	sizes      []byte
}

func gradientFileSeeds() []gradFileSeed {
	good := `{"loss": 0.25, "layers": [{"weights": [[1, -2]], "biases": [0.5]}]}`
	return []gradFileSeed{
		{"empty", "", []byte{2, 1}},
		{"good", good, []byte{2, 1}},
		{"good-wrong-sizes", good, []byte{3, 1}},
		{"good-no-sizes", good, nil},
		{"null", "null", []byte{2, 1}},
		{"layers-null", `{"loss": 1, "layers": null}`, []byte{2, 1}},
		{"layers-empty", `{"loss": 1, "layers": []}`, []byte{2}},
		{"loss-1e308", `{"loss": 1e308, "layers": [{"weights": [[1e308, -1e308]], "biases": [1.7976931348623157e308]}]}`, []byte{2, 1}},
		{"loss-1e999", `{"loss": 1e999, "layers": []}`, []byte{2, 1}},
		{"denormals", `{"loss": 4.9e-324, "layers": [{"weights": [[4.9e-324, 1e-310]], "biases": [2.2250738585072014e-308]}]}`, []byte{2, 1}},
		{"minus-zero", `{"loss": -0, "layers": [{"weights": [[-0, -0.0]], "biases": [-0e3]}]}`, []byte{2, 1}},
		{"ragged", `{"loss": 0, "layers": [{"weights": [[1, 2], [3]], "biases": [0, 0]}]}`, []byte{2, 2}},
		{"empty-rows", `{"loss": 0, "layers": [{"weights": [[], []], "biases": [0, 0]}]}`, []byte{0, 2}},
		{"deeply-nested", `{"loss": 0, "layers": [{"weights": ` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}]}`, []byte{2, 1}},
		{"nan-string", `{"loss": "NaN", "layers": []}`, []byte{1}},
		{"unknown-field", `{"loss": 0, "layers": [], "grad": 1}`, []byte{1}},
		{"two-layers", `{"loss": 3, "layers": [{"weights": [[1], [2]], "biases": [0, 0]}, {"weights": [[1, 2]], "biases": [5]}]}`, []byte{1, 2, 1}},
		// Issue 14: a claim without a loss, null, duplicate keys, shapes
		// beyond the model's.
		{"no-loss", `{"layers": [{"weights": [[1, -2]], "biases": [0.5]}]}`, []byte{2, 1}},
		{"loss-null", `{"loss": null, "layers": []}`, []byte{2, 1}},
		{"duplicate-loss", `{"loss": 1, "layers": [], "loss": 2}`, []byte{2, 1}},
		{"loss-beside-Loss", `{"loss": 1, "Loss": 2, "layers": []}`, []byte{2, 1}},
		{"duplicate-layers", `{"loss": 1, "layers": [], "layers": []}`, []byte{2, 1}},
		{"duplicate-weights", `{"loss": 1, "layers": [{"weights": [], "weights": [], "biases": []}]}`, []byte{2, 1}},
		{"missing-weights", `{"loss": 1, "layers": [{"biases": [0]}]}`, []byte{2, 1}},
		{"layers-beyond-sizes", `{"loss": 1, "layers": [{"weights": [[1, -2]], "biases": [0.5]}, {"weights": [[1]], "biases": [0]}]}`, []byte{2, 1}},
		{"transposed", `{"loss": 1, "layers": [{"weights": [[1, 2, 3], [4, 5, 6]], "biases": [0, 0, 0]}]}`, []byte{2, 3}},
		{"row-beyond-sizes", `{"loss": 1, "layers": [{"weights": [[1, 2, 3, 4]], "biases": [0]}]}`, []byte{2, 1}},
	}
}

// encoder writes the bytes that a Source reads back as the given values:
// the inverse of Source, for writing seeds of the structured targets.
type encoder struct{ b []byte }

func (e *encoder) u8(v uint8) { e.b = append(e.b, v) }
func (e *encoder) u16(v uint16) {
	e.b = binary.LittleEndian.AppendUint16(e.b, v)
}
func (e *encoder) intRange(lo, hi, v int) {
	if v < lo || v > hi {
		panic(fmt.Sprintf("encoder: %d outside [%d, %d]", v, lo, hi))
	}
	e.u16(uint16(v - lo))
}
func (e *encoder) boolean(v bool) {
	if v {
		e.u8(1)
	} else {
		e.u8(0)
	}
}

// grid returns k with k·scale/32768 = v exactly, or false.
func grid(v, scale float64) (int16, bool) {
	k := v / (scale / 32768)
	if k != math.Trunc(k) || k < -32768 || k > 32767 || math.Float64bits(v) == math.Float64bits(math.Copysign(0, -1)) {
		return 0, false
	}
	return int16(k), true
}

// value writes v as Source.Value (hostile false) or Source.Hostile reads
// it: on the grid if it is, as a Special if it is one, else as raw bits.
func (e *encoder) value(v float64, hostile bool) {
	k, ok := grid(v, DefaultScale)
	if !hostile {
		if !ok {
			panic(fmt.Sprintf("encoder: %v is not on the grid of Value(%v)", v, float64(DefaultScale)))
		}
		e.u16(uint16(k))
		return
	}
	if ok {
		e.u8(0)
		e.u16(uint16(k))
		return
	}
	for i, sp := range Specials {
		if math.Float64bits(sp) == math.Float64bits(v) {
			e.u8(uint8(224 + i))
			return
		}
	}
	e.u8(255)
	e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(v))
}

// gradSeed is a case of FuzzGradient as gradientCase decodes it.
type gradSeed struct {
	hostile bool
	sizes   []int
	acts    []backprop.Activation
	loss    backprop.Loss
	params  func(i int) float64 // θ_i; nil: all zero
	x, y    func(s, k int) float64
	n       int
	rows    []int // nil: every sample
}

func (c gradSeed) bytes() []byte {
	var e encoder
	if c.hostile {
		e.u8(0xff)
	} else {
		e.u8(0)
	}
	L := len(c.sizes) - 1
	e.intRange(1, DefaultMaxLayers, L)
	e.intRange(1, DefaultMaxWidth, c.sizes[0])
	for l := range L {
		e.intRange(1, DefaultMaxWidth, c.sizes[l+1])
		e.intRange(0, len(backprop.Activations())-1, int(c.acts[l]))
	}
	e.intRange(0, len(backprop.Losses())-1, int(c.loss))
	np := 0
	for l := range L {
		np += c.sizes[l+1] * (c.sizes[l] + 1)
	}
	for i := range np {
		v := 0.0
		if c.params != nil {
			v = c.params(i)
		}
		e.value(v, c.hostile)
	}
	e.intRange(1, DefaultMaxSamples, c.n)
	for s := range c.n {
		for k := range c.sizes[0] {
			e.value(c.x(s, k), c.hostile)
		}
		for k := range c.sizes[L] {
			e.value(c.y(s, k), c.hostile)
		}
	}
	e.boolean(c.rows != nil)
	if c.rows != nil {
		e.intRange(1, 2*c.n, len(c.rows))
		for _, r := range c.rows {
			e.intRange(0, c.n-1, r)
		}
	}
	return e.b
}

// alternating returns values ±v, ±v/2, … on the grid, so that no two
// units of a layer compute the same thing.
func alternating(v float64) func(int) float64 {
	return func(i int) float64 {
		x := v / float64(int(1)<<(i%4))
		if i%2 == 1 {
			x = -x
		}
		return x
	}
}

func sample(v float64) func(s, k int) float64 {
	return func(s, k int) float64 { return alternating(v)(s + 3*k) }
}

func gradientSeeds() map[string]gradSeed {
	A := backprop.Activations()
	ident, sig, tanh, relu, leaky, soft := A[0], A[1], A[2], A[3], A[4], A[5]
	se, ce := backprop.SquaredError, backprop.SoftmaxCrossEntropy
	constant := func(v float64) func(int) float64 { return func(int) float64 { return v } }
	atSample := func(v float64) func(s, k int) float64 { return func(int, int) float64 { return v } }
	return map[string]gradSeed{
		"all-zero": {sizes: []int{1, 1}, acts: []backprop.Activation{ident}, n: 1, x: atSample(0), y: atSample(0)},
		"textbook": {sizes: []int{2, 3, 3, 1}, acts: []backprop.Activation{sig, sig, ident}, loss: se, params: alternating(0.5), n: 4, x: sample(1), y: sample(0.5)},
		"largest":  {sizes: []int{6, 6, 6, 6}, acts: []backprop.Activation{tanh, soft, ident}, loss: ce, params: alternating(1), n: 8, x: sample(2), y: sample(1)},
		// z = 1·1 − 1·1 + 0 = 0 exactly, after roundings that another
		// order could have made ±tiny: a kink, no verdict.
		"relu-kink": {sizes: []int{2, 1, 1}, acts: []backprop.Activation{relu, ident}, loss: se,
			params: func(i int) float64 { return []float64{1, -1, 0, 1, 0}[i] }, n: 2, x: atSample(1), y: atSample(0.25)},
		"leaky-relu-zero-input": {sizes: []int{2, 2, 2}, acts: []backprop.Activation{leaky, leaky}, loss: ce, params: constant(0), n: 3, x: atSample(0), y: sample(1)},
		"saturated-sigmoid":     {sizes: []int{3, 2, 1}, acts: []backprop.Activation{sig, sig}, loss: se, params: constant(3.5), n: 2, x: atSample(3.5), y: atSample(0)},
		"softmax-large-logits":  {sizes: []int{2, 4}, acts: []backprop.Activation{ident}, loss: ce, params: alternating(3.5), n: 3, x: sample(3.5), y: sample(1)},
		"repeated-rows": {sizes: []int{2, 2, 1}, acts: []backprop.Activation{soft, tanh}, loss: se, params: alternating(0.25), n: 3, x: sample(1), y: sample(1),
			rows: []int{2, 2, 0, 2, 1, 0}},
		"hostile-nan-weight": {hostile: true, sizes: []int{2, 3, 1}, acts: []backprop.Activation{relu, ident}, loss: se,
			params: func(i int) float64 {
				if i == 0 {
					return math.NaN()
				}
				return alternating(1)(i)
			}, n: 2, x: sample(1), y: sample(1)},
		"hostile-inf-input": {hostile: true, sizes: []int{2, 2, 1}, acts: []backprop.Activation{tanh, ident}, loss: se, params: alternating(1), n: 2,
			x: func(s, k int) float64 { return []float64{math.Inf(1), 1}[k] }, y: sample(1)},
		"hostile-nan-target": {hostile: true, sizes: []int{1, 3}, acts: []backprop.Activation{ident}, loss: ce, params: alternating(1), n: 1,
			x: atSample(1), y: func(s, k int) float64 { return []float64{0, math.NaN(), 1}[k] }},
		"hostile-1e308": {hostile: true, sizes: []int{2, 2, 1}, acts: []backprop.Activation{ident, ident}, loss: se, params: constant(1e308), n: 2, x: sample(1), y: sample(1)},
		"hostile-1e154": {hostile: true, sizes: []int{1, 1}, acts: []backprop.Activation{ident}, loss: se, params: constant(1e154), n: 1, x: atSample(1), y: atSample(0)},
		"hostile-denormal": {hostile: true, sizes: []int{2, 2, 2}, acts: []backprop.Activation{sig, ident}, loss: ce,
			params: func(i int) float64 {
				return []float64{math.SmallestNonzeroFloat64, -1e-310, 2.2250738585072014e-308}[i%3]
			}, n: 2, x: sample(1), y: sample(1)},
		"hostile-minus-zero": {hostile: true, sizes: []int{2, 2, 1}, acts: []backprop.Activation{relu, ident}, loss: se,
			params: constant(math.Copysign(0, -1)), n: 2, x: atSample(math.Copysign(0, -1)), y: atSample(math.Copysign(0, -1))},
		"hostile-exp-overflow":  {hostile: true, sizes: []int{1, 2, 2}, acts: []backprop.Activation{soft, ident}, loss: ce, params: constant(710), n: 1, x: atSample(1), y: sample(1)},
		"hostile-exp-underflow": {hostile: true, sizes: []int{1, 2}, acts: []backprop.Activation{sig}, loss: se, params: constant(-746), n: 1, x: atSample(1), y: atSample(1)},
		"hostile-raw-bits": {hostile: true, sizes: []int{1, 1}, acts: []backprop.Activation{tanh}, loss: se,
			params: func(i int) float64 { return []float64{math.Float64frombits(0x7ff0000000000001), 3.5e-300}[i] }, n: 1, x: atSample(1), y: atSample(1)},
	}
}

type trainSeed struct {
	name   string
	data   []byte
	mode   uint8 // Mode(mode%5 − 1)
	batch  int16
	eta    float64
	epochs uint8 // epochs%6 − 1
	seed   uint64
	flags  uint8 // 1: shuffle, 2: drop last
}

func trainSeeds() []trainSeed {
	textbook := gradientSeeds()["textbook"].bytes()
	largest := gradientSeeds()["largest"].bytes()
	const mini, online, full, badLow, badHigh = 1, 2, 3, 0, 4
	return []trainSeed{
		{"minibatch", textbook, mini, 3, 0.1, 3, 1, 1},
		{"online", textbook, online, 0, 0.5, 2, 2, 1},
		{"full-batch", largest, full, 0, 0.05, 4, 0, 0},
		{"defaults", textbook, mini, 0, 0, 1, 0, 0},
		{"mode-below", textbook, badLow, 1, 0.1, 2, 1, 0},
		{"mode-above", textbook, badHigh, 1, 0.1, 2, 1, 0},
		{"batch-negative", textbook, mini, -1, 0.1, 2, 1, 0},
		{"batch-larger-than-data", largest, mini, 32767, 0.1, 2, 1, 1},
		{"drop-last-drops-all", textbook, mini, 5, 0.1, 2, 1, 3},
		{"drop-last-partial", largest, mini, 3, 0.1, 2, 9, 3},
		{"epochs-negative", textbook, mini, 2, 0.1, 0, 1, 0},
		{"eta-nan", textbook, mini, 2, math.NaN(), 2, 1, 0},
		{"eta-inf", textbook, online, 2, math.Inf(1), 2, 1, 0},
		{"eta-minus-inf", textbook, online, 2, math.Inf(-1), 2, 1, 0},
		{"eta-negative", textbook, full, 2, -1, 2, 1, 0},
		{"eta-minus-zero", textbook, full, 2, math.Copysign(0, -1), 2, 1, 0},
		{"eta-denormal", textbook, online, 2, math.SmallestNonzeroFloat64, 2, 1, 1},
		{"eta-1e308", textbook, online, 1, 1e308, 4, 1, 1},
		{"eta-max", largest, full, 1, math.MaxFloat64, 3, 1, 0},
		{"hostile-data", gradientSeeds()["hostile-inf-input"].bytes(), mini, 2, 0.1, 2, 1, 0},
		{"hostile-weights", gradientSeeds()["hostile-1e308"].bytes(), online, 2, 0.1, 2, 1, 1},
		{"hostile-denormal", gradientSeeds()["hostile-denormal"].bytes(), full, 2, 0.1, 2, 1, 0},
		{"empty-bytes", nil, mini, 0, 0.1, 1, 0, 0},
	}
}

// flagSeeds are FuzzFlags's cases: name, then mode, batch, epochs, lr and
// two extra arguments.
func flagSeeds() [][7]string {
	return [][7]string{
		{"valid", "minibatch", "3", "2", "0.1", "", ""},
		{"valid-aliases", " Full-Batch ", "0x10", "0b11", "5e-1", "", ""},
		{"online-sgd", "SGD", "1", "1", "1e-3", "", ""},
		{"batch-zero", "online", "0", "1", "0.1", "", ""},
		{"batch-negative", "online", "-3", "1", "0.1", "", ""},
		{"batch-beyond-int", "online", "99999999999999999999", "1", "0.1", "", ""},
		{"batch-underscores", "minibatch", "1_0", "1", "0.1", "", ""},
		{"epochs-zero", "batch", "4", "0", "0.1", "", ""},
		{"epochs-huge", "batch", "4", "1000000000", "0.1", "", ""},
		{"epochs-word", "batch", "4", "two", "0.1", "", ""},
		{"lr-nan", "batch", "4", "1", "NaN", "", ""},
		{"lr-inf", "batch", "4", "1", "+Inf", "", ""},
		{"lr-minus-zero", "batch", "4", "1", "-0", "", ""},
		{"lr-negative", "batch", "4", "1", "-1", "", ""},
		{"lr-beyond-float64", "batch", "4", "1", "1e400", "", ""},
		{"lr-denormal", "batch", "4", "1", "4.9e-324", "", ""},
		{"lr-diverges", "online", "1", "3", "1e300", "", ""},
		{"lr-hex", "online", "1", "1", "0x1p-3", "", ""},
		{"mode-empty", "", "4", "1", "0.1", "", ""},
		{"mode-unknown", "sideways", "4", "1", "0.1", "", ""},
		{"extra-help", "online", "4", "1", "0.1", "-h", ""},
		{"extra-positional", "online", "4", "1", "0.1", "extra", ""},
		{"extra-unknown-flag", "online", "4", "1", "0.1", "--nope", ""},
		{"extra-drop-last", "minibatch", "5", "1", "0.1", "--drop-last", ""},
		{"extra-json-false", "online", "4", "1", "0.1", "--json=false", "--shuffle=false"},
		{"extra-seed-negative", "online", "4", "1", "0.1", "--seed", "-1"},
		{"extra-line-break", "online", "4", "1", "0.1", "--no\npe", "\r"},
	}
}

// marshalCorpus writes vals in the `go test fuzz v1` format, as
// internal/fuzz's marshalCorpusFile does for these types.
func marshalCorpus(vals ...any) []byte {
	var b bytes.Buffer
	b.WriteString("go test fuzz v1\n")
	for _, v := range vals {
		switch t := v.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", t)
		case string:
			fmt.Fprintf(&b, "string(%q)\n", t)
		case uint8:
			fmt.Fprintf(&b, "byte(%q)\n", t)
		case int8, int16, uint64:
			fmt.Fprintf(&b, "%T(%v)\n", t, t)
		case float64:
			if math.IsNaN(t) && math.Float64bits(t) != math.Float64bits(math.NaN()) {
				fmt.Fprintf(&b, "math.Float64frombits(0x%x)\n", math.Float64bits(t))
			} else {
				fmt.Fprintf(&b, "%T(%v)\n", t, t)
			}
		default:
			panic(fmt.Sprintf("marshalCorpus: unsupported type %T", t))
		}
	}
	return b.Bytes()
}
