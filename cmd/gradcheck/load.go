package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"unicode/utf8"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/netio"
)

// inputs are the --model and --data flags that most commands share.
type inputs struct {
	model, data string
}

func (in *inputs) register(fs *flag.FlagSet) {
	fs.StringVar(&in.model, "model", "", "model file `M` (JSON: 'gradcheck help model')")
	fs.StringVar(&in.data, "data", "", "dataset file `D` (CSV, inputs then targets: 'gradcheck help dataset')")
}

// loaded is what load read: the network, whether its file held weights,
// the dataset, and the need of the command that will use them.
type loaded struct {
	net  *backprop.Network
	data *backprop.Dataset
	need need
	mem  memory
}

// load reads the model file and the dataset, whose column split the
// model's first and last sizes give, for the job j. Before the model's
// weights, and while the dataset is read, it compares what j will need
// with the memory available and refuses, with the estimate, what will not
// fit (see estimate).
func (in *inputs) load(e *env, j job) (*loaded, error) {
	if in.model == "" {
		return nil, errors.New("--model: missing (a model file is required)")
	}
	if in.data == "" {
		return nil, errors.New("--data: missing (a dataset file is required)")
	}
	mem := e.mem()
	if err := j.refuseFlags(mem); err != nil {
		return nil, err
	}
	model, data := displayName(in.model), displayName(in.data)
	lim := &netio.Limits{
		// A file whose layers come before its sizes is read before the
		// estimate can be made: what it keeps, growing, is bounded by the
		// memory itself.
		Values: valuesWithin(mem.free, f64*growth),
		CheckSizes: func(sizes []int, layers bool) error {
			return j.estimate(sizes, layers).refuse(mem, 1, j.what(numParams(sizes)))
		},
	}
	f, err := netio.Open(in.model, lim)
	if err != nil {
		return nil, fileError(err, model)
	}
	m, err := netio.ReadModelWithin(f, model, lim)
	f.Close()
	if le, ok := errors.AsType[*netio.LimitError](err); ok && le.Unit == "values" {
		// Only the weights of a file whose layers come before its sizes are
		// kept before the estimate; these filled the memory.
		return nil, fmt.Errorf("%s:%d:%d: %s: the weights read before the sizes fill the %s of memory available (%s); write sizes before layers, as gradcheck does",
			model, le.Line, le.Col, le.Field, netio.Bytes(sat(mem.free)), mem.why)
	}
	if err != nil {
		return nil, fileError(err, model)
	}
	if j.claimed && m.Layers == nil {
		return nil, fmt.Errorf("%s: layers: missing; --claimed checks a gradient at the model's weights, so the model file must hold them (the weights the claim was computed at), not draw them from its seed", model)
	}
	net, err := m.Network()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", model, err)
	}
	c := net.Config()
	n := j.estimate(c.Sizes, m.Layers != nil)
	m = nil // the file's weights are the network's now
	// The samples that fit beside the rest; each counts in+out values.
	cols := c.Sizes[0] + c.Sizes[len(c.Sizes)-1]
	maxSamples := (mem.free - n.fixed) / n.perSample
	dlim := &netio.Limits{Values: valuesWithin(maxSamples*float64(cols), 1)}
	f, err = netio.Open(in.data, dlim)
	if err != nil {
		return nil, fileError(err, data)
	}
	defer f.Close()
	d, err := netio.ReadDataset(f, data, c, dlim)
	if le, ok := errors.AsType[*netio.LimitError](err); ok && le.Unit == "values" {
		samples := int(le.Limit / int64(cols))
		why := n.refuse(mem, samples+1, fmt.Sprintf("%s and %d samples", j.what(net.NumParams()), samples+1))
		if why == nil { // rounding: say the limit itself
			return nil, fileError(err, data)
		}
		return nil, fmt.Errorf("%s:%d: more than %d samples: %v", data, le.Line, samples, why)
	}
	if err != nil {
		return nil, fileError(err, data)
	}
	return &loaded{net: net, data: d, need: n, mem: mem}, nil
}

// valuesWithin returns how many values of size bytes each fit in free
// bytes, as a reader's limit: at least 1, at most netio.MaxValues.
func valuesWithin(free, size float64) int64 {
	v := free / size
	switch {
	case math.IsNaN(v) || v >= netio.MaxValues:
		return netio.MaxValues
	case v < 1:
		return 1
	}
	return int64(v)
}

// numParams returns Σ n_l (n_{l−1} + 1).
func numParams(sizes []int) int {
	n := 0
	for l := 1; l < len(sizes); l++ {
		n += sizes[l] * (sizes[l-1] + 1)
	}
	return n
}

// maxName is the most bytes of a file name that a message shows: a longer
// path is shown by its last bytes, which name the file.
const maxName = 120

// displayName returns path as messages show it.
func displayName(path string) string {
	if len(path) <= maxName {
		return path
	}
	cut := len(path) - maxName + 3
	for cut < len(path) && !utf8.RuneStart(path[cut]) {
		cut++
	}
	return "…" + path[cut:]
}

// fileError returns err with the file named by its display name: an
// error of the operating system's quotes the whole path.
func fileError(err error, name string) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return fmt.Errorf("%s %s: %v", pe.Op, name, pe.Err)
	}
	if le, ok := errors.AsType[*netio.LimitError](err); ok {
		le.Name = name
		return le
	}
	return err
}

// trainFlags are the flags of the trainer.
type trainFlags struct {
	mode     string
	batch    int
	epochs   int
	lr       float64
	seed     uint64
	shuffle  bool
	dropLast bool
}

func (t *trainFlags) register(fs *flag.FlagSet, epochs int) {
	fs.StringVar(&t.mode, "mode", "minibatch", "batch `MODE`: online, batch or minibatch")
	fs.IntVar(&t.batch, "batch", backprop.DefaultBatchSize, "mini-batch size `B`")
	fs.IntVar(&t.epochs, "epochs", epochs, "number of epochs `N`")
	fs.Float64Var(&t.lr, "lr", backprop.DefaultLearningRate, "learning rate `η` > 0")
	fs.Uint64Var(&t.seed, "seed", 1, "shuffling seed `S`")
	fs.BoolVar(&t.shuffle, "shuffle", true, "shuffle the samples each epoch (online and minibatch)")
	fs.BoolVar(&t.dropLast, "drop-last", false, "drop the last, smaller mini-batch of each epoch")
}

// settings validates the flags; an error names the flag.
func (t *trainFlags) settings() (*backprop.TrainSettings, error) {
	mode, err := backprop.ParseMode(t.mode)
	if err != nil {
		return nil, fmt.Errorf("--mode: %w", err)
	}
	switch {
	case t.batch <= 0:
		return nil, fmt.Errorf("--batch: %d must be a positive number of samples", t.batch)
	case t.epochs <= 0:
		return nil, fmt.Errorf("--epochs: %d must be positive", t.epochs)
	case !(t.lr > 0) || math.IsInf(t.lr, 0):
		return nil, fmt.Errorf("--lr: %v must be positive and finite", t.lr)
	}
	return &backprop.TrainSettings{Mode: mode, BatchSize: t.batch, Epochs: t.epochs, LearningRate: t.lr,
		Seed: t.seed, Shuffle: t.shuffle, DropLast: t.dropLast, KeepCosts: keepCosts}, nil
}
