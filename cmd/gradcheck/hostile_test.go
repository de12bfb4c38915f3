package main

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mw is a model file with weights, for the claimed gradients: [2, 3, 1].
const mw = `{"sizes": [2, 3, 1], "activations": ["tanh", "identity"], "loss": "squared-error", "seed": 1, "layers": [{"weights": [[0.1, 0.2], [0.3, -0.1], [0.5, 0.4]], "biases": [0, 0.1, 0]}, {"weights": [[0.2, -0.3, 0.1]], "biases": [0.05]}]}`

// head is the start of a model file [2, 1] up to its loss.
const head = `{"sizes": [2, 1], "activations": ["identity"], `

// hostileFiles are the files the hostile inputs name, by base name.
var hostileFiles = map[string]string{
	"m.json":          `{"sizes": [2, 3, 1], "activations": ["tanh", "identity"], "loss": "squared-error", "seed": 1}`,
	"mw.json":         mw,
	"ce.json":         `{"sizes": [2, 2], "activations": ["identity"], "loss": "softmax-cross-entropy"}`,
	"d.csv":           "x1,x2,y\n0,1,1\n1,0,0\n0.5,0.5,0.25\n",
	"empty.json":      "",
	"blank.json":      " \n\t\n",
	"notjson.json":    "sizes: [2, 1]",
	"trunc.json":      `{"sizes": [2, 3`,
	"deep.json":       strings.Repeat("[", 20000) + strings.Repeat("]", 20000),
	"nested.json":     head + `"loss": "mse", "layers": [{"weights": [[[1]]], "biases": [0]}]}`,
	"colour.json":     head + `"loss": "mse", "colour": "red"}`,
	"onesize.json":    `{"sizes": [2], "activations": [], "loss": "mse"}`,
	"zerosize.json":   `{"sizes": [2, 0, 1], "activations": ["tanh", "identity"], "loss": "mse"}`,
	"huge.json":       `{"sizes": [100000, 100000, 100000], "activations": ["tanh", "identity"], "loss": "mse"}`,
	"hugeint.json":    `{"sizes": [1e20, 1], "activations": ["identity"], "loss": "mse"}`,
	"swish.json":      `{"sizes": [2, 3, 1], "activations": ["tanh", "swish"], "loss": "mse"}`,
	"hinge.json":      head + `"loss": "hinge"}`,
	"seed.json":       head + `"loss": "mse", "seed": -1}`,
	"w999.json":       head + `"loss": "mse", "layers": [{"weights": [[1e999, 2]], "biases": [0]}]}`,
	"wnan.json":       head + `"loss": "mse", "layers": [{"weights": [["NaN", 2]], "biases": [0]}]}`,
	"wrow.json":       `{"sizes": [2, 2, 1], "activations": ["tanh", "identity"], "loss": "mse", "layers": [{"weights": [[1, 2], [3]], "biases": [0, 0]}, {"weights": [[1, 2]], "biases": [0]}]}`,
	"bias.json":       head + `"loss": "mse", "layers": [{"weights": [[1, 2]], "biases": [0, 1]}]}`,
	"w308.json":       head + `"loss": "mse", "layers": [{"weights": [[1e308, 1e308]], "biases": [1e308]}]}`,
	"trailing.json":   head + `"loss": "mse"} {}`,
	"empty.csv":       "",
	"header.csv":      "x1,x2,y\n",
	"ragged.csv":      "x1,x2,y\n0,1,1\n1,0\n",
	"nan.csv":         "0,NaN,1\n",
	"inf.csv":         "0,1,1\n1,-Inf,0\n",
	"word.csv":        "0,1,1\n1,abc,0\n",
	"quote.csv":       "0,1\"2,1\n",
	"e999.csv":        "0,1,1e999\n",
	"wide.csv":        "0,1,2,3\n",
	"narrow.csv":      "0.5\n",
	"denormal.csv":    "4.9e-324,-0,1\n",
	"large.csv":       "1e308,1e308,1\n",
	"utf8.csv":        "\xef\xbb\xbf0,1,1\n",
	"binary.csv":      "0,1,1\n\x00\x01\x02,\xff\xfe,\x7f\n",
	"crlf-ragged.csv": "0,1,1\r\n0,1\r\n",
	"g-empty.json":    "",
	"g-nolayers.json": `{"loss": 1}`,
	"g-count.json":    `{"loss": 1, "layers": [{"weights": [[1,2],[3,4],[5,6]], "biases": [0,0,0]}]}`,
	"g-ragged.json":   `{"loss": 1, "layers": [{"weights": [[1,2],[3],[5,6]], "biases": [0,0,0]}, {"weights": [[1,2,3]], "biases": [0]}]}`,
	"g-bias.json":     `{"loss": 1, "layers": [{"weights": [[1,2],[3,4],[5,6]], "biases": [0,0]}, {"weights": [[1,2,3]], "biases": [0]}]}`,
	"g-1e999.json":    `{"loss": 1e999, "layers": []}`,
	"g-nan.json":      `{"loss": "NaN", "layers": []}`,
	"g-deep.json":     `{"loss": 0, "layers": ` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`,
	"g-unknown.json":  `{"loss": 1, "layers": [], "grad": 2}`,

	// Issue 14: silent answers.
	"g-noloss.json":     `{"layers": [{"weights": [[1,2],[3,4],[5,6]], "biases": [0,0,0]}, {"weights": [[1,2,3]], "biases": [0]}]}`,
	"g-nullloss.json":   `{"loss": null, "layers": []}`,
	"g-2loss.json":      `{"loss": 1, "layers": [], "loss": 2}`,
	"g-Loss.json":       `{"loss": 1, "Loss": 2, "layers": []}`,
	"g-2layers.json":    `{"loss": 1, "layers": [], "layers": []}`,
	"g-2weights.json":   `{"loss": 1, "layers": [{"weights": [], "weights": [], "biases": []}]}`,
	"g-3layers.json":    `{"loss": 1, "layers": [{"weights": [], "biases": []}, {"weights": [], "biases": []}, {"weights": [], "biases": []}]}`,
	"g-wide.json":       `{"loss": 1, "layers": [{"weights": [[1, 2, 3, 4]], "biases": []}]}`,
	"g-nullw.json":      `{"loss": 1, "layers": [{"weights": [[null]], "biases": []}]}`,
	"g-noweights.json":  `{"loss": 1, "layers": [{"biases": [0, 0, 0]}]}`,
	"g-string.json":     `{"loss": 1, "layers": [{"weights": [["0"]], "biases": []}]}`,
	"g-array.json":      `[{"loss": 1}]`,
	"g-zeros.json":      "\x00\x00\x00\x00",
	"2loss.json":        head + `"loss": "mse", "loss": "softmax-cross-entropy"}`,
	"2layers.json":      head + `"loss": "mse", "layers": [{"weights": [[1, 2]], "biases": [0]}], "layers": [{"weights": [[3, 4]], "biases": [1]}]}`,
	"Sizes.json":        `{"sizes": [2, 1], "Sizes": [3, 1], "activations": ["identity"], "loss": "mse"}`,
	"2acts.json":        head + `"activations": ["tanh"], "loss": "mse"}`,
	"2seed.json":        head + `"loss": "mse", "seed": 1, "seed": 2}`,
	"2init.json":        head + `"loss": "mse", "init": "he", "INIT": "xavier"}`,
	"2biases.json":      head + `"loss": "mse", "layers": [{"weights": [[1, 2]], "biases": [0], "biases": [1]}]}`,
	"nullloss.json":     head + `"loss": null}`,
	"nullsizes.json":    `{"sizes": null, "activations": ["identity"], "loss": "mse"}`,
	"nullacts.json":     `{"sizes": [2, 1], "activations": null, "loss": "mse"}`,
	"nulllayers.json":   head + `"loss": "mse", "layers": null}`,
	"nullinit.json":     head + `"loss": "mse", "init": null}`,
	"nullseed.json":     head + `"loss": "mse", "seed": null}`,
	"nullweight.json":   head + `"loss": "mse", "layers": [{"weights": [[null, 2]], "biases": [0]}]}`,
	"noloss.json":       head[:len(head)-2] + `}`,
	"nosizes.json":      `{"activations": ["identity"], "loss": "mse"}`,
	"noweights.json":    head + `"loss": "mse", "layers": [{"biases": [0]}]}`,
	"ce1.json":          `{"sizes": [2, 1], "activations": ["identity"], "loss": "softmax-cross-entropy"}`,
	"ce1deep.json":      `{"sizes": [2, 5, 1], "activations": ["tanh", "identity"], "loss": "cross-entropy"}`,
	"ce-neg.csv":        "x1,x2,y1,y2\n0,1,1,0\n1,0,-0.5,1.5\n",
	"ce-negzero.csv":    "0,1,-0,1\n",
	"ce-weights.csv":    "0,1,0.25,0.75\n1,0,2,0\n",
	"ce-tiny.csv":       "0,1,-1e-300,1\n",
	"bom-header.csv":    "\xef\xbb\xbfx1,x2,y\n0,1,1\n",
	"bom-json.json":     "\xef\xbb\xbf" + `{"sizes": [2, 3, 1], "activations": ["tanh", "identity"], "loss": "squared-error", "seed": 1}`,
	"bom-twice.csv":     "\xef\xbb\xbf\xef\xbb\xbf0,1,1\n",
	"keys-case.json":    `{"SIZES": [2, 3, 1], "Activations": ["tanh", "identity"], "Loss": "squared-error"}`,
	"after.json":        `{"layers": [{"weights": [[0, 0]], "biases": [0]}], "sizes": [2, 1], "activations": ["identity"], "loss": "mse"}`,
	"after-bad.json":    `{"layers": [{"weights": [[0, 0, 0]], "biases": [0]}], "sizes": [2, 1], "activations": ["identity"], "loss": "mse"}`,
	"quoted.csv":        "\"0\",\" 1\",\"1\"\n",
	"spaces.csv":        " 0 , 1 ,  1 \n",
	"plus.csv":          "+0.5,.5,5.\n",
	"hex.csv":           "0x1p-2,0,1\n",
	"underscore.csv":    "1_000,0,1\n",
	"semicolon.csv":     "0;1;1\n",
	"blanklines.csv":    "\n\n0,1,1\n\n1,0,0\n\n",
	"onlyspace.csv":     "   \n",
	"comma-end.csv":     "0,1,1,\n",
	"subnormal-y.csv":   "0,1,5e-324\n",
	"underflow.csv":     "0,1,1e-400\n",
	"tab.csv":           "0\t1\t1\n",
	"multiline.csv":     "0,\"1\n\",1\n",
	"nul-cell.csv":      "0,1,1\x00\n",
	"wordinit.json":     head + `"loss": "mse", "init": "zeros"}`,
	"negsize.json":      `{"sizes": [-2, 1], "activations": ["identity"], "loss": "mse"}`,
	"fracsize.json":     `{"sizes": [2.5, 1], "activations": ["identity"], "loss": "mse"}`,
	"strsize.json":      `{"sizes": ["2", 1], "activations": ["identity"], "loss": "mse"}`,
	"boolsize.json":     `{"sizes": [true, 1], "activations": ["identity"], "loss": "mse"}`,
	"objsizes.json":     `{"sizes": {"a": 2}, "activations": ["identity"], "loss": "mse"}`,
	"numloss.json":      head + `"loss": 7}`,
	"ctrl.json":         head + "\"loss\": \"ms\x01e\"}",
	"escape.json":       head + `"loss": "\q"}`,
	"zero01.json":       `{"sizes": [02, 1], "activations": ["identity"], "loss": "mse"}`,
	"trailcomma.json":   head + `"loss": "mse",}`,
	"nocolon.json":      `{"sizes" [2, 1]}`,
	"cutstring.json":    `{"si`,
	"array.json":        `[2, 1]`,
	"high.json":         "\xff\xfe{}",
	"mixed-rows.json":   head + `"loss": "mse", "layers": [{"weights": [1, 2], "biases": [0]}]}`,
	"seedmax.json":      head + `"loss": "mse", "seed": 18446744073709551615}`,
	"seedover.json":     head + `"loss": "mse", "seed": 18446744073709551616}`,
	"wide-model.json":   `{"sizes": [1, 4096, 1], "activations": ["tanh", "identity"], "loss": "mse"}`,
	"params256m.json":   `{"sizes": [16000, 16000], "activations": ["identity"], "loss": "mse"}`,
	"params256m-w.json": `{"sizes": [16000, 16000], "activations": ["identity"], "loss": "mse", "layers": [{"weights": [[0, 0, `,
	"d16000.csv":        strings.Repeat("0,", 31999) + "0\n",
}

