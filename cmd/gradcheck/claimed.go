package main

import (
	"encoding/json"
	"flag"
	"fmt"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/claimed"
	"github.com/gradcheck/gradcheck/netio"
	"github.com/gradcheck/gradcheck/numgrad"
)

// registerClaimed adds `check`'s --claimed flag to fs.
func registerClaimed(fs *flag.FlagSet) *string {
	return fs.String("claimed", "", "check the loss and gradient in file `G` (- for standard input), computed elsewhere, instead of the model's own; G is in the layout 'gradcheck grad' prints (see the README)")
}

// checkClaimedFile runs `gradcheck check --claimed G`: it reads the claim
// at path (standard input for "-"), checks its loss and gradient against
// net's mean cost on d, and prints the report. A file of the wrong shape is
// an error naming the layer (exit 2); a wrong claim is errCheckFailed
// (exit 1).
func checkClaimedFile(e *env, net *backprop.Network, d *backprop.Dataset, path string, s *numgrad.CheckSettings, asJSON bool) error {
	f, err := netio.LoadGradient(path)
	if err != nil {
		return err
	}
	name := path
	if path == "-" {
		name = "<stdin>"
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
