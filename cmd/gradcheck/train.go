package main

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/netio"
)

func init() {
	register(&command{name: "train", summary: "train a model file on a dataset and print the cost per epoch", run: runTrain})
}

func runTrain(e *env, args []string) error {
	fs := newFlags(e, "train", "--model M --data D [--mode online|batch|minibatch] [--batch 16] [--epochs N] [--lr η] [--seed S] [--device cpu|gpu] [--save OUT] [--json]")
	var in inputs
	var tf trainFlags
	in.register(fs)
	tf.register(fs, 10)
	save := fs.String("save", "", "write the trained model file to `OUT`")
	asJSON := fs.Bool("json", false, "print the history as JSON")
	device := deviceFlag(fs)
	if err := parse(e, fs, args); err != nil {
		return err
	}
	s, err := tf.settings()
	if err != nil {
		return err
	}
	net, d, err := in.load()
	if err != nil {
		return err
	}
	if s.Mode == backprop.MiniBatch && s.DropLast && s.BatchSize > d.N {
		return fmt.Errorf("--batch: %d is larger than the %d samples of %s and --drop-last drops every batch", s.BatchSize, d.N, in.data)
	}
	if !*asJSON {
		s.Progress = progress(e, s.Epochs)
	}
	m, done, err := modelOn(e, *device, net)
	if err != nil {
		return err
	}
	h, err := backprop.Train(m, d, s)
	// done copies the parameters back into net (from a GPU) and frees it.
	if derr := done(); err == nil {
		err = derr
	}
	if err != nil {
		return err
	}
	if err := diverged(h, in.data, s.LearningRate); err != nil {
		if !*asJSON {
			printHistory(e, s, h)
		}
		return err
	}
	if *save != "" {
		if err := netio.SaveModel(*save, net); err != nil {
			return err
		}
	}
	if *asJSON {
		type epoch struct {
			Epoch int     `json:"epoch"`
			Cost  float64 `json:"cost"`
		}
		out := struct {
			Mode    string  `json:"mode"`
			Initial float64 `json:"initial_cost"`
			Epochs  []epoch `json:"epochs"`
			Updates int     `json:"updates"`
		}{Mode: s.Mode.String(), Initial: h.Initial, Updates: h.Updates}
		for i, c := range h.Cost {
			out.Epochs = append(out.Epochs, epoch{i + 1, c})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	printHistory(e, s, h)
	return nil
}

// diverged returns an error naming the first non-finite cost of h: such a
// run has no model to save and no history JSON can hold.
func diverged(h backprop.History, data string, lr float64) error {
	if math.IsNaN(h.Initial) || math.IsInf(h.Initial, 0) {
		return fmt.Errorf("the cost on %s is %v before training: the model's weights or the data overflow", data, h.Initial)
	}
	for i, c := range h.Cost {
		if math.IsNaN(c) || math.IsInf(c, 0) {
			return fmt.Errorf("training diverged: the cost on %s is %v after epoch %d (it was %.6g before training); try a smaller --lr than %g", data, c, i+1, h.Initial, lr)
		}
	}
	return nil
}

// progress returns a callback that redraws one line on a terminal.
func progress(e *env, epochs int) func(int, float64) {
	if !e.terminal {
		return nil
	}
	return func(ep int, c float64) {
		fmt.Fprintf(e.stderr, "\repoch %d/%d  cost %.6g   ", ep, epochs, c)
		if ep == epochs {
			fmt.Fprint(e.stderr, "\r\033[K")
		}
	}
}

func printHistory(e *env, s *backprop.TrainSettings, h backprop.History) {
	fmt.Fprintf(e.stdout, "mode %v", s.Mode)
	if s.Mode == backprop.MiniBatch {
		fmt.Fprintf(e.stdout, " (B = %d)", s.BatchSize)
	}
	fmt.Fprintf(e.stdout, ", η = %g, %d updates\n", s.LearningRate, h.Updates)
	fmt.Fprintf(e.stdout, "  epoch %3d  cost %.6g\n", 0, h.Initial)
	for i, c := range h.Cost {
		fmt.Fprintf(e.stdout, "  epoch %3d  cost %.6g\n", i+1, c)
	}
}
