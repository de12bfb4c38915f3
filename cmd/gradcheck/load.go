package main

import (
	"errors"
	"flag"
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/netio"
)

// inputs are the --model and --data flags that most commands share.
type inputs struct {
	model, data string
}

func (in *inputs) register(fs *flag.FlagSet) {
	fs.StringVar(&in.model, "model", "", "model file `M` (JSON; see 'gradcheck help')")
	fs.StringVar(&in.data, "data", "", "dataset file `D` (CSV: inputs, then targets)")
}

// load reads the model file and the dataset, whose column split the
// model's first and last sizes give.
func (in *inputs) load() (*backprop.Network, *backprop.Dataset, error) {
	if in.model == "" {
		return nil, nil, errors.New("--model: missing (a model file is required)")
	}
	if in.data == "" {
		return nil, nil, errors.New("--data: missing (a dataset file is required)")
	}
	net, err := netio.LoadModel(in.model)
	if err != nil {
		return nil, nil, err
	}
	c := net.Config()
	d, err := netio.LoadCSV(in.data, c.Sizes[0], c.Sizes[len(c.Sizes)-1])
	if err != nil {
		return nil, nil, err
	}
	return net, d, nil
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
	fs.StringVar(&t.mode, "mode", "minibatch", "batch mode: online, batch or minibatch")
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
		Seed: t.seed, Shuffle: t.shuffle, DropLast: t.dropLast}, nil
}
