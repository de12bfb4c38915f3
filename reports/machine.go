package reports

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/blas/blas64"

	"github.com/gradcheck/gradcheck/blas"
)

// Machine describes where a report was measured.
type Machine struct {
	CPU        string    `json:"cpu"`
	Cores      int       `json:"cores"`
	GOMAXPROCS int       `json:"gomaxprocs"`
	OS         string    `json:"os"`
	Go         string    `json:"go"`
	BLAS       string    `json:"blas"`
	Commit     string    `json:"commit"`
	Load       []float64 `json:"load_average_start,omitempty"`
	GPU        string    `json:"gpu,omitempty"`
}

func machine() Machine {
	return Machine{
		CPU:        cpuModel(),
		Cores:      runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		OS:         runtime.GOOS + "/" + runtime.GOARCH,
		Go:         runtime.Version(),
		BLAS:       blasName(),
		Commit:     commit(),
		Load:       loadAverage(),
	}
}

// cpuModel returns the first "model name" of /proc/cpuinfo, or "unknown".
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// loadAverage returns the 1-, 5- and 15-minute load averages of
// /proc/loadavg, or nil where there is none.
func loadAverage() []float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return nil
	}
	f := strings.Fields(string(b))
	var l []float64
	for i := 0; i < 3 && i < len(f); i++ {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return nil
		}
		l = append(l, v)
	}
	return l
}

// blasName says which library computes the matrix products in this
// process: the native library that blas.Use installed (its name, version,
// file, kernels and threads), which takes the products of at least
// blas.GemmMinWork multiply-adds while gonum's pure Go keeps the smaller
// ones, or gonum's pure Go (with the reason where a native library was
// sought and did not load). It reads what is installed; nothing it says
// changes what is measured.
func blasName() string {
	info, err := blas.Load()
	if _, native := blas64.Implementation().(blas.Implementation); native && err == nil {
		return fmt.Sprintf("%v; products under %d multiply-adds in gonum's pure Go", info, blas.GemmMinWork)
	}
	if err != nil && info.Reason != "" {
		return "gonum's pure Go (" + info.Reason + ")"
	}
	return "gonum's pure Go"
}

// notRecorded is the commit of a binary built without version control
// information, run outside a checkout of gradcheck.
const notRecorded = "not recorded"

// commit returns the commit the code was built from: the binary's own
// version-control stamp (go build in a checkout records it), marked
// "(modified)" when the tree had changes; else, for go run and go test,
// which record none, `git rev-parse HEAD` where the working directory is a
// checkout of gradcheck (its go.mod names the module), marked "(modified)"
// when `git status` lists changes to tracked files; else "not recorded".
func commit() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, mod string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				mod = s.Value
			}
		}
		if rev != "" {
			if mod == "true" {
				rev += " (modified)"
			}
			return rev
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	top, err := exec.CommandContext(ctx, "git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return notRecorded
	}
	mod, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(top)), "go.mod"))
	if first, _, _ := strings.Cut(string(mod), "\n"); err != nil || strings.TrimSpace(first) != "module "+modulePath {
		return notRecorded // another repository's commit says nothing of this code
	}
	out, err := exec.CommandContext(ctx, "git", "rev-parse", "HEAD").Output()
	if err != nil {
		return notRecorded
	}
	c := strings.TrimSpace(string(out))
	if st, err := exec.CommandContext(ctx, "git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(strings.TrimSpace(string(st))) > 0 {
		c += " (modified)"
	}
	return c
}

// modulePath is gradcheck's module, which a checkout's go.mod names.
const modulePath = "github.com/gradcheck/gradcheck"
