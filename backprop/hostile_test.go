package backprop

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestSoftmaxOverOneOutputRefused: a softmax over one output is 1 for any
// logit, so the cross-entropy is 0 for any weights and every gradient is
// zero: New refuses the configuration, naming the loss.
func TestSoftmaxOverOneOutputRefused(t *testing.T) {
	t.Parallel()
	for _, sizes := range [][]int{{2, 1}, {3, 4, 1}, {1, 1}} {
		c := Config{Sizes: sizes, Activations: make([]Activation, len(sizes)-1), Loss: SoftmaxCrossEntropy}
		_, err := New(c)
		if err == nil || !strings.HasPrefix(err.Error(), "loss: softmax-cross-entropy over 1 output is constant") {
			t.Errorf("sizes %v: error %v, want one for the loss", sizes, err)
		}
		c.Loss = SquaredError
		if _, err := New(c); err != nil {
			t.Errorf("sizes %v, squared error: %v", sizes, err)
		}
	}
	c := Config{Sizes: []int{2, 2}, Activations: []Activation{Identity}, Loss: SoftmaxCrossEntropy}
	if _, err := New(c); err != nil {
		t.Errorf("two outputs: %v", err)
	}
}

// TestTrainNilModel: a nil model is the caller's mistake; Train panics with
// a message naming the argument, also for a nil *Network behind the
// interface, instead of a bare nil-pointer dereference.
func TestTrainNilModel(t *testing.T) {
	t.Parallel()
	var nilNet *Network
	for _, tc := range []struct {
		name string
		m    Model
	}{{"nil interface", nil}, {"nil *Network", nilNet}} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if msg := fmt.Sprint(r); msg != "backprop: Train: the model m is nil" {
					t.Errorf("panic %q, want the package-prefixed message naming m", msg)
				}
			}()
			Train(tc.m, textbook(), nil)
		})
	}
	// A nil dataset is data the caller did not give: an error.
	net := MustNew(Config{Sizes: []int{2, 1}, Activations: []Activation{Identity}})
	if _, err := Train(net, nil, nil); err == nil || !strings.Contains(err.Error(), "dataset: no samples") {
		t.Errorf("nil dataset: error %v", err)
	}
}

// TestTrainKeepCosts: with KeepCosts = k the history holds the costs of the
// last k epochs, the same values as a run that keeps them all, in a slice
// of capacity at most 4k (append may double it on the way to 2k, where the
// history drops its older half), so memory does not grow with the epochs.
func TestTrainKeepCosts(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(2, 2))
	net := MustNew(Config{Sizes: []int{2, 3, 1}, Activations: []Activation{Tanh, Identity}, Seed: 1})
	d := randomData(rng, net, 9)
	theta := net.ParamsTo(nil)
	all, err := Train(net, d, &TrainSettings{Epochs: 25, Mode: Online})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{1, 3, 7, 25, 40} {
		net.SetParams(theta)
		most := 0
		s := &TrainSettings{Epochs: 25, Mode: Online, KeepCosts: k}
		h, err := Train(net, d, s)
		if err != nil {
			t.Fatal(err)
		}
		want := all.Cost[max(0, 25-k):]
		if h.Epochs != 25 || len(h.Cost) != len(want) || h.FirstKept() != 25-len(want)+1 {
			t.Fatalf("k %d: %d epochs, %d costs from epoch %d; want 25, %d from %d", k, h.Epochs, len(h.Cost), h.FirstKept(), len(want), 25-len(want)+1)
		}
		for i := range want {
			if h.Cost[i] != want[i] {
				t.Errorf("k %d: cost %d is %v, want %v", k, i, h.Cost[i], want[i])
			}
		}
		if most = cap(h.Cost); most > 4*k {
			t.Errorf("k %d: capacity %d, want at most 4k", k, most)
		}
	}
	if err := (&TrainSettings{KeepCosts: -1}).Validate(); err == nil || !strings.Contains(err.Error(), "keep costs") {
		t.Errorf("KeepCosts −1: %v", err)
	}
}

// TestParseQuotesBounded: a name of a megabyte is quoted by a bounded
// prefix and its length, so the error stays one short line.
func TestParseQuotesBounded(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("q", 1<<20)
	for name, err := range map[string]error{
		"activation": second(ParseActivation(long)),
		"loss":       second(ParseLoss(long)),
		"mode":       second(ParseMode(long)),
	} {
		if err == nil || len(err.Error()) > 200 || !strings.Contains(err.Error(), "… (1048576 bytes)") {
			t.Errorf("%s: error of %d bytes, want a bounded quote", name, len(fmt.Sprint(err)))
		}
	}
	if _, err := ParseLoss("hinge"); err == nil || !strings.Contains(err.Error(), `unknown loss "hinge"`) {
		t.Errorf("a short name is quoted whole: %v", err)
	}
}

func second[T any](_ T, err error) error { return err }
