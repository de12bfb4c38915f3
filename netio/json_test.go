package netio

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// TestModelJSONStrict holds what the stream parser refuses or accepts
// where encoding/json was silent: each case's error names the file, the
// line and column, and the field.
func TestModelJSONStrict(t *testing.T) {
	t.Parallel()
	const head = `{"sizes": [2, 1], "activations": ["identity"], `
	for _, tc := range []struct {
		name, file, want string
	}{
		{"duplicate loss", head + `"loss": "mse", "loss": "softmax-cross-entropy"}`, `m.json:1:63: "loss": the key is given twice; first at 1:48`},
		{"duplicate sizes, other case", `{"sizes": [2, 1], "Sizes": [3, 1], "activations": ["identity"], "loss": "mse"}`, `m.json:1:19: "Sizes": the key is given twice; first (as "sizes") at 1:2`},
		{"duplicate layers", head + `"loss": "mse", "layers": [{"weights": [[1, 2]], "biases": [0]}], "layers": []}`, `"layers": the key is given twice`},
		{"duplicate weights", head + `"loss": "mse", "layers": [{"weights": [[1, 2]], "weights": [[1, 2]], "biases": [0]}]}`, `"layers[0].weights": the key is given twice`},
		{"null loss", head + `"loss": null}`, "m.json:1:56: loss: want a string, found null"},
		{"null sizes", `{"sizes": null}`, "m.json:1:11: sizes: want an array, found null"},
		{"null layers", head + `"loss": "mse", "layers": null}`, "layers: want an array, found null"},
		{"null weight", head + `"loss": "mse", "layers": [{"weights": [[null, 2]], "biases": [0]}]}`, "layers[0].weights[0][0]: want a number, found null"},
		{"missing loss", head[:len(head)-2] + `}`, "m.json: loss: missing"},
		{"missing sizes", `{"activations": ["identity"], "loss": "mse"}`, "m.json: sizes: missing"},
		{"missing activations", `{"sizes": [2, 1], "loss": "mse"}`, "m.json: activations: missing"},
		{"missing weights", head + `"loss": "mse", "layers": [{"biases": [0]}]}`, "layers[0]: weights: missing"},
		{"missing biases", head + `"loss": "mse", "layers": [{"weights": [[1, 2]]}]}`, "layers[0]: biases: missing"},
		{"unknown layer field", head + `"loss": "mse", "layers": [{"weights": [[1, 2]], "biases": [0], "bias": 1}]}`, `unknown field "layers[0].bias"`},
		{"top level array", `[1, 2]`, "m.json:1:1: want an object, found an array"},
		{"deep nesting", strings.Repeat("[", 100000), "m.json:1:1: want an object, found an array"},
		{"weights nested too deep", head + `"loss": "mse", "layers": [{"weights": [[[1]]], "biases": [0]}]}`, "layers[0].weights[0][0]: want a number, found an array"},
		{"long string", head + `"loss": "` + strings.Repeat("x", 1<<20) + `"}`, "m.json:1:56: a string longer than 4096 bytes"},
		{"long number", `{"sizes": [` + strings.Repeat("1", 1<<20) + `]}`, "m.json:1:12: a number longer than 4096 characters"},
		{"long unknown loss", head + `"loss": "` + strings.Repeat("y", 4000) + `"}`, `loss: unknown loss "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"… (4000 bytes)`},
		{"control character", head + "\"loss\": \"ms\x00e\"}", `m.json:1:56: control character '\x00' in a string`},
		{"bad escape", head + `"loss": "\q"}`, `m.json:1:56: invalid string "\\q"`},
		{"leading zero", `{"sizes": [02, 1]}`, `m.json:1:12: "02" is not a JSON number`},
		{"bare minus", `{"sizes": [-]}`, `m.json:1:12: "-" is not a JSON number`},
		{"fraction size", `{"sizes": [2.5, 1]}`, `sizes[0]: "2.5" is not an integer within the range of int`},
		{"true for a size", `{"sizes": [true]}`, "sizes[0]: want an integer, found a boolean"},
		{"misspelt literal", `{"sizes": nul}`, "m.json:1:11: invalid literal (want null)"},
		{"missing colon", `{"sizes" [2, 1]}`, "m.json:1:10: sizes: want a colon after the key, found an array"},
		{"missing comma", `{"sizes": [2 1]}`, "m.json:1:14: sizes: want a comma or ], found the number \"1\""},
		{"trailing comma", `{"sizes": [2, 1],}`, "m.json:1:18: the object: want a key (a string), found '}'"},
		{"line and column", "{\n  \"sizes\": [2, 1],\n  \"activations\": [\"identity\"],\n  \"loss\": 7\n}", "m.json:4:11: loss: want a string, found the number \"7\""},
		{"binary", "\x00\x01", `m.json:1:1: invalid character '\x00' looking for a JSON value`},
		{"high byte", "\xff", "m.json:1:1: invalid character byte 0xff looking for a JSON value"},
		{"cut in a string", `{"si`, "m.json:1:2: unexpected end of file in a string"},
		{"cut after a key", `{"sizes"`, "m.json:1:9: sizes: unexpected end of file (want a colon after the key)"},
		{"softmax over one output", `{"sizes": [2, 1], "activations": ["identity"], "loss": "softmax-cross-entropy"}`, "m.json: loss: softmax-cross-entropy over 1 output"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadModel(strings.NewReader(tc.file), "m.json")
			if err == nil {
				t.Fatalf("no error, want one containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q\nwant it to contain %q", err, tc.want)
			}
			if len(err.Error()) > 300 {
				t.Errorf("error of %d bytes, want at most 300", len(err.Error()))
			}
		})
	}
}

