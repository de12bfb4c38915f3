package main

import (
	"embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/gradcheck/gradcheck/netio"
)

// The help of the command: `gradcheck help` (the commands, the topics and
// the exit codes), `gradcheck help COMMAND` (the same as `gradcheck COMMAND
// -h`: its synopsis, what it does, its flags) and `gradcheck help TOPIC`
// (the formats a user writes: model file, dataset, claimed gradient, the
// JSON report, the limits).
//
// A topic's text lives in help/*.md and is the README's text too, word for
// word, between markers <!-- topic: KEY --> and <!-- end topic -->; the
// README also shows the output of `gradcheck help` and `gradcheck help
// check` between <!-- output: COMMAND LINE --> and <!-- end output -->.
// TestReadmeHelp holds the README to them (go test ./cmd/gradcheck -run
// TestReadmeHelp -update rewrites the README's copies), so that the two
// cannot drift. The text is Markdown that reads as plain text in a
// terminal: paragraphs, lists, code indented by four spaces, `code`.

//go:embed help/*.md
var helpFiles embed.FS

// topic is a help topic: `gradcheck help NAME` prints its parts.
type topic struct {
	name, summary string
	parts         []helpPart
}

// helpPart is one section of a topic: its text is help/KEY.md, the README's
// text under a heading that ends with title (the first part of a topic may
// have no title of its own: the README's heading names the topic).
type helpPart struct {
	key, title string
}

var topics = []topic{
	{name: "model", summary: "the model file (JSON): sizes, activations, loss, weights", parts: []helpPart{{key: "model", title: "Model files (JSON)"}}},
	{name: "dataset", summary: "the dataset (CSV): inputs, then targets, one sample a line", parts: []helpPart{{key: "dataset", title: "Datasets (CSV)"}}},
	{name: "claimed", summary: "a gradient computed elsewhere (PyTorch, your code): check --claimed", parts: []helpPart{
		{key: "claimed", title: "Checking a gradient from another implementation"},
		{key: "claimed-layout", title: "The layout"},
		{key: "claimed-cost", title: "The cost"},
		{key: "claimed-pytorch", title: "From PyTorch"},
	}},
	{name: "json", summary: "the JSON report of check --json (one schema, with --claimed or not)", parts: []helpPart{{key: "json", title: "The JSON report"}}},
	{name: "limits", summary: "the limits on files, memory, parameters, epochs and projections", parts: []helpPart{{key: "limits", title: "Limits"}}},
}

// partText returns the text of a part, help/KEY.md.
func partText(key string) string {
	b, err := helpFiles.ReadFile("help/" + key + ".md")
	if err != nil {
		panic("gradcheck: no help text " + key + ": " + err.Error())
	}
	return string(b)
}

func findTopic(name string) (topic, bool) {
	for _, t := range topics {
		if t.name == name {
			return t, true
		}
	}
	return topic{}, false
}

// writeTopic prints a topic: each part under its title, as the README
// shows it under its heading.
func writeTopic(w io.Writer, t topic) {
	for i, p := range t.parts {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s\n%s\n\n%s", p.title, strings.Repeat("=", len([]rune(p.title))), partText(p.key))
	}
}

// overviewIntro and exitCodes are the first and last paragraphs of
// `gradcheck help`.
const overviewIntro = `gradcheck proves neural-network gradients right: it checks a gradient,
component by component, against numerical references with error bounds. The
gradient is a model's own, by backpropagation, or one computed elsewhere
(PyTorch, your own code) for the cost of a model file.

usage: gradcheck [--epochs N]     train small networks on built-in data and
                                 check their gradient
       gradcheck COMMAND [flags]
`

