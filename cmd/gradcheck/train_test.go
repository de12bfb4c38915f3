package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainKeepsLastEpochs: past keepCosts epochs train keeps, prints and
// writes the last keepCosts of them and says how many ran, and the costs it
// keeps are those of a run that keeps all (a shorter one, the same updates).
func TestTrainKeepsLastEpochs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	model, data := filepath.Join(dir, "m.json"), filepath.Join(dir, "d.csv")
	os.WriteFile(model, []byte(hostileFiles["m.json"]), 0o644)
	os.WriteFile(data, []byte(hostileFiles["d.csv"]), 0o644)
	const epochs = keepCosts + 5
	out, errs, code := gradcheck("train", "--model", model, "--data", data, "--epochs", "10005", "--json", "--mode", "batch")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var h struct {
		Epochs []struct {
			Epoch int
			Cost  float64
		}
		EpochsRun int `json:"epochs_run"`
		Updates   int
	}
	if err := json.Unmarshal([]byte(out), &h); err != nil {
		t.Fatal(err)
	}
	if len(h.Epochs) != keepCosts || h.EpochsRun != epochs || h.Updates != epochs || h.Epochs[0].Epoch != 6 || h.Epochs[keepCosts-1].Epoch != epochs {
		t.Fatalf("%d epochs kept from %d to %d, %d run, %d updates; want %d from 6 to %d, %d, %d",
			len(h.Epochs), h.Epochs[0].Epoch, h.Epochs[len(h.Epochs)-1].Epoch, h.EpochsRun, h.Updates, keepCosts, epochs, epochs, epochs)
	}
	text, _, code := gradcheck("train", "--model", model, "--data", data, "--epochs", "10005", "--mode", "batch")
	if code != 0 || !strings.Contains(text, "(epochs 1 to 5 not kept: the history keeps the last 10000 of 10005)") || !strings.Contains(text, "epoch 10005  cost") {
		t.Errorf("exit %d, text output:\n%.400s", code, text)
	}
	if strings.Count(text, "\n") != keepCosts+3 {
		t.Errorf("%d lines, want %d", strings.Count(text, "\n"), keepCosts+3)
	}
	// A run of 9000 epochs keeps all of them; its costs are the long run's.
	var s struct {
		Epochs []struct {
			Epoch int
			Cost  float64
		}
	}
	shortOut, _, _ := gradcheck("train", "--model", model, "--data", data, "--epochs", "9000", "--mode", "batch", "--json")
	if err := json.Unmarshal([]byte(shortOut), &s); err != nil || len(s.Epochs) != 9000 {
		t.Fatalf("9000 epochs: %v, %d kept", err, len(s.Epochs))
	}
	for _, e := range h.Epochs[:9000-5] {
		if w := s.Epochs[e.Epoch-1]; w.Cost != e.Cost {
			t.Fatalf("epoch %d: cost %v kept, %v in the shorter run", e.Epoch, e.Cost, w.Cost)
		}
	}
}
