// Package netio reads and writes the files a user brings to gradcheck: model
// files (JSON), datasets (CSV) and gradients (JSON, the layout that
// `gradcheck grad` prints and `gradcheck check --claimed` reads).
//
// # Model files
//
//	{
//	  "sizes":       [2, 3, 3, 1],
//	  "activations": ["sigmoid", "sigmoid", "identity"],
//	  "loss":        "squared-error",
//	  "init":        "auto",
//	  "seed":        1,
//	  "layers": [
//	    {"weights": [[w00, w01], [w10, w11], [w20, w21]], "biases": [b0, b1, b2]},
//	    ...
//	  ]
//	}
//
// sizes gives the width of every layer, input first. activations has one
// name per layer after the input (identity, sigmoid, tanh, relu, leaky-relu,
// softplus); loss is squared-error or softmax-cross-entropy (see package
// backprop for their definitions). init (auto, xavier, he) and seed choose
// the initial weights when layers is absent. layers, if present, gives every
// layer's weights and biases: layers[l].weights[j][i] is the weight from
// unit i of layer l's input to its output unit j (n_out rows of n_in values,
// the orientation of PyTorch's nn.Linear.weight), layers[l].biases[j] the
// bias of unit j. Weights are written with the shortest decimal that reads
// back to the same float64, so a model file round-trips bit for bit.
//
// sizes, activations and loss are required; init, seed and layers are
// optional (left out, not null: null is an error in every field, so that
// no value is read as a silent zero). A key given twice is an error naming
// both places; keys match in any case, as encoding/json matches them, so
// "Sizes" beside "sizes" is a key given twice. A UTF-8 byte-order mark at
// the start is skipped. The softmax cross-entropy needs at least 2 outputs
// (over one, the softmax is 1 and the cost 0 for any weights).
//
// # Datasets
//
// A CSV file with one sample per line: the inputs, then the targets. The
// split is given by the model: the first sizes[0] columns are the inputs and
// the last sizes[L] the targets, so a line has sizes[0] + sizes[L] cells. An
// optional first line of column names is recognised when none of its cells
// is a number. Every cell must be a finite number; NaN, ±Inf, ragged lines
// and empty files are errors naming the file, line and column. A UTF-8
// byte-order mark at the start (spreadsheet programs write one) is skipped.
// For a model with the softmax cross-entropy ([ReadDataset]) a target must
// not be negative: the cost −Σ y_k log p_k then has no lower bound.
//
// # Gradients
//
//	{"loss": C, "layers": [{"weights": [[…]], "biases": […]}, …]}
//
// loss is the mean cost over the dataset and layers holds ∂C/∂W and ∂C/∂b
// in the model file's layout. Both are required: a file without loss (or
// with "loss": null) claims no loss and is an error, not a claim of 0. The README's section "Checking a gradient
// from another implementation" documents the layout and the cost for
// someone writing such a file elsewhere (with a PyTorch recipe); package
// claimed checks one.
//
// # Limits
//
// Every reader reads its file as a stream and keeps only what it returns,
// so that no input, however long or hostile (/dev/zero, /dev/urandom, a
// line without an end), makes it use more memory than its result needs.
// Past each limit the reader stops with an error naming the file and where
// it stopped ([LimitError] for the first three); nothing is ever read in
// part as if the file ended there.
//
//	file size        1 GiB ([MaxFileSize]); a regular file over it is refused before it is read
//	dataset line     1 MiB, or 256 bytes a cell where that is more ([MaxLine])
//	JSON token       4 KiB for one string or number
//	values kept      2²⁸ numbers by default ([Limits].Values; the command sets it from the memory available)
//	parameters       2²⁸ (backprop's limit on sizes)
//	gradient shape   with [Limits].Sizes, no more layers than the model and no layer beyond max(n_in, n_out)
//
// A caller that knows its memory passes [Limits]: [Limits].CheckSizes sees a
// model's sizes before any weight is kept, so that a command can refuse,
// with its estimate, a model that will not fit (gradcheck does).
//
// # Errors
//
// Every error from user data names the file and, where there is one, the
// line (and, in JSON, the column) and the field (such as
// layers[1].weights[2]). A user's text in a message (a cell, a name, a
// number) is quoted by its first 40 bytes and its length ([Quote]), so a
// message stays one short line.
package netio
