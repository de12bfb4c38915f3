package properties

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"pgregory.net/rapid"
)

// Outcome is what one property came to in [RunSuite].
type Outcome struct {
	// Name is the property's name.
	Name string
	// Skipped says why the property did not run ([Property.Skipped]);
	// empty when it ran.
	Skipped string
	// Checks is the number of examples it ran, the failing one included.
	Checks int
	// Failed reports whether an example failed. Seed is that example's
	// seed: Suite with -rapid.seed=Seed -rapid.checks=1 runs it first, and
	// shrinks it. Message is the property's message on it.
	Failed  bool
	Seed    uint64
	Message string
}

// Results are the outcomes of a suite, one per property in the order of
// [Properties].
type Results []Outcome

// Failed returns the names of the properties that failed, in order.
func (r Results) Failed() []string {
	var names []string
	for _, o := range r {
		if o.Failed {
			names = append(names, o.Name)
		}
	}
	return names
}

// Passed reports whether no property failed.
func (r Results) Passed() bool { return len(r.Failed()) == 0 }

// String prints one line per property: passed, skipped, or failed with
// the seed and the first line of the message.
func (r Results) String() string {
	var b strings.Builder
	for _, o := range r {
		switch {
		case o.Skipped != "":
			fmt.Fprintf(&b, "%-20s skipped: %s\n", o.Name, o.Skipped)
		case o.Failed:
			first, _, _ := strings.Cut(o.Message, "\n")
			fmt.Fprintf(&b, "%-20s FAIL after %d examples, seed %d: %s\n", o.Name, o.Checks, o.Seed, first)
		default:
			fmt.Fprintf(&b, "%-20s ok, %d examples\n", o.Name, o.Checks)
		}
	}
	return b.String()
}

// RunSuite runs every property on models from f, as [Suite] does, and
// returns the outcomes instead of failing a test: for a test that expects
// a model or trainer to fail (a mutant the suite must kill), or a report
// outside `go test`. Each property runs until its first failing example,
// on the examples that rapid.Check runs for -rapid.seed=seed
// -rapid.checks=checks (the same seeds, in the same order), so that
// RunSuite and Suite agree example for example; but it neither shrinks a
// failure nor reads or writes rapid's fail files. checks ≤ 0 means
// -rapid.checks (a fifth of it with -test.short, as rapid does), and seed 0
// means -rapid.seed, or a random seed if that is 0 too. A property that
// skips an example (t.Skip) draws it again from the same stream, which
// rapid.Check does not; the properties of this package never skip.
func RunSuite(f Factory, s *Settings, checks int, seed uint64) Results {
	if checks <= 0 {
		checks = flagInt("rapid.checks", 100)
		if short, _ := strconv.ParseBool(flagValue("test.short")); short {
			checks /= 5
		}
	}
	if seed == 0 {
		seed, _ = strconv.ParseUint(flagValue("rapid.seed"), 10, 64)
	}
	if seed == 0 {
		seed = rand.Uint64() | 1
	}
	out := make(Results, 0, len(Properties))
	for _, p := range Properties {
		o := Outcome{Name: p.Name, Skipped: p.Skipped(s)}
		if o.Skipped == "" {
			o.Checks, o.Seed, o.Message, o.Failed = falsifyFrom(p.Prop(f, s), checks, seed)
		}
		out = append(out, o)
	}
	return out
}

// falsifyFrom runs prop on the examples of rapid.Check's seed sequence from
// base (rapid's findBug: the i-th example's seed is the (i−1)-th's plus i)
// and returns the number run, and the first failure's seed and message.
func falsifyFrom(prop func(*rapid.T), checks int, base uint64) (n int, seed uint64, msg string, failed bool) {
	seed = base
	for i := range checks {
		seed += uint64(i)
		if msg, failed = FalsifySeed(prop, int(seed)); failed {
			return i + 1, seed, msg, true
		}
	}
	return checks, 0, "", false
}

// flagValue returns the value of the command-line flag name, or "" when no
// such flag is defined (outside a test binary, or without rapid).
func flagValue(name string) string {
	if f := flag.Lookup(name); f != nil {
		return f.Value.String()
	}
	return ""
}

func flagInt(name string, def int) int {
	if n, err := strconv.Atoi(flagValue(name)); err == nil {
		return n
	}
	return def
}
