package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/gpu"
	"github.com/gradcheck/gradcheck/gpu/cuda"
	"github.com/gradcheck/gradcheck/reports"
)

func init() {
	register(&command{name: "report", summary: "time backprop against per-weight methods; write a report with plots",
		usage: "[--out DIR] [--quick] [--max-seconds N]",
		about: `Times backprop against per-weight finite differences (forward and central),
forward-mode dual numbers and path enumeration, over sweeps of widths, depths
and batch sizes (and the GPU's backprop where a GPU is found); counts their
multiply-adds, fits their growth and writes report.md, results.csv,
results.json and the plots (SVG and PNG) into DIR. About a minute on two
cores; --quick takes seconds. reports/example in the repository is one.
`,
		run: runReport})
}

func runReport(e *env, args []string) (err error) {
	fs := newFlags(e, "report")
	out := fs.String("out", "report", "write report.md, results.csv, results.json and the plots into `DIR`")
	quick := fs.Bool("quick", false, "run the small sweep (seconds, for CI) instead of the default (about a minute)")
	maxSec := fs.Float64("max-seconds", 0, "time budget of one gradient of one method at one size, in CPU seconds `N` (default 6, or 0.5 with --quick); larger sizes are reported over budget with their extrapolated time")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("--out: empty directory name")
	}
	// The output directory is checked before a minute of measuring, not after.
	if err := writableDir(*out); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "max-seconds" })
	if set && (!(*maxSec > 0) || math.IsInf(*maxSec, 0)) {
		return fmt.Errorf("--max-seconds: %v must be a positive, finite number of seconds", *maxSec)
	}
	cmd := []string{"gradcheck report", "--out " + *out}
	if *quick {
		cmd = append(cmd, "--quick")
	}
	if *maxSec != 0 {
		cmd = append(cmd, fmt.Sprintf("--max-seconds %g", *maxSec))
	}
	s := &reports.Settings{Quick: *quick, MaxSeconds: *maxSec, Command: strings.Join(cmd, " ")}
	// With a GPU every sweep gains its gradient as a column; without one the
	// report says why.
	dev, closeDev, err := openGPU(e)
	switch {
	case errors.Is(err, cuda.ErrUnavailable):
		s.NoGPU = noGPUReason(err)
	case err != nil:
		return fmt.Errorf("GPU: %w", err)
	default:
		cols := &gpuColumns{dev: dev}
		defer func() { err = errors.Join(err, cols.close(), closeDev()) }()
		s.GPU = cols
	}
	if e.terminal {
		s.Progress = func(done, total int, what string) { progressBar(e, done, total, what) }
	}
	r, err := reports.Run(s)
	if e.terminal {
		fmt.Fprintln(e.stderr)
	}
	if err != nil {
		return err
	}
	if err := r.Write(*out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s/report.md, results.csv, results.json and the plots (%.0f s)\n", *out, r.Elapsed)
	return nil
}

// progressBar redraws one line on stderr: a bar of 30 cells, the count and
// what is being measured.
func progressBar(e *env, done, total int, what string) {
	const cells = 30
	n := 0
	if total > 0 {
		n = done * cells / total
	}
	fmt.Fprintf(e.stderr, "\r\033[K[%s%s] %d/%d %s", strings.Repeat("#", n), strings.Repeat(".", cells-n), done, total, what)
}

// gpuColumns is the report's GPU (reports.GPU): each Prepare puts one network
// on the device, and close frees them all once the report is done.
type gpuColumns struct {
	dev  *gpu.Device
	nets []*gpu.Network
}

func (c *gpuColumns) Name() string { return c.dev.String() }

func (c *gpuColumns) Prepare(net *backprop.Network, b backprop.Batch) (func(dst []float64) error, error) {
	g, err := gpu.New(net, &gpu.Settings{Device: c.dev})
	if err != nil {
		return nil, err
	}
	c.nets = append(c.nets, g)
	return func(dst []float64) error {
		_, err := g.Gradient(dst, b)
		return err
	}, nil
}

func (c *gpuColumns) close() error {
	var errs []error
	for _, g := range c.nets {
		errs = append(errs, g.Close())
	}
	c.nets = nil
	return errors.Join(errs...)
}

// writableDir returns an error unless dir is a directory, or can be made
// one, that takes new files. It may create dir (the report would), and
// creates and removes a temporary file in it.
func writableDir(dir string) error {
	name := displayName(dir)
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return fmt.Errorf("%s exists and is not a directory", name)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fileError(err, name)
	}
	f, err := os.CreateTemp(dir, ".gradcheck-probe-*")
	if err != nil {
		return fileError(err, name)
	}
	f.Close()
	return os.Remove(f.Name())
}
