package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// hostileFiles are the files the hostile inputs name, by base name.
var hostileFiles = map[string]string{
	"m.json":          `{"sizes": [2, 3, 1], "activations": ["tanh", "identity"], "loss": "squared-error", "seed": 1}`,
	"d.csv":           "x1,x2,y\n0,1,1\n1,0,0\n0.5,0.5,0.25\n",
	"empty.json":      "",
	"blank.json":      " \n\t\n",
	"notjson.json":    "sizes: [2, 1]",
	"trunc.json":      `{"sizes": [2, 3`,
	"deep.json":       strings.Repeat("[", 20000) + strings.Repeat("]", 20000),
	"nested.json":     `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "layers": [{"weights": [[[1]]], "biases": [0]}]}`,
	"colour.json":     `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "colour": "red"}`,
	"onesize.json":    `{"sizes": [2], "activations": [], "loss": "mse"}`,
	"zerosize.json":   `{"sizes": [2, 0, 1], "activations": ["tanh", "identity"], "loss": "mse"}`,
	"huge.json":       `{"sizes": [100000, 100000, 100000], "activations": ["tanh", "identity"], "loss": "mse"}`,
	"hugeint.json":    `{"sizes": [1e20, 1], "activations": ["identity"], "loss": "mse"}`,
	"swish.json":      `{"sizes": [2, 3, 1], "activations": ["tanh", "swish"], "loss": "mse"}`,
	"hinge.json":      `{"sizes": [2, 1], "activations": ["identity"], "loss": "hinge"}`,
	"seed.json":       `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "seed": -1}`,
	"w999.json":       `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "layers": [{"weights": [[1e999, 2]], "biases": [0]}]}`,
	"wnan.json":       `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "layers": [{"weights": [["NaN", 2]], "biases": [0]}]}`,
	"wrow.json":       `{"sizes": [2, 2, 1], "activations": ["tanh", "identity"], "loss": "mse", "layers": [{"weights": [[1, 2], [3]], "biases": [0, 0]}, {"weights": [[1, 2]], "biases": [0]}]}`,
	"bias.json":       `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "layers": [{"weights": [[1, 2]], "biases": [0, 1]}]}`,
	"w308.json":       `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "layers": [{"weights": [[1e308, 1e308]], "biases": [1e308]}]}`,
	"trailing.json":   `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse"} {}`,
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
}