const exitCodes = `Exit codes:
  0  success; for check, the gradient is RIGHT, or RIGHT where decided: no
     component is wrong and some could not be decided (a warning line
     names them)
  1  a check failed: check found a component WRONG, or one undecided under
     --strict; the run without a command found its gradient WRONG; zoo
     missed a mutant
  2  bad input: a flag, a file or its data, a job too large for the memory
     available, output that cannot be written. One line on stderr names
     the flag, or the file and the line or field ('gradcheck help limits')
  3  an internal error: a bug in gradcheck; the line on stderr says
     "internal error"
`

// writeOverview prints `gradcheck help`.
func writeOverview(w io.Writer) {
	fmt.Fprintf(w, "%s\nCommands:\n", overviewIntro)
	names := make([]string, 0, len(commands))
	for n := range commands {
		if n != "default" {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nHelp topics:")
	for _, t := range topics {
		fmt.Fprintf(w, "  %-8s %s\n", t.name, t.summary)
	}
	fmt.Fprintf(w, "\n'gradcheck help NAME' prints the help of a command or a topic; 'gradcheck\nCOMMAND -h' is the same as 'gradcheck help COMMAND'.\n\n%s", exitCodes)
}

// writeCommandHelp prints a command's help: its synopsis, what it does,
// its flags (those of fs, which the command defined) and the topics to
// read next.
func writeCommandHelp(w io.Writer, c *command, fs *flag.FlagSet) {
	name := "gradcheck"
	if c.name != "default" {
		name += " " + c.name
	}
	fmt.Fprintf(w, "usage: %s %s\n\n%s", name, c.usage, c.about)
	var flags strings.Builder
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(&flags, "  --%s", f.Name)
		if arg != "" {
			fmt.Fprintf(&flags, " %s", arg)
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		flags.WriteString("\n" + wrap(usage, "        ", 80))
	})
	if flags.Len() > 0 {
		fmt.Fprintf(w, "\nFlags:\n%s", flags.String())
	}
	if len(c.seeAlso) > 0 {
		var see []string
		for _, s := range c.seeAlso {
			see = append(see, "'gradcheck help "+s+"'")
		}
		fmt.Fprintf(w, "\n%s", wrap("See also "+strings.Join(see, ", ")+".", "", 80))
	}
}

// wrap breaks s into lines of at most width characters (a longer word
// stays whole), each starting with indent.
func wrap(s, indent string, width int) string {
	var b strings.Builder
	line := indent
	for _, word := range strings.Fields(s) {
		if len(line) > len(indent) && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	b.WriteString(line + "\n")
	return b.String()
}

func init() {
	register(&command{name: "help", summary: "print the help of a command or a topic, or this list",
		usage: "[COMMAND | TOPIC]",
		about: "Prints the commands, the help topics and the exit codes; with a command's name, its\nhelp (the same as 'gradcheck COMMAND -h'); with a topic's, the topic.\n",
		run:   runHelp})
}

func runHelp(e *env, args []string) error {
	switch {
	case len(args) == 0 || len(args) == 1 && isHelpFlag(args[0]):
		writeOverview(e.stdout)
		return nil
	case len(args) > 1:
		return fmt.Errorf("unexpected argument %s: help takes one command or topic", netio.Quote(args[1]))
	}
	name := args[0]
	if c, ok := commands[name]; ok && name != "help" {
		// The command prints its own help, flags included, and stops.
		err := c.run(e, []string{"-h"})
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if name == "help" {
		writeOverview(e.stdout)
		return nil
	}
	if t, ok := findTopic(name); ok {
		writeTopic(e.stdout, t)
		return nil
	}
	var all []string
	for n := range commands {
		if n != "default" {
			all = append(all, n)
		}
	}
	sort.Strings(all)
	for _, t := range topics {
		all = append(all, t.name)
	}
	return fmt.Errorf("no command or topic %s (commands and topics: %s)", netio.Quote(name), strings.Join(all, ", "))
}

// isHelpFlag reports whether arg asks for help: -h, -help, --h or --help.
func isHelpFlag(arg string) bool {
	switch arg {
	case "-h", "-help", "--h", "--help":
		return true
	}
	return false
}
