// Command benchtable merges one run of scripts/bench.sh, our Go benchmarks
// and the PyTorch peers' JSON, into a Markdown table of ratios,
// reports/cpu-vs-pytorch.md.
//
//	go run ./scripts/benchtable -dir RUNDIR -out reports/cpu-vs-pytorch.md
//
// RUNDIR holds what bench.sh wrote: go-native.txt and go-pure.txt (go test
// -bench output of package backprop with OpenBLAS and with GRADCHECK_BLAS=go),
// netfd.txt (package numgrad/netfd), checker.txt (package numgrad's
// BenchmarkCheckModel), torch-mlp-*.json
// (../shared/peers/torch_mlp.py --out), torch-gradcheck.json
// (torch_gradcheck.py --out), meta.txt (lines "key: value" describing the
// run) and commands.txt (the commands, one a line). Every ratio compares
// numbers of that one run; the acceptance lines are computed from them.
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gradcheck/gradcheck/blas"
)

func main() {
	dir := flag.String("dir", "", "the run's output folder (see the command's documentation)")
	out := flag.String("out", "reports/cpu-vs-pytorch.md", "the Markdown file to write")
	flag.Parse()
	if *dir == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: benchtable -dir RUNDIR [-out FILE]")
		os.Exit(2)
	}
	r, err := load(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(2)
	}
	md, failed := r.markdown()
	if err := os.WriteFile(*out, []byte(md), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(2)
	}
	fmt.Print(md)
	if failed > 0 {
		fmt.Fprintf(os.Stderr, "benchtable: %d acceptance criteria not met\n", failed)
	}
}

// run is everything one bench.sh run measured.
type run struct {
	native, pure, netfd, checker map[string]goBench
	mlp                          []torchMLP
	gradcheck                    []torchGradcheck
	meta                         [][2]string
	commands                     []string
	blasInfo                     string
}

func load(dir string) (*run, error) {
	r := &run{}
	for _, f := range []struct {
		name string
		dst  *map[string]goBench
	}{{"go-native.txt", &r.native}, {"go-pure.txt", &r.pure}, {"netfd.txt", &r.netfd}, {"checker.txt", &r.checker}} {
		file := filepath.Join(dir, f.name)
		fh, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		*f.dst, err = parseGoBench(fh, file)
		fh.Close()
		if err != nil {
			return nil, err
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "torch-mlp-*.json"))
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no torch-mlp-*.json", dir)
	}
	for _, f := range files {
		rows, err := readJSON[torchMLP](f)
		if err != nil {
			return nil, err
		}
		r.mlp = append(r.mlp, rows...)
	}
	var err error
	if r.gradcheck, err = readJSON[torchGradcheck](filepath.Join(dir, "torch-gradcheck.json")); err != nil {
		return nil, err
	}
	if b, err := os.ReadFile(filepath.Join(dir, "meta.txt")); err == nil {
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if k, v, ok := strings.Cut(line, ": "); ok {
				r.meta = append(r.meta, [2]string{k, v})
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "commands.txt")); err == nil {
		r.commands = strings.Split(strings.TrimSpace(string(b)), "\n")
	}
	info, _ := blas.Load()
	r.blasInfo = info.String()
	return r, nil
}

// torchBest returns PyTorch's fastest time of field over its thread counts
// for one network and batch, the thread count that gave it, and every
// thread count's time; ok is false where the run has no such row.
func (r *run) torchBest(layers []int, batch int, field func(torchMLP) float64) (best float64, threads int, all map[int]float64, ok bool) {
	all = map[int]float64{}
	for _, m := range r.mlp {
		if slices.Equal(m.Layers, layers) && m.Batch == batch && m.Dtype == "f64" && m.Act == "sigmoid" {
			t := field(m)
			all[m.Threads] = t
			if !ok || t < best {
				best, threads, ok = t, m.Threads, true
			}
		}
	}
	return best, threads, all, ok
}

// get returns the benchmark name run at GOMAXPROCS procs, nil if absent.
func (r *run) get(res map[string]goBench, name string, procs int) goBench {
	return res[benchKey(name, procs)]
}

