// Command gradcheck trains and checks the gradients of neural networks.
//
// With no arguments it runs the main job on built-in data: it trains a small
// network in each batch mode and checks its backpropagation gradient against
// finite differences. `gradcheck help` lists the subcommands.
//
// Exit codes: 0 success, 1 a check failed, 2 bad input (flags, files, data).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/gradcheck/gradcheck/blas"
	"github.com/gradcheck/gradcheck/gpu"
)

// command is one subcommand. Each lives in its own file and registers
// itself in init.
type command struct {
	name    string
	summary string
	// run parses args and does the work; its error decides the exit code
	// (see exitCode).
	run func(e *env, args []string) error
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// env is what a command may touch: its output streams and whether stderr
// is a terminal (for progress lines).
type env struct {
	stdout, stderr io.Writer
	terminal       bool
	// openGPU, if not nil, replaces gpu.Open(0) for --device gpu and the
	// report's GPU columns; the tests run those on package fakedriver's
	// GPU. It returns the device and what closes it.
	openGPU func() (*gpu.Device, func() error, error)
}

// errCheckFailed marks a completed check whose verdict is "wrong": exit 1.
var errCheckFailed = errors.New("check failed")

func main() {
	// Matrix products go to OpenBLAS where it is installed (GRADCHECK_BLAS=go
	// keeps them in pure Go); `gradcheck version` says which. Results then
	// follow that library's rounding: the same on every run of a machine.
	blas.Use()
	fi, err := os.Stderr.Stat()
	e := &env{stdout: os.Stdout, stderr: os.Stderr, terminal: err == nil && fi.Mode()&os.ModeCharDevice != 0}
	os.Exit(run(e, os.Args[1:]))
}

// run runs the command line args and returns the exit code. Every error
// becomes one line on stderr.
func run(e *env, args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "gradcheck: internal error: %v\n", r)
			code = 3
		}
	}()
	name := "default"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(e.stderr, "gradcheck: unknown command %q; run 'gradcheck help'\n", name)
		return 2
	}
	err := c.run(e, args)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errCheckFailed):
		return 1
	}
	// One line even when a flag name or value from the command line holds a
	// line break (the flag package quotes neither).
	msg := strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(err.Error())
	fmt.Fprintf(e.stderr, "gradcheck %s: %s\n", c.name, msg)
	return 2
}

// newFlags returns a flag set for a subcommand that never exits.
func newFlags(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: gradcheck %s %s\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args, refusing positional arguments. Errors come back to be
// printed as one line by run; -h prints the usage on stderr.
func parse(e *env, fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(e.stderr)
		fs.Usage()
		return err
	}
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

func init() {
	register(&command{name: "help", summary: "list the commands", run: func(e *env, _ []string) error {
		fmt.Fprintln(e.stdout, "usage: gradcheck [command] [flags]\n\nWith no command, trains a network on built-in data in each batch mode and checks its gradient.\n\nCommands:")
		names := make([]string, 0, len(commands))
		for n := range commands {
			if n != "default" {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(e.stdout, "  %-9s %s\n", n, commands[n].summary)
		}
		fmt.Fprintln(e.stdout, "\nRun 'gradcheck COMMAND -h' for a command's flags. Exit codes: 0 ok, 1 check failed, 2 bad input.")
		return nil
	}})
}