// TestModelJSONAccepts: what encoding/json accepted and a user may write
// is still read, to the same value.
func TestModelJSONAccepts(t *testing.T) {
	t.Parallel()
	want := `{"sizes": [2, 1], "activations": ["identity"], "loss": "squared-error", "seed": 3}`
	for _, tc := range []struct{ name, file string }{
		{"plain", want},
		{"byte-order mark", "\xef\xbb\xbf" + want},
		{"whitespace everywhere", " \t\r\n{ \"sizes\" :[ 2 ,1 ] ,\n\"activations\":[\"identity\"],\"loss\":\"squared-error\",\"seed\":3 }\n\n"},
		{"keys in another case", `{"SIZES": [2, 1], "Activations": ["identity"], "Loss": "squared-error", "Seed": 3}`},
		{"escaped name", `{"sizes": [2, 1], "activations": ["ident\u0069ty"], "loss": "squared\u002derror", "seed": 3}`},
		{"sizes after layers", `{"layers": [{"weights": [[0, 0]], "biases": [0]}], "sizes": [2, 1], "activations": ["identity"], "loss": "squared-error", "seed": 3}`},
		{"seed 2^64-1", `{"sizes": [2, 1], "activations": ["identity"], "loss": "squared-error", "seed": 18446744073709551615}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ReadModel(strings.NewReader(tc.file), "m.json")
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Sizes) != 2 || m.Sizes[0] != 2 || m.Activations[0] != "identity" || m.Loss != "squared-error" {
				t.Errorf("read %+v", m)
			}
		})
	}
}

// TestGradientLossRequired: a gradient file must say its loss; a missing
// or null loss is an error, never a claimed loss of 0.
func TestGradientLossRequired(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, file, want string }{
		{"no loss", `{"layers": []}`, "g.json: loss: missing"},
		{"null loss", `{"loss": null, "layers": []}`, "g.json:1:10: loss: want a number, found null"},
		{"string loss", `{"loss": "0.5", "layers": []}`, `g.json:1:10: loss: want a number, found the string "0.5"`},
		{"two losses", `{"loss": 1, "loss": 2, "layers": []}`, `g.json:1:13: "loss": the key is given twice; first at 1:2`},
		{"Loss and loss", `{"loss": 1, "Loss": 1, "layers": []}`, `"Loss": the key is given twice; first (as "loss") at 1:2`},
		{"layers twice", `{"loss": 1, "layers": [], "layers": []}`, `"layers": the key is given twice`},
		{"no layers", `{"loss": 1}`, "g.json: layers: missing"},
		{"loss 1e999", `{"loss": 1e999, "layers": []}`, `g.json:1:10: loss: "1e999" is beyond the range of float64`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadGradient(strings.NewReader(tc.file), "g.json")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	g, err := ReadGradient(strings.NewReader(`{"loss": 0, "layers": []}`), "g.json")
	if err != nil || g.Loss != 0 {
		t.Errorf("an explicit loss 0: %v, %v", g, err)
	}
}

// TestGradientShapeBounds: with the model's sizes, a gradient file stops
// at the first layer, row or number beyond what max(n_in, n_out) allows,
// and a transposed block still reads (for the error that names it).
func TestGradientShapeBounds(t *testing.T) {
	t.Parallel()
	lim := &Limits{Sizes: []int{2, 3, 1}}
	for _, tc := range []struct{ name, file, want string }{
		{"a layer too many", `{"loss": 1, "layers": [{"weights": [], "biases": []}, {"weights": [], "biases": []}, {"weights": [], "biases": []}]}`,
			"g.json:1:86: layers: more than 2 layers, want 2 (the model's sizes are [2 3 1])"},
		{"a row too many", `{"loss": 1, "layers": [{"weights": [[1], [1], [1], [1]], "biases": []}]}`,
			"layers[0].weights: more than 3 rows, want 3 (the model's layer 0 is 3×2: one row per output unit)"},
		{"a long row", `{"loss": 1, "layers": [{"weights": [[1, 1, 1, 1]], "biases": []}]}`,
			"layers[0].weights[0]: more than 3 values, want 3"},
		{"too many weights", `{"loss": 1, "layers": [{"weights": [[1, 1, 1], [1, 1, 1], [1]], "biases": []}]}`,
			"layers[0].weights[2][0]: more than the 6 weights of the layer"},
		{"long biases", `{"loss": 1, "layers": [{"weights": [], "biases": [0, 0, 0, 0]}]}`,
			"layers[0].biases: more than 3 values, want 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadGradientWithin(strings.NewReader(tc.file), "g.json", lim)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v\nwant one containing %q", err, tc.want)
			}
		})
	}
	transposed := `{"loss": 1, "layers": [{"weights": [[1, 2, 3], [4, 5, 6]], "biases": [0, 0, 0]}, {"weights": [[1], [2], [3]], "biases": [0]}]}`
	if _, err := ReadGradientWithin(strings.NewReader(transposed), "g.json", lim); err != nil {
		t.Errorf("a transposed gradient is refused while reading: %v", err)
	}
}

// TestReaderLimits: past each limit a reader stops with a LimitError that
// names the file and where, and keeps no more than the limit allows.
func TestReaderLimits(t *testing.T) {
	t.Parallel()
	const model = `{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "layers": [{"weights": [[1, 2]], "biases": [0]}]}`
	for _, tc := range []struct {
		name string
		read func() error
		want string
	}{
		{"model bytes", func() error {
			_, err := ReadModelWithin(strings.NewReader(model), "m.json", &Limits{Bytes: 50})
			return err
		}, "m.json:1:51: larger than 50 bytes"},
		{"model exactly at the limit", func() error {
			_, err := ReadModelWithin(strings.NewReader(model), "m.json", &Limits{Bytes: int64(len(model))})
			return err
		}, ""},
		{"model values", func() error {
			_, err := ReadModelWithin(strings.NewReader(model), "m.json", &Limits{Values: 4})
			return err
		}, "m.json:1:35: activations[0]: more than 4 values"},
		{"model values, layers before sizes", func() error {
			_, err := ReadModelWithin(strings.NewReader(`{"layers": [{"weights": [[1, 2]], "biases": [0]}], "sizes": [2, 1], "activations": ["identity"], "loss": "mse"}`), "m.json", &Limits{Values: 4})
			return err
		}, "m.json:1:30: layers[0].weights[0][1]: more than 4 values"},
		{"model values, sizes first: bounded by the sizes", func() error {
			_, err := ReadModelWithin(strings.NewReader(model), "m.json", &Limits{Values: 5})
			return err
		}, ""},
		{"endless zeros", func() error {
			_, err := ReadModel(io.LimitReader(zeros{}, 1<<30), "m.json")
			return err
		}, `m.json:1:1: invalid character '\x00'`},
		{"endless whitespace", func() error {
			_, err := ReadModelWithin(io.LimitReader(spaces{}, 1<<30), "m.json", &Limits{Bytes: 1 << 20})
			return err
		}, "larger than 1048576 bytes"},
		{"gradient bytes", func() error {
			_, err := ReadGradientWithin(strings.NewReader(`{"loss": 0.25, "layers": []}`), "g.json", &Limits{Bytes: 12})
			return err
		}, "g.json:1:13: larger than 12 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.read()
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			var le *LimitError
			if !errors.As(err, &le) && !strings.Contains(tc.want, "invalid") {
				t.Errorf("error %v is not a *LimitError", err)
			}
		})
	}
}

// TestCheckSizes: the hook sees the sizes before any weight is kept, when
// sizes precede layers, and its error stops the reading.
func TestCheckSizes(t *testing.T) {
	t.Parallel()
	var saw []int
	var sawLayers bool
	stop := errors.New("too large for this test")
	lim := &Limits{CheckSizes: func(s []int, layers bool) error { saw = s; sawLayers = layers; return stop }}
	// The layers hold a syntax error: the hook must stop the reading first.
	_, err := ReadModelWithin(strings.NewReader(`{"sizes": [2, 1], "activations": ["identity"], "loss": "mse", "layers": [{"weights": [[1, x`), "m.json", lim)
	if !errors.Is(err, stop) || !strings.HasPrefix(err.Error(), "m.json: sizes: ") {
		t.Errorf("error %v, want the hook's, for sizes", err)
	}
	if len(saw) != 2 || saw[0] != 2 || saw[1] != 1 || !sawLayers {
		t.Errorf("the hook saw %v (layers %t), want [2 1] with layers", saw, sawLayers)
	}
	// Without layers, after the file.
	saw = nil
	_, err = ReadModelWithin(strings.NewReader(`{"sizes": [3, 1], "activations": ["identity"], "loss": "mse"}`), "m.json", lim)
	if !errors.Is(err, stop) || len(saw) != 2 || saw[0] != 3 || sawLayers {
		t.Errorf("without layers: error %v, sizes %v", err, saw)
	}
	// Invalid sizes never reach the hook.
	saw = nil
	_, err = ReadModelWithin(strings.NewReader(`{"sizes": [0, 1], "activations": ["identity"], "loss": "mse"}`), "m.json", lim)
	if saw != nil || err == nil || !strings.Contains(err.Error(), "sizes[0]: layer size 0 must be positive") {
		t.Errorf("invalid sizes: error %v, hook saw %v", err, saw)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}
