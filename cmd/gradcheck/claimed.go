package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/claimed"
	"github.com/gradcheck/gradcheck/netio"
	"github.com/gradcheck/gradcheck/numgrad"
)

// registerClaimed adds `check`'s --claimed flag to fs.
func registerClaimed(fs *flag.FlagSet) *string {
	return fs.String("claimed", "", "check the loss and gradient in file `G` (- for standard input), computed elsewhere, instead of the model's own; G is in the layout 'gradcheck grad' prints ('gradcheck help claimed')")
}

// checkClaimedFile runs `gradcheck check --claimed G`: it reads the claim
// at path (standard input for "-"), checks its loss and gradient against
// net's mean cost on d, and prints the report. A file of the wrong shape is
// an error naming the layer (exit 2); a wrong claim is errCheckFailed
// (exit 1).
func checkClaimedFile(e *env, net *backprop.Network, d *backprop.Dataset, path string, s *numgrad.CheckSettings, asJSON bool) error {
	// The claim may hold no more than the model's shape allows (for any
	// layout that the error naming its shape can explain), so its memory is
	// the model's, which the estimate counted.
	lim := &netio.Limits{Sizes: net.Config().Sizes}
	name := displayName(path)
	var f *netio.GradientFile
	var err error
	if path == "-" {
		name = "<stdin>"
		f, err = netio.ReadGradientWithin(os.Stdin, name, lim)
	} else {
		var file *os.File
		if file, err = netio.Open(path, lim); err == nil {
			f, err = netio.ReadGradientWithin(file, name, lim)
			file.Close()
		}
	}
	if err != nil {
		return fileError(err, name)
	}
	r, err := claimed.CheckFile(net, backprop.All(d), f, &claimed.Settings{Check: s})
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else if err := r.WriteTable(e.stdout, ""); err != nil {
		return err
	}
	if !r.OK() {
		return errCheckFailed
	}
	return nil
}
