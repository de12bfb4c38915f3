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
// # Datasets
//
// A CSV file with one sample per line: the inputs, then the targets. The
// split is given by the model: the first sizes[0] columns are the inputs and
// the last sizes[L] the targets, so a line has sizes[0] + sizes[L] cells. An
// optional first line of column names is recognised when none of its cells
// is a number. Every cell must be a finite number; NaN, ±Inf, ragged lines
// and empty files are errors naming the file, line and column.
//
// # Gradients
//
//	{"loss": C, "layers": [{"weights": [[…]], "biases": […]}, …]}
//
// loss is the mean cost over the dataset and layers holds ∂C/∂W and ∂C/∂b
// in the model file's layout. The README's section "Checking a gradient
// from another implementation" documents the layout and the cost for
// someone writing such a file elsewhere (with a PyTorch recipe); package
// claimed checks one.
//
// # Errors
//
// Every error from user data names the file and, where there is one, the
// line and the field (such as layers[1].weights[2]).
package netio