// hostileMemory is what the in-process cases may allocate: about what a
// command has under ulimit -v 4 GB (1.7 GB of its address space is mapped
// at start, by the runtime and OpenBLAS).
var hostileMemory = memory{free: 2 << 30, why: "as under ulimit -v 4 GB"}

// writeHostileFiles writes hostileFiles into dir, and the files too large
// to spell out: sparse files just over the 1 GiB limit, a line longer than
// 1 MiB, a cell and a loss name of about a megabyte, a gradient of 100 MB,
// datasets of more samples than the memory holds.
func writeHostileFiles(t testing.TB, dir string) {
	t.Helper()
	files := maps.Clone(hostileFiles)
	files["cell1mb.csv"] = "0," + strings.Repeat("a", 1_000_000) + ",1\n"
	files["loss1mb.json"] = head + `"loss": "` + strings.Repeat("l", 1<<20) + `"}`
	files["loss4k.json"] = head + `"loss": "` + strings.Repeat("l", 4000) + `"}`
	files["act4k.json"] = `{"sizes": [2, 1], "activations": ["` + strings.Repeat("a", 4000) + `"], "loss": "mse"}`
	files["init4k.json"] = head + `"loss": "mse", "init": "` + strings.Repeat("i", 4000) + `"}`
	files["longline.csv"] = strings.Repeat("0", 2<<20) + ",1,1\n"
	files["longnum.json"] = `{"sizes": [` + strings.Repeat("1", 1<<20) + `]}`
	files["many.csv"] = strings.Repeat("0,0,0\n", 400_000)
	files["wide-data.csv"] = strings.Repeat("0,0\n", 20_000)
	files["g-100mb.json"] = `{"loss": 0, "layers": [{"weights": [[` + strings.Repeat("0, ", 100<<20/3) + `0]], "biases": [0]}]}`
	files["g-bigstring.json"] = `{"loss": "` + strings.Repeat("s", 10<<20) + `"}`
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Sparse: a gigabyte of file, no gigabyte of disk.
	for _, name := range []string{"big.csv", "big.json", "g-big.json"} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Truncate(1<<30 + 1); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	if err := os.WriteFile(filepath.Join(dir, "afile"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// hostileCase is one command line of the hostile suite.
type hostileCase struct {
	name string
	args string // split on spaces; then @ is the directory, \n a line break, ^N a run of N bytes 'p'
	want string // a substring of the one line on stderr (or of stdout, with ok)
	ok   bool   // the input is read right: exit 0, want in stdout, nothing on stderr
	full bool   // standard output is a full device
	mem  float64
}

// hostileCases are the in-process cases: each names what is wrong, the
// file and line or field, or the flag.
var hostileCases = []hostileCase{
	// Model files.
	{name: "empty model", args: "grad --model @empty.json --data @d.csv", want: "empty.json: empty file"},
	{name: "blank model", args: "grad --model @blank.json --data @d.csv", want: "blank.json: empty file"},
	{name: "model not JSON", args: "grad --model @notjson.json --data @d.csv", want: "notjson.json:1:1: invalid character 's' looking for a JSON value"},
	{name: "truncated model", args: "grad --model @trunc.json --data @d.csv", want: "trunc.json:1:16: sizes: unexpected end of file (want a comma or ])"},
	{name: "deeply nested JSON", args: "grad --model @deep.json --data @d.csv", want: "deep.json:1:1: want an object, found an array"},
	{name: "weights nested too deep", args: "grad --model @nested.json --data @d.csv", want: "nested.json:1:88: layers[0].weights[0][0]: want a number, found an array"},
	{name: "unknown field", args: "grad --model @colour.json --data @d.csv", want: `colour.json:1:63: unknown field "colour"`},
	{name: "one layer size", args: "grad --model @onesize.json --data @d.csv", want: "onesize.json: sizes: need at least 2 layer sizes"},
	{name: "zero layer size", args: "grad --model @zerosize.json --data @d.csv", want: "zerosize.json: sizes[1]: layer size 0 must be positive"},
	{name: "negative layer size", args: "grad --model @negsize.json --data @d.csv", want: "negsize.json: sizes[0]: layer size -2 must be positive"},
	{name: "fractional layer size", args: "grad --model @fracsize.json --data @d.csv", want: `fracsize.json:1:12: sizes[0]: "2.5" is not an integer`},
	{name: "layer size as a string", args: "grad --model @strsize.json --data @d.csv", want: `strsize.json:1:12: sizes[0]: want an integer, found the string "2"`},
	{name: "layer size true", args: "grad --model @boolsize.json --data @d.csv", want: "boolsize.json:1:12: sizes[0]: want an integer, found a boolean"},
	{name: "sizes an object", args: "grad --model @objsizes.json --data @d.csv", want: "objsizes.json:1:11: sizes: want an array, found an object"},
	{name: "huge dimensions", args: "grad --model @huge.json --data @d.csv", want: "huge.json: sizes: more than 268435456 parameters"},
	{name: "size beyond int", args: "grad --model @hugeint.json --data @d.csv", want: `hugeint.json:1:12: sizes[0]: "1e20" is not an integer within the range of int`},
	{name: "size with a leading zero", args: "grad --model @zero01.json --data @d.csv", want: `zero01.json:1:12: "02" is not a JSON number`},
	{name: "unknown activation", args: "grad --model @swish.json --data @d.csv", want: `swish.json: activations[1]: unknown activation "swish"`},
	{name: "unknown loss", args: "grad --model @hinge.json --data @d.csv", want: `hinge.json: loss: unknown loss "hinge"`},
	{name: "loss a number", args: "grad --model @numloss.json --data @d.csv", want: `numloss.json:1:56: loss: want a string, found the number "7"`},
	{name: "unknown init", args: "grad --model @wordinit.json --data @d.csv", want: `wordinit.json: init: unknown initialisation "zeros"`},
	{name: "negative seed", args: "grad --model @seed.json --data @d.csv", want: `seed.json:1:71: seed: "-1" is not an integer in [0, 2^64)`},
	{name: "seed past 2^64", args: "grad --model @seedover.json --data @d.csv", want: `seedover.json:1:71: seed: "18446744073709551616" is not an integer`},
	{name: "weight 1e999", args: "grad --model @w999.json --data @d.csv", want: `w999.json:1:88: layers[0].weights[0][0]: "1e999" is beyond the range of float64`},
	{name: "weight NaN as a string", args: "grad --model @wnan.json --data @d.csv", want: `wnan.json:1:88: layers[0].weights[0][0]: want a number, found the string "NaN"`},
	{name: "short weight row", args: "grad --model @wrow.json --data @d.csv", want: "wrow.json: layers[0].weights[1]: 1 values, want 2"},
	{name: "too many biases", args: "grad --model @bias.json --data @d.csv", want: "bias.json:1:110: layers[0].biases: more than 1 values, want 1 (shape 1×2)"},
	{name: "weights a flat row", args: "grad --model @mixed-rows.json --data @d.csv", want: "mixed-rows.json:1:87: layers[0].weights[0]: want an array, found the number \"1\""},
	{name: "a layer without weights", args: "grad --model @noweights.json --data @d.csv", want: "noweights.json:1:74: layers[0]: weights: missing"},
	{name: "data after the JSON", args: "grad --model @trailing.json --data @d.csv", want: "trailing.json:1:63: data after the JSON value"},
	{name: "weights 1e308 overflow the gradient", args: "grad --model @w308.json --data @d.csv", want: "the cost on @d.csv is +Inf: the model's weights or the data overflow"},
	{name: "weights 1e308 overflow training", args: "train --model @w308.json --data @d.csv --json", want: "the cost on @d.csv is +Inf before training"},
	{name: "model is a directory", args: "grad --model @ --data @d.csv", want: "is a directory"},
	{name: "missing model file", args: "grad --model @absent.json --data @d.csv", want: "open @absent.json: no such file or directory"},
	{name: "model file is CSV", args: "grad --model @d.csv --data @d.csv", want: "d.csv:1:1: invalid character 'x' looking for a JSON value"},
	{name: "model a top-level array", args: "grad --model @array.json --data @d.csv", want: "array.json:1:1: want an object, found an array"},
	{name: "model starts with bytes ff fe", args: "grad --model @high.json --data @d.csv", want: "high.json:1:1: invalid character byte 0xff"},
	{name: "trailing comma", args: "grad --model @trailcomma.json --data @d.csv", want: "trailcomma.json:1:62: the object: want a key (a string), found '}'"},
	{name: "missing colon", args: "grad --model @nocolon.json --data @d.csv", want: "nocolon.json:1:10: sizes: want a colon after the key, found an array"},
	{name: "file cut in a string", args: "grad --model @cutstring.json --data @d.csv", want: "cutstring.json:1:2: unexpected end of file in a string"},
	{name: "control character in a name", args: "grad --model @ctrl.json --data @d.csv", want: `ctrl.json:1:56: control character '\x01' in a string`},
	{name: "bad escape", args: "grad --model @escape.json --data @d.csv", want: `escape.json:1:56: invalid string "\\q"`},
	{name: "model over 1 GiB", args: "grad --model @big.json --data @d.csv", want: "big.json: larger than 1073741824 bytes (1.00 GiB), the limit of a file"},
	{name: "a number of a megabyte", args: "grad --model @longnum.json --data @d.csv", want: "longnum.json:1:12: a number longer than 4096 characters"},

	// Issue 14: duplicate keys, null, missing fields.
	{name: "loss twice", args: "grad --model @2loss.json --data @d.csv", want: `2loss.json:1:63: "loss": the key is given twice; first at 1:48`},
	{name: "layers twice", args: "grad --model @2layers.json --data @d.csv", want: `2layers.json:1:113: "layers": the key is given twice; first at 1:63`},
	{name: "Sizes beside sizes", args: "grad --model @Sizes.json --data @d.csv", want: `Sizes.json:1:19: "Sizes": the key is given twice; first (as "sizes") at 1:2`},
	{name: "activations twice", args: "grad --model @2acts.json --data @d.csv", want: `2acts.json:1:48: "activations": the key is given twice; first at 1:19`},
	{name: "seed twice", args: "grad --model @2seed.json --data @d.csv", want: `2seed.json:1:74: "seed": the key is given twice; first at 1:63`},
	{name: "init and INIT", args: "grad --model @2init.json --data @d.csv", want: `2init.json:1:77: "INIT": the key is given twice; first (as "init") at 1:63`},
	{name: "biases twice", args: "grad --model @2biases.json --data @d.csv", want: `2biases.json:1:111: "layers[0].biases": the key is given twice; first at 1:96`},
	{name: "loss null", args: "grad --model @nullloss.json --data @d.csv", want: "nullloss.json:1:56: loss: want a string, found null"},
	{name: "sizes null", args: "grad --model @nullsizes.json --data @d.csv", want: "nullsizes.json:1:11: sizes: want an array, found null"},
	{name: "activations null", args: "grad --model @nullacts.json --data @d.csv", want: "nullacts.json:1:34: activations: want an array, found null"},
	{name: "layers null", args: "grad --model @nulllayers.json --data @d.csv", want: "nulllayers.json:1:73: layers: want an array, found null"},
	{name: "init null", args: "grad --model @nullinit.json --data @d.csv", want: "nullinit.json:1:71: init: want a string, found null"},
	{name: "seed null", args: "grad --model @nullseed.json --data @d.csv", want: "nullseed.json:1:71: seed: want an integer, found null"},
	{name: "a weight null", args: "grad --model @nullweight.json --data @d.csv", want: "nullweight.json:1:88: layers[0].weights[0][0]: want a number, found null"},
	{name: "no loss", args: "grad --model @noloss.json --data @d.csv", want: "noloss.json: loss: missing"},
	{name: "no sizes", args: "grad --model @nosizes.json --data @d.csv", want: "nosizes.json: sizes: missing"},
	{name: "layers before sizes, wrong shape", args: "grad --model @after-bad.json --data @d.csv", want: "after-bad.json: layers[0].weights[0]: 3 values, want 2"},

	// Issue 14: softmax cross-entropy over one output, negative targets.
	{name: "softmax-CE over one output", args: "train --model @ce1.json --data @d.csv", want: "ce1.json: loss: softmax-cross-entropy over 1 output is constant"},
	{name: "cross-entropy over one output, deep", args: "check --model @ce1deep.json --data @d.csv", want: "ce1deep.json: loss: softmax-cross-entropy over 1 output is constant"},
	{name: "negative cross-entropy target", args: "train --model @ce.json --data @ce-neg.csv", want: `ce-neg.csv:3: column 3: target "-0.5" is negative; the softmax cross-entropy takes targets ≥ 0`},
	{name: "negative cross-entropy target, grad", args: "grad --model @ce.json --data @ce-tiny.csv", want: `ce-tiny.csv:1: column 3: target "-1e-300" is negative`},

	// Issue 14: check --claimed needs the model's weights.
	{name: "claimed with a model without weights", args: "check --model @m.json --data @d.csv --claimed @g-count.json", want: "m.json: layers: missing; --claimed checks a gradient at the model's weights"},

	// Datasets.
	{name: "empty dataset", args: "grad --model @m.json --data @empty.csv", want: "empty.csv: no samples"},
	{name: "header only", args: "grad --model @m.json --data @header.csv", want: "header.csv: no samples"},
	{name: "only spaces", args: "grad --model @m.json --data @onlyspace.csv", want: "onlyspace.csv:1: header has 1 columns, want 3 (2 inputs, then 1 targets)"},
	{name: "ragged CSV", args: "grad --model @m.json --data @ragged.csv", want: "ragged.csv:3: 2 columns, want 3 (2 inputs, then 1 targets)"},
	{name: "ragged CSV with CRLF", args: "grad --model @m.json --data @crlf-ragged.csv", want: "crlf-ragged.csv:2: 2 columns, want 3"},
	{name: "NaN cell", args: "grad --model @m.json --data @nan.csv", want: `nan.csv:1: column 2: "NaN" is not finite`},
	{name: "-Inf cell", args: "train --model @m.json --data @inf.csv", want: `inf.csv:2: column 2: "-Inf" is not finite`},
	{name: "word in a cell", args: "grad --model @m.json --data @word.csv", want: `word.csv:2: column 2: "abc" is not a number`},
	{name: "stray quote", args: "grad --model @m.json --data @quote.csv", want: `quote.csv:1:4: bare " in non-quoted-field`},
	{name: "cell beyond float64", args: "grad --model @m.json --data @e999.csv", want: `e999.csv:1: column 3: "1e999" is not a number within the range of float64`},
	{name: "too many columns", args: "grad --model @m.json --data @wide.csv", want: "wide.csv:1: 4 columns, want 3"},
	{name: "too few columns", args: "grad --model @m.json --data @narrow.csv", want: "narrow.csv:1: 1 columns, want 3"},
	{name: "a trailing comma", args: "grad --model @m.json --data @comma-end.csv", want: "comma-end.csv:1: 4 columns, want 3"},
	{name: "semicolons", args: "grad --model @m.json --data @semicolon.csv", want: "semicolon.csv:1: header has 1 columns, want 3"},
	{name: "tabs", args: "grad --model @m.json --data @tab.csv", want: "tab.csv:1: header has 1 columns, want 3"},
	{name: "a NUL after a number", args: "grad --model @m.json --data @nul-cell.csv", want: `nul-cell.csv:1: column 3: "1\x00" is not a number`},
	{name: "two byte-order marks", args: "grad --model @m.json --data @bom-twice.csv", want: `bom-twice.csv:1: column 1: "\ufeff0" is not a number`},
	{name: "binary data", args: "grad --model @m.json --data @binary.csv", want: `binary.csv:2: column 1: "\x00\x01\x02" is not a number`},
	{name: "missing dataset", args: "grad --model @m.json --data @absent.csv", want: "open @absent.csv: no such file or directory"},
	{name: "dataset is JSON", args: "train --model @m.json --data @m.json", want: `m.json:1:2: bare " in non-quoted-field`},
	{name: "dataset is a directory", args: "grad --model @m.json --data @", want: "is a directory"},
	{name: "dataset over 1 GiB", args: "grad --model @m.json --data @big.csv", want: "big.csv: larger than 1073741824 bytes (1.00 GiB), the limit of a file"},
	{name: "a line of 2 MiB", args: "train --model @m.json --data @longline.csv", want: "longline.csv:1: a line longer than 1048576 bytes"},
	{name: "a cell of a megabyte", args: "grad --model @m.json --data @cell1mb.csv", want: `cell1mb.csv:1: column 2: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"… (1000000 bytes) is not a number`},

	// Gradient files (check --claimed).
	{name: "empty gradient file", args: "check --model @mw.json --data @d.csv --claimed @g-empty.json", want: "g-empty.json: empty file"},
	{name: "gradient without layers", args: "check --model @mw.json --data @d.csv --claimed @g-nolayers.json", want: "g-nolayers.json: layers: missing"},
	{name: "gradient with too few layers", args: "check --model @mw.json --data @d.csv --claimed @g-count.json", want: "g-count.json: layers: the gradient has 1, the model 2 (sizes [2 3 1])"},
	{name: "ragged gradient", args: "check --model @mw.json --data @d.csv --claimed @g-ragged.json", want: "g-ragged.json: layer 0 weights: row 1 has 1 values, row 0 has 2; want 3×2"},
	{name: "gradient biases short", args: "check --model @mw.json --data @d.csv --claimed @g-bias.json", want: "g-bias.json: layer 0 biases: found 2, want 3"},
	{name: "gradient loss 1e999", args: "check --model @mw.json --data @d.csv --claimed @g-1e999.json", want: `g-1e999.json:1:10: loss: "1e999" is beyond the range of float64`},
	{name: "gradient loss NaN", args: "check --model @mw.json --data @d.csv --claimed @g-nan.json", want: `g-nan.json:1:10: loss: want a number, found the string "NaN"`},
	{name: "deeply nested gradient", args: "check --model @mw.json --data @d.csv --claimed @g-deep.json", want: "g-deep.json:1:24: layers[0]: want an object, found an array"},
	{name: "gradient unknown field", args: "check --model @mw.json --data @d.csv --claimed @g-unknown.json", want: `g-unknown.json:1:27: unknown field "grad"`},
	{name: "missing gradient file", args: "check --model @mw.json --data @d.csv --claimed @absent.json", want: "open @absent.json: no such file or directory"},
	{name: "gradient without a loss", args: "check --model @mw.json --data @d.csv --claimed @g-noloss.json", want: "g-noloss.json: loss: missing (the mean cost the gradient belongs to)"},
	{name: "gradient loss null", args: "check --model @mw.json --data @d.csv --claimed @g-nullloss.json", want: "g-nullloss.json:1:10: loss: want a number, found null"},
	{name: "gradient loss twice", args: "check --model @mw.json --data @d.csv --claimed @g-2loss.json", want: `g-2loss.json:1:27: "loss": the key is given twice; first at 1:2`},
	{name: "gradient Loss beside loss", args: "check --model @mw.json --data @d.csv --claimed @g-Loss.json", want: `g-Loss.json:1:13: "Loss": the key is given twice; first (as "loss") at 1:2`},
	{name: "gradient layers twice", args: "check --model @mw.json --data @d.csv --claimed @g-2layers.json", want: `g-2layers.json:1:27: "layers": the key is given twice`},
	{name: "gradient weights twice", args: "check --model @mw.json --data @d.csv --claimed @g-2weights.json", want: `g-2weights.json:1:40: "layers[0].weights": the key is given twice`},
	{name: "gradient with a layer too many", args: "check --model @mw.json --data @d.csv --claimed @g-3layers.json", want: "g-3layers.json:1:86: layers: more than 2 layers, want 2 (the model's sizes are [2 3 1])"},
	{name: "gradient row too long", args: "check --model @mw.json --data @d.csv --claimed @g-wide.json", want: "g-wide.json:1:47: layers[0].weights[0]: more than 3 values, want 3 (the model's layer 0 is 3×2"},
	{name: "gradient value null", args: "check --model @mw.json --data @d.csv --claimed @g-nullw.json", want: "g-nullw.json:1:38: layers[0].weights[0][0]: want a number, found null"},
	{name: "gradient layer without weights", args: "check --model @mw.json --data @d.csv --claimed @g-noweights.json", want: "g-noweights.json:1:24: layers[0]: weights: missing"},
	{name: "gradient value a string", args: "check --model @mw.json --data @d.csv --claimed @g-string.json", want: `g-string.json:1:38: layers[0].weights[0][0]: want a number, found the string "0"`},
	{name: "gradient an array", args: "check --model @mw.json --data @d.csv --claimed @g-array.json", want: "g-array.json:1:1: want an object, found an array"},
	{name: "gradient of zero bytes", args: "check --model @mw.json --data @d.csv --claimed @g-zeros.json", want: `g-zeros.json:1:1: invalid character '\x00' looking for a JSON value`},
	{name: "gradient of 100 MB", args: "check --model @mw.json --data @d.csv --claimed @g-100mb.json", want: "g-100mb.json:1:47: layers[0].weights[0]: more than 3 values, want 3"},
	{name: "gradient loss a 10 MB string", args: "check --model @mw.json --data @d.csv --claimed @g-bigstring.json", want: "g-bigstring.json:1:10: a string longer than 4096 bytes"},
	{name: "gradient over 1 GiB", args: "check --model @mw.json --data @d.csv --claimed @g-big.json", want: "g-big.json: larger than 1073741824 bytes"},

	// Memory: the estimate refuses, with the estimate, what will not fit.
	{name: "256 M parameters, grad", args: "grad --model @params256m.json --data @d16000.csv", want: "params256m.json: sizes: grad on 256016000 parameters needs about 4.06 GiB of memory, more than the 2.00 GiB available"},
	{name: "256 M parameters, train", args: "train --model @params256m.json --data @d16000.csv", want: "params256m.json: sizes: train on 256016000 parameters needs about"},
	{name: "256 M parameters, check", args: "check --model @params256m.json --data @d16000.csv", want: "params256m.json: sizes: check on 256016000 parameters needs about"},
	{name: "256 M parameters with weights", args: "grad --model @params256m-w.json --data @d16000.csv", want: "params256m-w.json: sizes: grad on 256016000 parameters needs about 6.09 GiB"},
	{name: "weights before the sizes beyond the memory", args: "grad --model @after.json --data @d.csv", mem: 100, want: "after.json:1:46: layers[0].biases[0]: the weights read before the sizes fill the 100 B of memory available"},
	{name: "a dataset larger than memory", args: "grad --model @m.json --data @many.csv", mem: 64 << 20, want: "many.csv:3"},
	{name: "a dataset larger than memory for a wide model", args: "train --model @wide-model.json --data @wide-data.csv", want: "wide-data.csv:16"},
	{name: "fast check of 10⁹ projections", args: "check --model @m.json --data @d.csv --method fast --projections 1000000000", want: "--projections: 1000000000 directions need about"},
	{name: "fast check of 10⁷ projections", args: "check --model @m.json --data @d.csv --method fast --projections 10000000", want: "--projections: 10000000 directions need about 2.12 GiB of memory even on the smallest model"},
	{name: "fast check of 10⁶ projections on 256 M parameters", args: "check --model @params256m.json --data @d16000.csv --method fast --projections 1000000", want: "params256m.json: sizes: check --method fast --projections 1000000 on 256016000 parameters needs about"},

	// Messages quote a bounded prefix.
	{name: "a loss name of a megabyte", args: "grad --model @loss1mb.json --data @d.csv", want: "loss1mb.json:1:56: a string longer than 4096 bytes"},
	{name: "a loss name of 4000 bytes", args: "grad --model @loss4k.json --data @d.csv", want: `loss4k.json: loss: unknown loss "llllllllllllllllllllllllllllllllllllllll"… (4000 bytes)`},
	{name: "an activation of 4000 bytes", args: "grad --model @act4k.json --data @d.csv", want: `act4k.json: activations[0]: unknown activation "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"… (4000 bytes)`},
	{name: "an init of 4000 bytes", args: "grad --model @init4k.json --data @d.csv", want: `init4k.json: init: unknown initialisation "iiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiiii"… (4000 bytes)`},
	{name: "a mode of a megabyte", args: "train --model @m.json --data @d.csv --mode ^1000000", want: `--mode: unknown mode "pppppppppppppppppppppppppppppppppppppppp"… (1000000 bytes)`},
	{name: "a method of a megabyte", args: "check --model @m.json --data @d.csv --method ^1000000", want: `--method: unknown method "pppppppppppppppppppppppppppppppppppppppp"… (1000000 bytes)`},
	{name: "a device of a megabyte", args: "train --model @m.json --data @d.csv --device ^1000000", want: `--device: unknown device "pppppppppppppppppppppppppppppppppppppppp"… (1000000 bytes)`},
	{name: "epochs of a megabyte", args: "train --model @m.json --data @d.csv --epochs ^1000000", want: `invalid value "pppppppppppppppppppppppppppppppppppppppp"… (1000000 bytes) for flag -epochs`},
	{name: "a flag of a megabyte", args: "train --model @m.json --data @d.csv --^1000000", want: `flag provided but not defined: -"pppppppppppppppppppppppppppppppppppppppp"… (1000000 bytes)`},
	{name: "an argument of a megabyte", args: "grad --model @m.json --data @d.csv ^1000000", want: `unexpected argument "pppppppppppppppppppppppppppppppppppppppp"… (1000000 bytes)`},
	{name: "a command of a megabyte", args: "^1000000", want: `gradcheck: unknown command "pppppppppppppppppppppppppppppppppppppppp"… (1000000 bytes)`},
	{name: "a model path of 5000 bytes", args: "grad --model @^5000 --data @d.csv", want: "open …" + strings.Repeat("p", 117) + ": file name too long"},
	{name: "a dataset path of 5000 bytes", args: "grad --model @m.json --data @^5000", want: "open …" + strings.Repeat("p", 117) + ": file name too long"},
	{name: "a claimed path of 5000 bytes", args: "check --model @mw.json --data @d.csv --claimed @^5000", want: "open …" + strings.Repeat("p", 117) + ": file name too long"},
	{name: "a save path of 5000 bytes", args: "train --model @m.json --data @d.csv --save @^5000", want: "--save: open …" + strings.Repeat("p", 117)},

	// Flags.
	{name: "batch 0", args: "train --model @m.json --data @d.csv --batch 0", want: "--batch: 0 must be a positive number of samples"},
	{name: "batch -3", args: "train --model @m.json --data @d.csv --batch -3", want: "--batch: -3 must be a positive number of samples"},
	{name: "batch beyond int", args: "train --model @m.json --data @d.csv --batch 99999999999999999999", want: `invalid value "99999999999999999999" for flag -batch: value out of range`},
	{name: "lr -1", args: "train --model @m.json --data @d.csv --lr -1", want: "--lr: -1 must be positive and finite"},
	{name: "lr 0", args: "train --model @m.json --data @d.csv --lr 0", want: "--lr: 0 must be positive and finite"},
	{name: "lr -0", args: "train --model @m.json --data @d.csv --lr -0", want: "--lr: -0 must be positive and finite"},
	{name: "lr NaN", args: "train --model @m.json --data @d.csv --lr NaN", want: "--lr: NaN must be positive and finite"},
	{name: "lr Inf", args: "train --model @m.json --data @d.csv --lr Inf", want: "--lr: +Inf must be positive and finite"},
	{name: "lr beyond float64", args: "train --model @m.json --data @d.csv --lr 1e400", want: `invalid value "1e400" for flag -lr: value out of range`},
	{name: "lr so large training diverges", args: "train --model @m.json --data @d.csv --lr 1e300 --epochs 3", want: "training diverged: the cost on @d.csv is +Inf after epoch 1"},
	{name: "epochs 0", args: "train --model @m.json --data @d.csv --epochs 0", want: "--epochs: 0 must be positive"},
	{name: "epochs not a number", args: "train --model @m.json --data @d.csv --epochs abc", want: `invalid value "abc" for flag -epochs: parse error`},
	{name: "epochs whose updates overflow", args: "train --model @m.json --data @d.csv --mode online --epochs 9223372036854775807", want: "--epochs: 9223372036854775807 epochs of 3 updates overflow the count of updates"},
	{name: "default run, epochs -1", args: "--epochs -1", want: "gradcheck default: --epochs: -1 must be positive"},
	{name: "unknown mode", args: "train --model @m.json --data @d.csv --mode sideways", want: `--mode: unknown mode "sideways" (want online, batch or minibatch)`},
	{name: "empty mode", args: "train --model @m.json --data @d.csv --mode=", want: `--mode: unknown mode ""`},
	{name: "negative seed flag", args: "train --model @m.json --data @d.csv --seed -1", want: `invalid value "-1" for flag -seed: parse error`},
	{name: "drop-last drops everything", args: "train --model @m.json --data @d.csv --batch 5 --drop-last", want: "--batch: 5 is larger than the 3 samples of @d.csv and --drop-last drops every batch"},
	{name: "save into a missing directory", args: "train --model @m.json --data @d.csv --epochs 1 --save @nodir/out.json", want: "--save: open @nodir: no such file or directory"},
	{name: "save onto a directory", args: "train --model @m.json --data @d.csv --epochs 1 --save @", want: "--save: @ is a directory"},
	{name: "save under a file", args: "train --model @m.json --data @d.csv --epochs 1 --save @afile/out.json", want: "--save: open @afile: not a directory"},
	{name: "unknown flag", args: "grad --model @m.json --data @d.csv --nope", want: "flag provided but not defined: -nope"},
	{name: "line break in a flag", args: `grad --model @m.json --data @d.csv --no\npe`, want: `flag provided but not defined: -no\npe`},
	{name: "flag without value", args: "train --model @m.json --data @d.csv --lr", want: "flag needs an argument: -lr"},
	{name: "missing --model", args: "train --data @d.csv", want: "--model: missing (a model file is required)"},
	{name: "missing --data", args: "grad --model @m.json", want: "--data: missing (a dataset file is required)"},
	{name: "extra argument", args: "grad --model @m.json --data @d.csv extra", want: `unexpected argument "extra"`},
	{name: "unknown subcommand", args: "frobnicate --model @m.json", want: `gradcheck: unknown command "frobnicate"; run 'gradcheck help'`},
	{name: "check: unknown method", args: "check --model @m.json --data @d.csv --method bogus", want: `--method: unknown method "bogus"`},
	{name: "check: step NaN", args: "check --model @m.json --data @d.csv --step NaN", want: "--step: NaN must lie in [0, 1)"},
	{name: "check: zero projections", args: "check --model @m.json --data @d.csv --projections 0", want: "--projections: 0 must be a positive number of directions"},
	{name: "check: projections beyond int", args: "check --model @m.json --data @d.csv --projections 99999999999999999999", want: `invalid value "99999999999999999999" for flag -projections: value out of range`},
	{name: "report: --out an existing file", args: "report --out @afile", want: "--out: @afile exists and is not a directory"},
	{name: "report: --out under a file", args: "report --out @afile/report", want: "--out: mkdir @afile/report: not a directory"},
	{name: "report: --out on /proc", args: "report --out /proc/report", want: "--out: mkdir /proc/report"},

	// Issue 14: standard output on a full device.
	{name: "train, output on a full device", args: "train --model @m.json --data @d.csv --epochs 2", full: true, want: "gradcheck train: writing the output: no space left on device"},
	{name: "train --json, output on a full device", args: "train --model @m.json --data @d.csv --epochs 2 --json", full: true, want: "gradcheck train: writing the output: no space left on device"},
	{name: "grad, output on a full device", args: "grad --model @m.json --data @d.csv", full: true, want: "gradcheck grad: writing the output: no space left on device"},
	{name: "check, output on a full device", args: "check --model @m.json --data @d.csv", full: true, want: "gradcheck check: writing the output: no space left on device"},
	{name: "help, output on a full device", args: "help", full: true, want: "gradcheck help: writing the output: no space left on device"},
	{name: "version, output on a full device", args: "version", full: true, want: "gradcheck version: writing the output: no space left on device"},

	// Read right: what looks hostile but is a valid input.
	{name: "byte-order mark before a number", args: "grad --model @m.json --data @utf8.csv", ok: true, want: `"loss": `},
	{name: "byte-order mark before a header", args: "grad --model @m.json --data @bom-header.csv", ok: true, want: `"loss": `},
	{name: "byte-order mark before a model", args: "grad --model @bom-json.json --data @d.csv", ok: true, want: `"loss": `},
	{name: "keys in another case", args: "grad --model @keys-case.json --data @d.csv", ok: true, want: `"loss": `},
	{name: "layers before sizes", args: "grad --model @after.json --data @d.csv", ok: true, want: `"loss": `},
	{name: "seed 2^64-1", args: "grad --model @seedmax.json --data @d.csv", ok: true, want: `"loss": `},
	{name: "subnormal and -0 cells", args: "grad --model @m.json --data @denormal.csv", ok: true, want: `"loss": `},
	{name: "a cell that underflows to 0", args: "grad --model @m.json --data @underflow.csv", ok: true, want: `"loss": `},
	{name: "a subnormal target", args: "grad --model @m.json --data @subnormal-y.csv", ok: true, want: `"loss": `},
	{name: "quoted cells", args: "grad --model @m.json --data @quoted.csv", ok: true, want: `"loss": `},
	{name: "spaces around cells", args: "grad --model @m.json --data @spaces.csv", ok: true, want: `"loss": `},
	{name: "+0.5, .5 and 5.", args: "grad --model @m.json --data @plus.csv", ok: true, want: `"loss": `},
	{name: "a hexadecimal float", args: "grad --model @m.json --data @hex.csv", ok: true, want: `"loss": `},
	{name: "underscores in a number (Go's syntax, 1_000)", args: "grad --model @m.json --data @underscore.csv", ok: true, want: `"loss": `},
	{name: "a line break in a quoted cell (space around a number)", args: "grad --model @m.json --data @multiline.csv", ok: true, want: `"loss": `},
	{name: "blank lines", args: "train --model @m.json --data @blanklines.csv --epochs 1 --json", ok: true, want: `"updates": 1`},
	{name: "cross-entropy target -0", args: "grad --model @ce.json --data @ce-negzero.csv", ok: true, want: `"loss": `},
	{name: "cross-entropy class weights", args: "train --model @ce.json --data @ce-weights.csv --epochs 2 --json", ok: true, want: `"epochs_run": 2`},
	{name: "a batch larger than the data", args: "train --model @m.json --data @d.csv --batch 1000000000000 --epochs 1 --json", ok: true, want: `"updates": 1`},
	{name: "10⁹ projections of the central method", args: "check --model @m.json --data @d.csv --projections 1000000000", ok: true, want: "verdict: RIGHT"},
}

// TestHostileInputs feeds hostile files and flag values through the whole
// command line, in process, with the memory of a machine under ulimit -v 4
// GB, and checks that each gets exit code 2 and one line on stderr of at
// most 300 bytes that names what is wrong: the file (with its line or
// field where it has one) or the flag; or, for an input that only looks
// hostile, that it is read right. No case may panic or print a stack
// trace, or have its message cut (each message bounds its own quotes).
func TestHostileInputs(t *testing.T) {
	dir := t.TempDir()
	writeHostileFiles(t, dir)
	if n := len(hostileCases) + len(binaryCases(dir)); n < 150 {
		t.Errorf("%d hostile cases, want at least 150", n)
	}
	for _, tc := range hostileCases {
		t.Run(tc.name, func(t *testing.T) {
			args := hostileArgs(tc.args, dir)
			want := strings.ReplaceAll(tc.want, "@", dir+string(filepath.Separator))
			var stdout bytes.Buffer
			var stderr bytes.Buffer
			var out io.Writer = &stdout
			if tc.full {
				out = fullDevice{}
			}
			mem := hostileMemory
			if tc.mem != 0 {
				mem.free = tc.mem
			}
			start := time.Now()
			code := run(&env{stdout: out, stderr: &stderr, memory: func() memory { return mem }}, args)
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("took %v, want at most 30 s", d)
			}
			msg := stderr.String()
			noTrace(t, stdout.String()+msg)
			if tc.ok {
				if code != 0 || msg != "" {
					t.Errorf("exit %d, stderr %q; want 0 and nothing", code, msg)
				}
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout %.300q\nwant it to contain %q", stdout.String(), want)
				}
				return
			}
			checkOneLine(t, code, msg, want)
		})
	}
}

// hostileArgs splits a case's arguments: @ is dir, \n a line break and ^N
// a run of N bytes 'p'.
func hostileArgs(s, dir string) []string {
	args := strings.Fields(s)
	for i, a := range args {
		a = strings.ReplaceAll(strings.ReplaceAll(a, "@", dir+string(filepath.Separator)), `\n`, "\n")
		if j := strings.Index(a, "^"); j >= 0 {
			n, err := strconv.Atoi(a[j+1:])
			if err != nil {
				panic(err)
			}
			a = a[:j] + strings.Repeat("p", n)
		}
		args[i] = a
	}
	return args
}

// checkOneLine fails t unless the command exited 2 with one line on stderr
// of at most 300 bytes, starting with "gradcheck" and holding want, whole.
func checkOneLine(t *testing.T, code int, msg, want string) {
	t.Helper()
	if code != 2 {
		t.Errorf("exit %d, want 2; stderr %.400q", code, msg)
	}
	if !strings.Contains(msg, want) {
		t.Errorf("stderr %.400q\nwant it to contain %q", msg, want)
	}
	if strings.Count(msg, "\n") != 1 || !strings.HasSuffix(msg, "\n") || !strings.HasPrefix(msg, "gradcheck") {
		t.Errorf("stderr %.400q is not one line starting with gradcheck", msg)
	}
	if len(msg) > maxLine+1 || strings.Contains(msg, "…[cut]") {
		t.Errorf("stderr of %d bytes %.100q…: want at most %d, not cut", len(msg), msg, maxLine)
	}
}

// fullDevice fails every write as /dev/full does.
type fullDevice struct{}

func (fullDevice) Write([]byte) (int, error) { return 0, syscall.ENOSPC }

// trace matches what a panic prints, and what run prints for one it
// recovers; it is anchored so that a user's argument quoted in an error
// message cannot match.
var trace = regexp.MustCompile(`(?m)^panic: |goroutine \d+ \[|^gradcheck: internal error`)

// noTrace fails t if out shows a panic or a stack trace.
func noTrace(t *testing.T, out string) {
	t.Helper()
	if m := trace.FindString(out); m != "" {
		t.Errorf("output shows %q:\n%s", m, out)
	}
}

// FuzzFlags fuzzes the values of the trainer's flags through the whole
// command line, `gradcheck train --json` on a small model and dataset,
// plus two arbitrary extra arguments. The command must never panic; it
// exits 0 or 2, and 2 with one line on stderr. Without extra arguments it
// must accept exactly the values that this specification, written out
// independently, calls valid, name an invalid flag in its error, and on
// success report the mode and the number of updates the settings imply.
//
// Epoch counts above 100 are skipped (a valid but long run finds nothing
// new), as are extra arguments that could name files (--model, --data,
// --save) or the epochs.
func FuzzFlags(f *testing.F) {
	dir := f.TempDir()
	model, data := filepath.Join(dir, "m.json"), filepath.Join(dir, "d.csv")
	if err := os.WriteFile(model, []byte(hostileFiles["m.json"]), 0o644); err != nil {
		f.Fatal(err)
	}
	// Four samples, so that the numbers of updates of the modes differ.
	if err := os.WriteFile(data, []byte("0,1,1\n1,0,0\n0.5,0.5,0.25\n-1,2,0\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	const n = 4
	f.Add("minibatch", "3", "2", "0.1", "", "")
	f.Fuzz(func(t *testing.T, mode, batch, epochs, lr, extra1, extra2 string) {
		ep, epErr := strconv.ParseInt(epochs, 0, strconv.IntSize)
		if epErr == nil && ep > 100 {
			return
		}
		var extra []string
		for _, x := range []string{extra1, extra2} {
			if x == "" {
				continue
			}
			for _, risky := range []string{"model", "data", "save", "epoch"} {
				if strings.Contains(x, risky) {
					return
				}
			}
			extra = append(extra, x)
		}
		args := append([]string{"train", "--model", model, "--data", data, "--json",
			"--mode", mode, "--batch", batch, "--epochs", epochs, "--lr", lr}, extra...)
		var stdout, stderr bytes.Buffer
		code := run(&env{stdout: &stdout, stderr: &stderr}, args)
		msg := stderr.String()
		noTrace(t, msg)
		switch code {
		case 0:
			if len(extra) == 0 && msg != "" {
				t.Fatalf("exit 0 with stderr %q", msg)
			}
		case 2:
			if strings.Count(msg, "\n") != 1 || !strings.HasPrefix(msg, "gradcheck train: ") {
				t.Fatalf("stderr %q is not one line starting with \"gradcheck train: \"", msg)
			}
		default:
			t.Fatalf("%q: exit %d, stderr %q", args, code, msg)
		}
		if len(extra) > 0 {
			return
		}

		// The specification of the flags.
		var bad []string
		canon, modeOK := map[string]string{
			"minibatch": "minibatch", "mini-batch": "minibatch",
			"online": "online", "sgd": "online",
			"batch": "batch", "full": "batch", "fullbatch": "batch", "full-batch": "batch",
		}[strings.ToLower(strings.TrimSpace(mode))]
		if !modeOK {
			bad = append(bad, "-mode")
		}
		b, err := strconv.ParseInt(batch, 0, strconv.IntSize)
		if err != nil || b <= 0 {
			bad = append(bad, "-batch")
		}
		if epErr != nil || ep <= 0 {
			bad = append(bad, "-epochs")
		}
		eta, err := strconv.ParseFloat(lr, 64)
		if err != nil || !(eta > 0) || math.IsInf(eta, 0) {
			bad = append(bad, "-lr")
		}

		if len(bad) > 0 {
			if code != 2 {
				t.Fatalf("%q: invalid %v accepted: exit %d", args, bad, code)
			}
			named := false
			for _, flag := range bad {
				named = named || strings.Contains(msg, flag)
			}
			if !named {
				t.Fatalf("%q: error %q names none of the invalid flags %v", args, msg, bad)
			}
			return
		}
		if code == 2 {
			if !strings.Contains(msg, "training diverged") {
				t.Fatalf("%q: valid flags refused: %s", args, msg)
			}
			return
		}
		var out struct {
			Mode    string `json:"mode"`
			Epochs  []any  `json:"epochs"`
			Updates int    `json:"updates"`
		}
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
			t.Fatalf("%q: output is not JSON: %v\n%s", args, err, stdout.String())
		}
		perEpoch := map[string]int{"online": n, "batch": 1, "minibatch": (n + int(b) - 1) / int(b)}[canon]
		if out.Mode != canon || len(out.Epochs) != int(ep) || out.Updates != int(ep)*perEpoch {
			t.Fatalf("%q: mode %q, %d epochs, %d updates; want %q, %d, %d", args, out.Mode, len(out.Epochs), out.Updates, canon, ep, int(ep)*perEpoch)
		}
	})
}
