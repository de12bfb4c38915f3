package main

import (
	"fmt"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/datasets"
)

func init() {
	register(&command{name: "default", summary: "the main job on built-in data (what no arguments run)",
		usage: "[--epochs N]",
		about: `Trains a [2,3,3,1] network on the textbook example and a [4,8,3] network on
Fisher's iris in each batch mode (online, full batch, mini-batch), checks
the gradient of each per layer, and says what to run next on your own model.
`,
		run: runDefault})
}

// demo is one built-in problem of the default job.
type demo struct {
	title string
	cfg   backprop.Config
	data  *backprop.Dataset
	lr    float64
	batch int
}

func demos() []demo {
	return []demo{
		{
			title: "the textbook's example: two features, one target",
			cfg: backprop.Config{Sizes: []int{2, 3, 3, 1}, Loss: backprop.SquaredError, Seed: 1,
				Activations: []backprop.Activation{backprop.Sigmoid, backprop.Sigmoid, backprop.Identity}},
			data: datasets.Textbook(), lr: 0.2, batch: 4,
		},
		{
			title: "Fisher's iris: four measurements, three species",
			cfg: backprop.Config{Sizes: []int{4, 8, 3}, Loss: backprop.SoftmaxCrossEntropy, Seed: 1,
				Activations: []backprop.Activation{backprop.Tanh, backprop.Identity}},
			data: datasets.Iris(), lr: 0.1, batch: backprop.DefaultBatchSize,
		},
	}
}

func runDefault(e *env, args []string) error {
	fs := newFlags(e, "default")
	epochs := fs.Int("epochs", 5, "train `N` epochs in each batch mode")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *epochs <= 0 {
		return fmt.Errorf("--epochs: %d must be positive", *epochs)
	}
	fmt.Fprintln(e.stdout, "gradcheck: training on built-in data in each batch mode, then checking the gradient.")
	fmt.Fprintln(e.stdout, "Cost C = mean over samples of the error; each update is w ← w − η·∂C/∂w.")
	allOK := true
	for i, p := range demos() {
		fmt.Fprintf(e.stdout, "\n%d. %s\n   network %v, activations %s, loss %v, %d samples\n",
			i+1, p.title, p.cfg.Sizes, actNames(p.cfg.Activations), p.cfg.Loss, p.data.N)
		var trained *backprop.Network
		for _, mode := range []backprop.Mode{backprop.Online, backprop.FullBatch, backprop.MiniBatch} {
			net := backprop.MustNew(p.cfg)
			s := &backprop.TrainSettings{Mode: mode, BatchSize: p.batch, Epochs: *epochs, LearningRate: p.lr, Shuffle: true, Seed: 1}
			h, err := backprop.Train(net, p.data, s)
			if err != nil {
				return err
			}
			label := mode.String()
			if mode == backprop.MiniBatch {
				label = fmt.Sprintf("minibatch (B = %d)", p.batch)
			}
			fmt.Fprintf(e.stdout, "   %-18s %4d updates, cost by epoch: %.4g", label, h.Updates, h.Initial)
			for _, c := range h.Cost {
				fmt.Fprintf(e.stdout, " → %.4g", c)
			}
			fmt.Fprintln(e.stdout)
			trained = net
		}
		ok, err := defaultCheck(e, trained, p.data)
		if err != nil {
			return err
		}
		allOK = allOK && ok
	}
	if !allOK {
		fmt.Fprintln(e.stdout, "\nVerdict: the backpropagation gradient is WRONG (see the rows marked FAIL).")
		return errCheckFailed
	}
	fmt.Fprintln(e.stdout, "\nVerdict: the backpropagation gradient is RIGHT.")
	fmt.Fprint(e.stdout, "\n"+nextSteps)
	return nil
}

// nextSteps ends the default run: what a user runs next on a model of
// their own. The README shows it word for word (TestReadmeHelp).
const nextSteps = `Next, your own model:
- In go test: implement backprop.Model (five methods), then
      r, err := numgrad.CheckModel(model, backprop.All(data), nil) // r.OK(), r.String()
  https://github.com/gradcheck/gradcheck#using-it-in-your-tests
- A gradient from PyTorch or other code: write it with the script that
  'gradcheck help claimed' prints, then
      gradcheck check --model M --data D --claimed G.json
- A network in a model file: 'gradcheck help model', 'gradcheck help dataset', then
      gradcheck check --model M --data D
`

func actNames(a []backprop.Activation) string {
	s := make([]string, len(a))
	for i, v := range a {
		s[i] = v.String()
	}
	return strings.Join(s, ", ")
}