// timing is a benchmark's median time per op at 1 and 2 threads, and the
// faster of the two with its allocations.
type timing struct {
	by     map[int]float64 // seconds per op by GOMAXPROCS
	s      float64         // the faster
	allocs float64         // allocs/op at the faster
	ok     bool
}

// bestOf returns name's timing over GOMAXPROCS 1 and 2.
func bestOf(res map[string]goBench, name string) timing {
	t := timing{by: map[int]float64{}}
	for _, procs := range []int{1, 2} {
		g := res[benchKey(name, procs)]
		ns, ok := g.median("ns/op")
		if !ok {
			continue
		}
		t.by[procs] = ns / 1e9
		if !t.ok || ns/1e9 < t.s {
			t.s, t.ok = ns/1e9, true
			t.allocs, _ = g.median("allocs/op")
		}
	}
	return t
}

// check is one acceptance criterion: want is the smallest acceptable ratio
// (or, with atMost, the largest).
type check struct {
	what   string
	got    float64
	want   float64
	atMost bool
	ok     bool // measured at all
}

func (c check) met() bool {
	if !c.ok {
		return false
	}
	if c.atMost {
		return c.got <= c.want
	}
	return c.got >= c.want
}

var stepCases = []struct {
	layers []int
	batch  int
	want   float64 // the speed-up issue 8 asks for with OpenBLAS
}{
	{[]int{2, 3, 3, 1}, 16, 20},
	{[]int{64, 64, 64, 1}, 16, 3},
	{[]int{784, 256, 256, 10}, 256, 1},
	{[]int{1024, 1024, 1024, 1024}, 256, 1},
}