// TestHostileInputs feeds hostile files and flag values through the whole
// command line, in process, and checks that each gets exit code 2 and one
// line on stderr that names what is wrong: the file (with its line or
// field where it has one) or the flag. No case may panic or print a stack
// trace.
func TestHostileInputs(t *testing.T) {
	dir := t.TempDir()
	for name, content := range hostileFiles {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// @name stands for the file name in dir.
	for _, tc := range []struct {
		name string
		args string // split on spaces; then @ is the directory, \n a line break
		want string // a substring of the one line on stderr
	}{
		// Model files.
		{"empty model", "grad --model @empty.json --data @d.csv", "empty.json: empty file"},
		{"blank model", "grad --model @blank.json --data @d.csv", "blank.json: empty file"},
		{"model not JSON", "grad --model @notjson.json --data @d.csv", "notjson.json:1:1: invalid character 's'"},
		{"truncated model", "grad --model @trunc.json --data @d.csv", "trunc.json: unexpected end of file"},
		{"deeply nested JSON", "grad --model @deep.json --data @d.csv", "deep.json:1:10001: invalid character '[' exceeded max depth"},
		{"weights nested too deep", "grad --model @nested.json --data @d.csv", "nested.json:1:89: field layers.weights: array is not a valid float64"},
		{"unknown field", "grad --model @colour.json --data @d.csv", `colour.json: json: unknown field "colour"`},
		{"one layer size", "grad --model @onesize.json --data @d.csv", "onesize.json: sizes: need at least 2 layer sizes"},
		{"zero layer size", "grad --model @zerosize.json --data @d.csv", "zerosize.json: sizes[1]: layer size 0 must be positive"},
		{"huge dimensions", "grad --model @huge.json --data @d.csv", "huge.json: sizes: more than 268435456 parameters"},
		{"size beyond int", "grad --model @hugeint.json --data @d.csv", "hugeint.json:1:16: field sizes: number 1e20 is not a valid int"},
		{"unknown activation", "grad --model @swish.json --data @d.csv", `swish.json: activations[1]: unknown activation "swish"`},
		{"unknown loss", "grad --model @hinge.json --data @d.csv", `hinge.json: loss: unknown loss "hinge"`},
		{"negative seed", "grad --model @seed.json --data @d.csv", "seed.json:1:73: field seed: number -1 is not a valid uint64"},
		{"weight 1e999", "grad --model @w999.json --data @d.csv", "w999.json:1:93: field layers.weights: number 1e999 is not a valid float64"},
		{"weight NaN as a string", "grad --model @wnan.json --data @d.csv", "wnan.json:1:93: field layers.weights: string is not a valid float64"},
		{"short weight row", "grad --model @wrow.json --data @d.csv", "wrow.json: layers[0].weights[1]: 1 values, want 2"},
		{"too many biases", "grad --model @bias.json --data @d.csv", "bias.json: layers[0].biases: 2 values, want 1"},
		{"data after the JSON", "grad --model @trailing.json --data @d.csv", "trailing.json:1:63: data after the JSON value"},
		{"weights 1e308 overflow the gradient", "grad --model @w308.json --data @d.csv", "the cost on @d.csv is +Inf: the model's weights or the data overflow"},
		{"weights 1e308 overflow training", "train --model @w308.json --data @d.csv --json", "the cost on @d.csv is +Inf before training"},
		{"model is a directory", "grad --model @ --data @d.csv", "is a directory"},
		{"missing model file", "grad --model @absent.json --data @d.csv", "open @absent.json: no such file or directory"},
		{"model file is CSV", "grad --model @d.csv --data @d.csv", "d.csv:1:1: invalid character 'x' looking for beginning of value"},

		// Datasets.
		{"empty dataset", "grad --model @m.json --data @empty.csv", "empty.csv: no samples"},
		{"header only", "grad --model @m.json --data @header.csv", "header.csv: no samples"},
		{"ragged CSV", "grad --model @m.json --data @ragged.csv", "ragged.csv:3: 2 columns, want 3 (2 inputs, then 1 targets)"},
		{"ragged CSV with CRLF", "grad --model @m.json --data @crlf-ragged.csv", "crlf-ragged.csv:2: 2 columns, want 3"},
		{"NaN cell", "grad --model @m.json --data @nan.csv", `nan.csv:1: column 2: "NaN" is not finite`},
		{"-Inf cell", "train --model @m.json --data @inf.csv", `inf.csv:2: column 2: "-Inf" is not finite`},
		{"word in a cell", "grad --model @m.json --data @word.csv", `word.csv:2: column 2: "abc" is not a number`},
		{"stray quote", "grad --model @m.json --data @quote.csv", `quote.csv:1:4: bare " in non-quoted-field`},
		{"cell beyond float64", "grad --model @m.json --data @e999.csv", `e999.csv:1: column 3: "1e999" is not a number within the range of float64`},
		{"too many columns", "grad --model @m.json --data @wide.csv", "wide.csv:1: 4 columns, want 3"},
		{"too few columns", "grad --model @m.json --data @narrow.csv", "narrow.csv:1: 1 columns, want 3"},
		{"byte-order mark", "grad --model @m.json --data @utf8.csv", `utf8.csv:1: column 1: "\ufeff0" is not a number`},
		{"binary data", "grad --model @m.json --data @binary.csv", `binary.csv:2: column 1: "\x00\x01\x02" is not a number`},
		{"missing dataset", "grad --model @m.json --data @absent.csv", "open @absent.csv: no such file or directory"},
		{"dataset is JSON", "train --model @m.json --data @m.json", `m.json:1:2: bare " in non-quoted-field`},

		// Gradient files (check --claimed).
		{"empty gradient file", "check --model @m.json --data @d.csv --claimed @g-empty.json", "g-empty.json: empty file"},
		{"gradient without layers", "check --model @m.json --data @d.csv --claimed @g-nolayers.json", "g-nolayers.json: layers: missing"},
		{"gradient with too few layers", "check --model @m.json --data @d.csv --claimed @g-count.json", "g-count.json: layers: the gradient has 1, the model 2 (sizes [2 3 1])"},
		{"ragged gradient", "check --model @m.json --data @d.csv --claimed @g-ragged.json", "g-ragged.json: layer 0 weights: row 1 has 1 values, row 0 has 2; want 3×2"},
		{"gradient biases short", "check --model @m.json --data @d.csv --claimed @g-bias.json", "g-bias.json: layer 0 biases: found 2, want 3"},
		{"gradient loss 1e999", "check --model @m.json --data @d.csv --claimed @g-1e999.json", "g-1e999.json:1:15: field loss: number 1e999 is not a valid float64"},
		{"gradient loss NaN", "check --model @m.json --data @d.csv --claimed @g-nan.json", "g-nan.json:1:15: field loss: string is not a valid float64"},
		{"deeply nested gradient", "check --model @m.json --data @d.csv --claimed @g-deep.json", "g-deep.json:1:10022: invalid character '[' exceeded max depth"},
		{"gradient unknown field", "check --model @m.json --data @d.csv --claimed @g-unknown.json", `g-unknown.json: json: unknown field "grad"`},
		{"missing gradient file", "check --model @m.json --data @d.csv --claimed @absent.json", "open @absent.json: no such file or directory"},

		// Flags.
		{"batch 0", "train --model @m.json --data @d.csv --batch 0", "--batch: 0 must be a positive number of samples"},
		{"batch -3", "train --model @m.json --data @d.csv --batch -3", "--batch: -3 must be a positive number of samples"},
		{"batch beyond int", "train --model @m.json --data @d.csv --batch 99999999999999999999", `invalid value "99999999999999999999" for flag -batch: value out of range`},
		{"lr -1", "train --model @m.json --data @d.csv --lr -1", "--lr: -1 must be positive and finite"},
		{"lr 0", "train --model @m.json --data @d.csv --lr 0", "--lr: 0 must be positive and finite"},
		{"lr -0", "train --model @m.json --data @d.csv --lr -0", "--lr: -0 must be positive and finite"},
		{"lr NaN", "train --model @m.json --data @d.csv --lr NaN", "--lr: NaN must be positive and finite"},
		{"lr Inf", "train --model @m.json --data @d.csv --lr Inf", "--lr: +Inf must be positive and finite"},
		{"lr beyond float64", "train --model @m.json --data @d.csv --lr 1e400", `invalid value "1e400" for flag -lr: value out of range`},
		{"lr so large training diverges", "train --model @m.json --data @d.csv --lr 1e300 --epochs 3", "training diverged: the cost on @d.csv is +Inf after epoch 1"},
		{"epochs 0", "train --model @m.json --data @d.csv --epochs 0", "--epochs: 0 must be positive"},
		{"epochs not a number", "train --model @m.json --data @d.csv --epochs abc", `invalid value "abc" for flag -epochs: parse error`},
		{"default run, epochs -1", "--epochs -1", "gradcheck default: --epochs: -1 must be positive"},
		{"unknown mode", "train --model @m.json --data @d.csv --mode sideways", `--mode: unknown mode "sideways" (want online, batch or minibatch)`},
		{"empty mode", "train --model @m.json --data @d.csv --mode=", `--mode: unknown mode ""`},
		{"negative seed flag", "train --model @m.json --data @d.csv --seed -1", `invalid value "-1" for flag -seed: parse error`},
		{"drop-last drops everything", "train --model @m.json --data @d.csv --batch 5 --drop-last", "--batch: 5 is larger than the 3 samples of @d.csv and --drop-last drops every batch"},
		{"save into a missing directory", "train --model @m.json --data @d.csv --epochs 1 --save @nodir/out.json", "open @nodir/out.json: no such file or directory"},
		{"unknown flag", "grad --model @m.json --data @d.csv --nope", "flag provided but not defined: -nope"},
		{"line break in a flag", `grad --model @m.json --data @d.csv --no\npe`, `flag provided but not defined: -no\npe`},
		{"flag without value", "train --model @m.json --data @d.csv --lr", "flag needs an argument: -lr"},
		{"missing --model", "train --data @d.csv", "--model: missing (a model file is required)"},
		{"missing --data", "grad --model @m.json", "--data: missing (a dataset file is required)"},
		{"extra argument", "grad --model @m.json --data @d.csv extra", `unexpected argument "extra"`},
		{"unknown subcommand", "frobnicate --model @m.json", `gradcheck: unknown command "frobnicate"; run 'gradcheck help'`},
		{"check: unknown method", "check --model @m.json --data @d.csv --method bogus", `--method: unknown method "bogus"`},
		{"check: step NaN", "check --model @m.json --data @d.csv --step NaN", "--step: NaN must lie in [0, 1)"},
		{"check: zero projections", "check --model @m.json --data @d.csv --projections 0", "--projections: 0 must be a positive number of directions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := strings.Fields(tc.args)
			for i, a := range args {
				args[i] = strings.ReplaceAll(strings.ReplaceAll(a, "@", dir+string(filepath.Separator)), `\n`, "\n")
			}
			want := strings.ReplaceAll(tc.want, "@", dir+string(filepath.Separator))
			var stdout, stderr bytes.Buffer
			code := run(&env{stdout: &stdout, stderr: &stderr}, args)
			msg := stderr.String()
			if code != 2 {
				t.Errorf("exit %d, want 2; stderr %q", code, msg)
			}
			if !strings.Contains(msg, want) {
				t.Errorf("stderr %q\nwant it to contain %q", msg, want)
			}
			if strings.Count(msg, "\n") != 1 || !strings.HasSuffix(msg, "\n") || !strings.HasPrefix(msg, "gradcheck") {
				t.Errorf("stderr %q is not one line starting with gradcheck", msg)
			}
			noTrace(t, stdout.String()+msg)
		})
	}
}

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
