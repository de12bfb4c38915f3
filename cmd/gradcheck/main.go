// Command gradcheck trains and checks the gradients of neural networks.
//
// With no arguments it runs the main job on built-in data: it trains a small
// network in each batch mode and checks its backpropagation gradient against
// finite differences. `gradcheck help` lists the subcommands and the help
// topics (see help.go).
//
// Exit codes: 0 success (a check RIGHT, or RIGHT where decided with some
// components undecided), 1 a check failed (a component WRONG, or one
// undecided under --strict), 2 bad input (flags, files, data, a job too
// large for the memory available, output that cannot be written), 3 an
// internal error.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gradcheck/gradcheck/blas"
	"github.com/gradcheck/gradcheck/gpu"
	"github.com/gradcheck/gradcheck/netio"
)

// command is one subcommand. Each lives in its own file and registers
// itself in init.
type command struct {
	name    string
	summary string // one line in the list of `gradcheck help`
	// usage is the synopsis after "gradcheck NAME", about what the command
	// does (lines of at most 80 characters, ending in a newline), and seeAlso
	// the help topics its help points to: `gradcheck help NAME` prints
	// them with the flags.
	usage, about string
	seeAlso      []string
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
	// memory, if not nil, replaces availableMemory: the tests give a
	// command the memory of a machine with ulimit -v 4 GB, say.
	memory func() memory
}

// mem returns the memory the command may still allocate.
func (e *env) mem() memory {
	if e.memory != nil {
		return e.memory()
	}
	return availableMemory()
}

// errCheckFailed marks a completed check whose verdict is "wrong": exit 1.
var errCheckFailed = errors.New("check failed")

func main() {
	// Matrix products go to OpenBLAS where it is installed (GRADCHECK_BLAS=go
	// keeps them in pure Go); `gradcheck version` says which. Results then
	// follow that library's rounding: the same on every run of a machine.
	blas.Use()
	if w := blas.Warning(); w != "" {
		fmt.Fprintln(os.Stderr, "gradcheck: warning: "+w)
	}
	// The collector keeps the heap within what the system offers, so that
	// garbage not yet collected does not push a job that fits over the
	// address-space limit (unless the user chose a GOMEMLIMIT).
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		if m := availableMemory(); !math.IsInf(m.free, 1) {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			debug.SetMemoryLimit(int64(m.free) + int64(ms.Sys))
		}
	}
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
	switch {
	case len(args) > 0 && isHelpFlag(args[0]):
		// gradcheck -h: the overview, not the flags of the main job.
		name, args = "help", nil
	case len(args) > 0 && !strings.HasPrefix(args[0], "-"):
		name, args = args[0], args[1:]
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintln(e.stderr, oneLine("gradcheck: unknown command "+netio.Quote(name)+"; run 'gradcheck help'"))
		return 2
	}
	// Output that cannot be written (a full disk, a closed pipe) is an
	// error, never a silent success.
	out := &checkedWriter{w: e.stdout}
	ce := *e
	ce.stdout = out
	err := c.run(&ce, args)
	if out.err != nil {
		// The first failed write is the cause, whatever the command made of it.
		err = fmt.Errorf("writing the output: %w", out.err)
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errCheckFailed):
		return 1
	}
	fmt.Fprintln(e.stderr, oneLine("gradcheck "+c.name+": "+err.Error()))
	return 2
}

// maxLine is the most bytes of the one line an error prints. Every message
// quotes users' text by a bounded prefix (netio.Quote) and long paths by
// their end (displayName), so a message this long is a defect: the line
// is cut and says so rather than flooding the terminal.
const maxLine = 300

// oneLine returns msg as one line of at most maxLine bytes: line breaks
// from a flag's name or value are escaped (the flag package quotes
// neither).
func oneLine(msg string) string {
	msg = strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(msg)
	if len(msg) <= maxLine {
		return msg
	}
	const mark = " …[cut]"
	cut := maxLine - len(mark)
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + mark
}

// checkedWriter passes writes to w and keeps the first error.
type checkedWriter struct {
	w   io.Writer
	err error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	c.err = err
	return n, err
}

// newFlags returns the flag set of the command called name, which never
// exits; its usage is the command's help (see writeCommandHelp).
func newFlags(e *env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() { writeCommandHelp(fs.Output(), commands[name], fs) }
	return fs
}

// parse parses args, refusing positional arguments. Help asked for (-h,
// --help) is printed on stdout and returns flag.ErrHelp (exit 0); a mistake
// comes back as an error, printed by run as one line on stderr (exit 2)
// that says where the command's help is.
func parse(e *env, fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(e.stdout)
		fs.Usage()
		return err
	}
	if err != nil {
		return fmt.Errorf("%s (%s)", shortenArgs(err.Error(), args), helpHint(fs.Name()))
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %s (%s)", netio.Quote(fs.Arg(0)), helpHint(fs.Name()))
	}
	return nil
}

// helpHint names the help of the command called name.
func helpHint(name string) string {
	if name == "default" {
		return "see 'gradcheck help'"
	}
	return "see 'gradcheck help " + name + "'"
}

// shortenArgs replaces in the flag package's message msg every long
// argument of args, its name or its value, which that package quotes or
// writes whole, by a bounded prefix.
func shortenArgs(msg string, args []string) string {
	for _, a := range args {
		if len(a) <= netio.MaxQuote {
			continue
		}
		name, value, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		for _, part := range []string{a, value, name} {
			if len(part) > netio.MaxQuote {
				msg = strings.ReplaceAll(msg, strconv.Quote(part), netio.Quote(part))
				msg = strings.ReplaceAll(msg, part, netio.Quote(part))
			}
		}
	}
	return msg
}
