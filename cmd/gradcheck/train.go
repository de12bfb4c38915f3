package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/netio"
)

func init() {
	register(&command{name: "train", summary: "train a model file on a dataset; print the cost per epoch",
		usage: "--model M --data D [--mode online|batch|minibatch] [flags]",
		about: `Trains the model file M on the dataset D by gradient descent, w ← w − η·∂C/∂w,
in one of three batch modes: online (one sample per update), batch (every
sample in one update) or minibatch (--batch B samples per update; the last
partial batch is averaged over its own size). The order is shuffled every
epoch from --seed. Prints the cost C on D before training and after each
epoch (the last 10,000 epochs); --save writes the trained model file.
`,
		seeAlso: []string{"model", "dataset"},
		run:     runTrain})
}

// keepCosts is the number of epochs whose cost train keeps and prints: the
// last ten thousand (80 KB), more than a terminal or a plot shows, so that
// the memory of a run does not grow with --epochs, however many.
const keepCosts = 10000

func runTrain(e *env, args []string) error {
	fs := newFlags(e, "train")
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
	if _, err := parseDevice(*device); err != nil {
		return err
	}
	// The output file is checked before the training, not after it.
	if *save != "" {
		if err := writable(*save); err != nil {
			return fmt.Errorf("--save: %w", err)
		}
	}
	ld, err := in.load(e, job{command: "train"})
	if err != nil {
		return err
	}
	net, d := ld.net, ld.data
	data := displayName(in.data)
	if s.Mode == backprop.MiniBatch && s.DropLast && s.BatchSize > d.N {
		return fmt.Errorf("--batch: %d is larger than the %d samples of %s and --drop-last drops every batch", s.BatchSize, d.N, data)
	}
	perEpoch := len(backprop.Schedule(d.N, s, backprop.NewShuffler(0)))
	if perEpoch > 0 && s.Epochs > math.MaxInt/perEpoch {
		return fmt.Errorf("--epochs: %d epochs of %d updates overflow the count of updates (at most %d epochs here)", s.Epochs, perEpoch, math.MaxInt/perEpoch)
	}
	// The first non-finite cost, seen by Progress, which sees every epoch.
	bad := 0
	var badCost float64
	redraw := progress(e, s.Epochs)
	if *asJSON {
		redraw = nil
	}
	s.Progress = func(ep int, c float64) {
		if bad == 0 && (math.IsNaN(c) || math.IsInf(c, 0)) {
			bad, badCost = ep, c
		}
		if redraw != nil {
			redraw(ep, c)
		}
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
	if err := diverged(h, bad, badCost, data, s.LearningRate); err != nil {
		if !*asJSON {
			printHistory(e, s, h)
		}
		return err
	}
	if *save != "" {
		if err := netio.SaveModel(*save, net); err != nil {
			return fmt.Errorf("--save: %w", fileError(err, displayName(*save)))
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
			// Epochs holds the last keepCosts epochs; EpochsRun counts them all.
			Epochs    []epoch `json:"epochs"`
			EpochsRun int     `json:"epochs_run"`
			Updates   int     `json:"updates"`
		}{Mode: s.Mode.String(), Initial: h.Initial, EpochsRun: h.Epochs, Updates: h.Updates}
		for i, c := range h.Cost {
			out.Epochs = append(out.Epochs, epoch{h.FirstKept() + i, c})
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	printHistory(e, s, h)
	return nil
}

// writable returns an error unless a file can be created at path: its
// directory exists and takes a new file. It creates and removes a
// temporary file there, and leaves path alone.
func writable(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a directory", displayName(path))
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".gradcheck-probe-*")
	if err != nil {
		return fileError(err, displayName(filepath.Dir(path)))
	}
	f.Close()
	return os.Remove(f.Name())
}

// diverged returns an error naming the first non-finite cost, at epoch bad
// (0: none), or before training: such a run has no model to save and no
// history JSON can hold.
func diverged(h backprop.History, bad int, badCost float64, data string, lr float64) error {
	if math.IsNaN(h.Initial) || math.IsInf(h.Initial, 0) {
		return fmt.Errorf("the cost on %s is %v before training: the model's weights or the data overflow", data, h.Initial)
	}
	if bad > 0 {
		return fmt.Errorf("training diverged: the cost on %s is %v after epoch %d (it was %.6g before training); try a smaller --lr than %g", data, badCost, bad, h.Initial, lr)
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
	if first := h.FirstKept(); first > 1 {
		fmt.Fprintf(e.stdout, "  (epochs 1 to %d not kept: the history keeps the last %d of %d)\n", first-1, len(h.Cost), h.Epochs)
	}
	for i, c := range h.Cost {
		fmt.Fprintf(e.stdout, "  epoch %3d  cost %.6g\n", h.FirstKept()+i, c)
	}
}