// markdown renders the report and returns how many criteria were not met.
func (r *run) markdown() (string, int) {
	var b strings.Builder
	var checks []check
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }

	p("# CPU speed: gradcheck against PyTorch on the same machine\n\n")
	p("Written by `make bench` (scripts/bench.sh, scripts/benchtable). Every number comes from one run of that script, ")
	p("ours and PyTorch's measured one after the other on the same machine; times are medians. ")
	p("Speed-up = PyTorch's time / ours (above 1: we are faster). The networks have sigmoid hidden layers, ")
	p("a linear output and the squared error, in float64.\n\n")

	p("## Training step\n\n")
	p("One step of forward pass, backward pass and SGD update (`backprop.Network.Step`, BenchmarkStep; ")
	p("PyTorch: `zero_grad`, forward, `mse_loss`, `backward`, `SGD.step`). Each ran on 1 and on 2 threads: PyTorch ")
	p("with `--threads 1 2` (torch's and OpenBLAS's threads), ours with `go test -cpu 1` and `-cpu 2`, one process each ")
	p("(GOMAXPROCS, and as many OpenBLAS threads). Both load the same OpenBLAS, with the kernels named under Machine and run ")
	p("(this environment may fix them with OPENBLAS_CORETYPE, for both). ")
	p("The speed-up compares the faster of each; allocations are per step, at our faster thread count.\n\n")
	p("| network | batch | PyTorch, 1 / 2 threads | ours, OpenBLAS, 1 / 2 threads | allocs | speed-up | target | ours, pure Go, 1 / 2 threads | allocs | pure Go speed-up |\n")
	p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, c := range stepCases {
		name := fmt.Sprintf("Step/%s/batch=%d", layersKey(c.layers), c.batch)
		best, _, all, okT := r.torchBest(c.layers, c.batch, func(m torchMLP) float64 { return m.Step })
		nat := bestOf(r.native, name)
		pure := bestOf(r.pure, name)
		ch := check{what: fmt.Sprintf("training step %v batch %d, OpenBLAS: speed-up over PyTorch", c.layers, c.batch), want: c.want, ok: okT && nat.ok}
		if ch.ok {
			ch.got = best / nat.s
		}
		checks = append(checks, ch,
			check{what: fmt.Sprintf("training step %v batch %d, OpenBLAS: allocations per step", c.layers, c.batch), got: nat.allocs, want: 0, atMost: true, ok: nat.ok})
		p("| %v | %d | %s / %s | %s / %s | %s | %s | ≥ %g× | %s / %s | %s | %s |\n", c.layers, c.batch,
			dur(all[1], all[1] > 0), dur(all[2], all[2] > 0), dur(nat.by[1], nat.by[1] > 0), dur(nat.by[2], nat.by[2] > 0), num(nat.allocs, nat.ok),
			ratio(ch.got, ch.ok), c.want, dur(pure.by[1], pure.by[1] > 0), dur(pure.by[2], pure.by[2] > 0), num(pure.allocs, pure.ok), ratio(best/pure.s, okT && pure.ok))
	}

	p("\n## Gradient-to-forward time ratio\n\n")
	p("Time of forward and backward pass (`Gradient`) over the time of the forward pass alone (`Cost`), [784 256 256 10], batch 256, ")
	p("per thread count. PyTorch's forward builds its autograd graph; its ratio is `fwdbwd / fwd`.\n\n")
	p("| | threads | forward | forward + backward | ratio | target |\n|---|---:|---:|---:|---:|---:|\n")
	mn := []int{784, 256, 256, 10}
	for _, impl := range []struct {
		name string
		res  map[string]goBench
	}{{"ours, OpenBLAS", r.native}, {"ours, pure Go", r.pure}} {
		for _, procs := range []int{1, 2} {
			f, okF := r.get(impl.res, "Forward/"+layersKey(mn)+"/batch=256", procs).median("ns/op")
			g, okG := r.get(impl.res, "Gradient/"+layersKey(mn)+"/batch=256", procs).median("ns/op")
			target := "—"
			if impl.name == "ours, OpenBLAS" {
				target = "≤ 3"
				checks = append(checks, check{what: fmt.Sprintf("gradient-to-forward time ratio [784 256 256 10] batch 256, OpenBLAS, %d thread(s)", procs), got: g / f, want: 3, atMost: true, ok: okF && okG})
			}
			p("| %s | %d | %s | %s | %s | %s |\n", impl.name, procs, dur(f/1e9, okF), dur(g/1e9, okG), num2(g/f, okF && okG), target)
		}
	}
	for _, m := range r.mlp {
		if slices.Equal(m.Layers, mn) && m.Batch == 256 && m.Dtype == "f64" && m.Act == "sigmoid" {
			p("| PyTorch | %d | %s | %s | %.2f | — |\n", m.Threads, dur(m.Fwd, true), dur(m.FwdBwd, true), m.RatioFbF)
		}
	}

	p("\n## Full numerical gradient check\n\n")
	p("Every component of the gradient by central differences, batch 16. PyTorch: `torch.autograd.gradcheck` in its default slow mode ")
	p("(1 thread, its default; its per-parameter loop does not gain from a second thread). Ours: `numgrad/netfd.Gradient` ")
	p("with 2 worker goroutines and with 1. Accuracy: the largest |numerical − exact| over all components, ")
	p("exact being each tool's own backpropagation; the two tools draw different random networks of the same shape, so the ")
	p("largest |g| is given to scale the errors.\n\n")
	p("| network | parameters | PyTorch gradcheck | its max abs error (/ max \\|g\\|) | ours, 2 workers | ours, 1 worker | speed-up (2 / 1 workers) | target | our max abs error (/ max \\|g\\|) |\n")
	p("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, layers := range [][]int{{64, 64, 64, 1}, {128, 128, 128, 1}} {
		var tg *torchGradcheck
		for i := range r.gradcheck {
			if slices.Equal(r.gradcheck[i].Layers, layers) {
				tg = &r.gradcheck[i]
			}
		}
		okT := tg != nil && tg.GradcheckS != nil
		var ts, terr, tgmax float64
		if okT {
			ts, terr, tgmax = *tg.GradcheckS, tg.MaxAbsErr, tg.MaxAbsGrad
		}
		var params int
		if tg != nil {
			params = tg.Params
		}
		key := "Gradient/" + layersKey(layers) + fmt.Sprintf("/params=%d/fast/workers=", params)
		t2, ok2 := r.get(r.netfd, key+"2", 2).median("ns/op")
		t1, ok1 := r.get(r.netfd, key+"1", 2).median("ns/op")
		e2, okE := r.get(r.netfd, key+"2", 2).median("max-abs-err/1e-12")
		g2, _ := r.get(r.netfd, key+"2", 2).median("max-abs-grad")
		checks = append(checks,
			check{what: fmt.Sprintf("full check %v: speed-up over torch gradcheck (2 workers)", layers), got: ts * 1e9 / t2, want: 10, ok: okT && ok2},
			check{what: fmt.Sprintf("full check %v: our max abs error / PyTorch's", layers), got: e2 * 1e-12 / terr, want: 1, atMost: true, ok: okT && okE && terr > 0})
		p("| %v | %d | %s | %s (%s) | %s | %s | %s / %s | ≥ 10× | %s (%s) |\n", layers, params, dur(ts, okT), sci(terr, okT), sci(terr/tgmax, okT && tgmax > 0),
			dur(t2/1e9, ok2), dur(t1/1e9, ok1), ratio(ts*1e9/t2, okT && ok2), ratio(ts*1e9/t1, okT && ok1), sci(e2*1e-12, okE), sci(e2*1e-12/g2, okE && g2 > 0))
	}

	p("\n## The checker itself\n\n")
	p("`numgrad.CheckClaimed` of backprop's gradient, central differences (the first comparison at two steps, step sweeps, ")
	p("the network's declarations), `Concurrent` on 2 threads (`go test -bench CheckModel -cpu 2 ./numgrad`): the whole ")
	p("check that `gradcheck check` runs, against `torch.autograd.gradcheck`'s slow mode on the same shape.\n\n")
	p("| network | PyTorch gradcheck | ours, CheckModel, 2 workers | speed-up | target |\n|---|---:|---:|---:|---:|\n")
	for _, w := range []int{64, 128} {
		layers := []int{w, w, w, 1}
		var ts float64
		okT := false
		for i := range r.gradcheck {
			if slices.Equal(r.gradcheck[i].Layers, layers) && r.gradcheck[i].GradcheckS != nil {
				ts, okT = *r.gradcheck[i].GradcheckS, true
			}
		}
		tc, okC := r.get(r.checker, fmt.Sprintf("CheckModel%d", w), 2).median("ns/op")
		checks = append(checks, check{what: fmt.Sprintf("the checker (CheckModel, central, 2 workers) %v: speed-up over torch gradcheck", layers), got: ts * 1e9 / tc, want: 30, ok: okT && okC})
		p("| %v | %s | %s | %s | ≥ 30× |\n", layers, dur(ts, okT), dur(tc/1e9, okC), ratio(ts*1e9/tc, okT && okC))
	}

	p("\n## Acceptance (issues 8 and 13), computed from the numbers above\n\n| criterion | measured | target | met |\n|---|---:|---:|:---:|\n")
	failed := 0
	for _, c := range checks {
		mark := "yes"
		if !c.met() {
			mark, failed = "**no**", failed+1
		}
		want := fmt.Sprintf("≥ %g", c.want)
		if c.atMost {
			want = fmt.Sprintf("≤ %g", c.want)
		}
		p("| %s | %s | %s | %s |\n", c.what, num2(c.got, c.ok), want, mark)
	}

	p("\n## Machine and run\n\n")
	p("- Go's BLAS in this environment: %s\n", r.blasInfo)
	for _, m := range r.meta {
		p("- %s: %s\n", m[0], m[1])
	}
	if len(r.commands) > 0 {
		p("\nCommands, in the order run (from the repository root):\n\n```\n%s\n```\n", strings.Join(r.commands, "\n"))
	}
	return b.String(), failed
}

// dur renders seconds with a unit, or "—" where not measured.
func dur(s float64, ok bool) string {
	switch {
	case !ok || math.IsNaN(s):
		return "—"
	case s < 1e-3:
		return fmt.Sprintf("%.1f µs", s*1e6)
	case s < 1:
		return fmt.Sprintf("%.2f ms", s*1e3)
	}
	return fmt.Sprintf("%.2f s", s)
}

func ratio(x float64, ok bool) string {
	if !ok || math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	return fmt.Sprintf("%.1f×", x)
}

func num(x float64, ok bool) string {
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%g", x)
}

func num2(x float64, ok bool) string {
	if !ok || math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	return fmt.Sprintf("%.2f", x)
}

func sci(x float64, ok bool) string {
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%.2g", x)
}
