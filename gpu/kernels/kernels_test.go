package kernels

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The embedded PTX must come from the kernels.cu in the tree: gen-ptx.sh records the
// source's hash when it writes the PTX.
func TestPTXIsFromThisSource(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("kernels.cu")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := os.ReadFile("kernels.cu.sha256")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(rec))
	if len(f) != 2 || f[1] != "kernels.cu" {
		t.Fatalf("kernels.cu.sha256 = %q, want sha256sum's \"HASH  kernels.cu\"", rec)
	}
	sum := sha256.Sum256(src)
	if got := hex.EncodeToString(sum[:]); got != f[0] {
		t.Errorf("kernels.cu has sha256 %s, but kernels.ptx was made from %s: run gpu/kernels/gen-ptx.sh (make ptx)", got, f[0])
	}
}

// directive returns the first operand of the first line starting with name.
func directive(ptx []byte, name string) string {
	sc := bufio.NewScanner(bytes.NewReader(ptx))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == name {
			return f[1]
		}
	}
	return ""
}

// isaAtMost reports whether version "a.b" is at most "c.d", numerically.
func isaAtMost(v, max string) bool {
	parse := func(s string) (int, int, bool) {
		a, b, ok := strings.Cut(s, ".")
		x, e1 := strconv.Atoi(a)
		y, e2 := strconv.Atoi(b)
		return x, y, ok && e1 == nil && e2 == nil
	}
	a, b, ok1 := parse(v)
	c, d, ok2 := parse(max)
	return ok1 && ok2 && (a < c || a == c && b <= d)
}

func TestIsaAtMost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v    string
		want bool
	}{{"7.8", true}, {"9.0", true}, {"8.10", true}, {"9.1", false}, {"10.0", false}, {"nine", false}, {"9", false}} {
		if got := isaAtMost(tc.v, "9.0"); got != tc.want {
			t.Errorf("isaAtMost(%q, 9.0) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

func TestPTXHeader(t *testing.T) {
	t.Parallel()
	p := PTX()
	if v := directive(p, ".version"); !isaAtMost(v, MaxISA) {
		t.Errorf("PTX .version %q, want at most %s (newer ISAs are refused by the GPU machine's driver)", v, MaxISA)
	}
	if got := directive(p, ".target"); got != Target {
		t.Errorf("PTX .target %q, want %s", got, Target)
	}
	if got := directive(p, ".address_size"); got != "64" {
		t.Errorf("PTX .address_size %q, want 64", got)
	}
}

var entryRE = regexp.MustCompile(`(?m)^\.visible \.entry ([A-Za-z_][A-Za-z0-9_]*)\(`)

// The PTX defines exactly the entry points the package names.
func TestPTXEntries(t *testing.T) {
	t.Parallel()
	var got []string
	for _, m := range entryRE.FindAllSubmatch(PTX(), -1) {
		got = append(got, string(m[1]))
	}
	want := Entries()
	slices.Sort(got)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PTX entry points mismatch (-want +got):\n%s", diff)
	}
	if len(F64.Names()) != 13 || slices.Contains(F64.Names(), "") {
		t.Errorf("F64.Names() = %v, want 13 names", F64.Names())
	}
}

// entryBody returns the PTX text of one entry point's body.
func entryBody(t *testing.T, name string) string {
	t.Helper()
	p := string(PTX())
	start := strings.Index(p, ".visible .entry "+name+"(")
	if start < 0 {
		t.Fatalf("no entry %s", name)
	}
	end := strings.Index(p[start:], "\n}\n")
	if end < 0 {
		t.Fatalf("entry %s has no end", name)
	}
	return p[start : start+end]
}

// Bitwise agreement with the CPU needs rounded multiplies and adds, not fused ones: the
// PTX must have been built with -fmad=false. (The libm functions behind the
// activations use fma on purpose; they are compared with the CPU by tolerance.)
func TestPTXHasNoContractedArithmetic(t *testing.T) {
	t.Parallel()
	for _, s := range []Set{F64, F32} {
		for _, name := range []string{s.GemmNN, s.GemmNT, s.GemmTN, s.SGDUpdate, s.ColSum, s.SqErr, s.SqErrGrad} {
			body := entryBody(t, name)
			if strings.Contains(body, "fma.") || strings.Contains(body, "mad.rn") {
				t.Errorf("%s contains fused multiply-adds: build the PTX with -fmad=false", name)
			}
			if !strings.Contains(body, "mul.rn.") && !strings.Contains(body, "add.rn.") && !strings.Contains(body, "div.rn.") {
				t.Errorf("%s has no rounded float arithmetic: is it the kernel expected?", name)
			}
		}
	}
}

// The constants here and the #defines in kernels.cu must agree.
func TestConstantsMatchSource(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("kernels.cu")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		define string
		value  int
	}{
		{"TILE", GemmTile},
		{"REDUCE_THREADS", ReduceThreads},
		{"ACT_IDENTITY", int(Identity)},
		{"ACT_SIGMOID", int(Sigmoid)},
		{"ACT_TANH", int(Tanh)},
		{"ACT_RELU", int(ReLU)},
		{"ACT_LEAKY_RELU", int(LeakyReLU)},
		{"ACT_SOFTPLUS", int(Softplus)},
	} {
		re := regexp.MustCompile(`(?m)^#define ` + c.define + ` (\d+)`)
		m := re.FindSubmatch(src)
		if m == nil {
			t.Errorf("kernels.cu has no #define %s", c.define)
			continue
		}
		if got, _ := strconv.Atoi(string(m[1])); got != c.value {
			t.Errorf("kernels.cu: #define %s %d, Go constant %d", c.define, got, c.value)
		}
	}
}
