package reports

import (
	"encoding/xml"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/gradcheck/gradcheck/blas"
)

// fitSweeps are a width sweep of five sizes and a batch sweep of four, every
// size in the fit window.
func fitSweeps() []Sweep {
	all := []string{Backprop, ForwardPass, FDForward, FDCentral, Dual, Paths}
	var width, batch []Shape
	for _, w := range []int{2, 3, 4, 5, 6} {
		width = append(width, Shape{Width: w, Depth: 2, Batch: 1})
	}
	for _, b := range []int{1, 2, 3, 4} {
		batch = append(batch, Shape{Width: 2, Depth: 2, Batch: b})
	}
	return []Sweep{{Name: "width", Shapes: width, Methods: all}, {Name: "batch", Shapes: batch, Methods: all}}
}

// tableRows returns the rows of the growth table under the heading that
// starts with title.
func growthRows(t *testing.T, md, title string) []string {
	t.Helper()
	_, sec, ok := strings.Cut(md, "\n## "+title)
	if !ok {
		t.Fatalf("report.md has no section %q", title)
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
	_, table, ok := strings.Cut(sec, "\nGrowth in ")
	if !ok {
		t.Fatalf("section %q has no growth table", title)
	}
	var rows []string
	for _, l := range strings.Split(table, "\n") {
		if strings.HasPrefix(l, "| ") && !strings.HasPrefix(l, "| method") {
			rows = append(rows, l)
		}
	}
	return rows
}

// TestFewSizesNoVerdict: a fit over fewer than five sizes gives no exponent
// and no verdict, "too few sizes to fit", never "Disagrees" (the committed
// example once said so of a four-point batch sweep); five sizes get their
// verdict. The summary and the notes say nothing more of the short fits,
// and no plot draws their line.
func TestFewSizesNoVerdict(t *testing.T) {
	t.Parallel()
	r, err := Run(&Settings{Quick: true, Sweeps: fitSweeps(), MaxSeconds: 5, Command: "test"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	md := readFile(t, filepath.Join(dir, "report.md"))
	for _, row := range growthRows(t, md, "Batch sweep") {
		if !strings.Contains(row, "| too few sizes to fit | 4 |") || strings.Contains(row, "Disagrees") || strings.Contains(row, "Agrees") {
			t.Errorf("batch sweep of 4 sizes: %s", row)
		}
	}
	for _, row := range growthRows(t, md, "Width sweep") {
		if strings.Contains(row, "too few") || !regexp.MustCompile(`\| (Agrees\.|Close; see the notes\.|\*\*Disagrees\*\*) \| 5 \|$`).MatchString(row) {
			t.Errorf("width sweep of 5 sizes, no verdict: %s", row)
		}
	}
	if strings.Contains(md, "batch sweep**:") {
		t.Errorf("the notes explain a fit of four sizes:\n%s", md)
	}
	for _, w := range []string{"10³×", "acceptance"} {
		if strings.Contains(md, w) {
			t.Errorf("report.md says %q, a criterion of the project's, not the reader's", w)
		}
	}
	svg := readFile(t, filepath.Join(dir, "time_vs_batch.svg"))
	if strings.Contains(svg, "(fit:") {
		t.Errorf("time_vs_batch.svg draws a fit of four sizes")
	}
}

// svgText is one text element of an SVG written by gonum/plot: its
// baseline y (up from the bottom) and font size, in points.
type svgText struct {
	text     string
	y, size  float64
	isLegend bool
}

func svgTexts(t *testing.T, svg string) []svgText {
	t.Helper()
	size := regexp.MustCompile(`font-size:([0-9.]+)px`)
	dec := xml.NewDecoder(strings.NewReader(svg))
	var out []svgText
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "text" {
			continue
		}
		var st svgText
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "y":
				y, _ := strconv.ParseFloat(a.Value, 64)
				st.y = -y // gonum/plot writes y flipped: transform="scale(1, -1)"
			case "style":
				if m := size.FindStringSubmatch(a.Value); m != nil {
					st.size, _ = strconv.ParseFloat(m[1], 64)
				}
			}
		}
		var body string
		if err := dec.DecodeElement(&body, &se); err != nil {
			t.Fatal(err)
		}
		st.text = body
		out = append(out, st)
	}
}

// TestLegendBelowTitle: in every figure the legend's first line starts at
// least 8 points below the title's baseline, so that the two do not
// crowd each other, and no legend shows the project's "acceptance line".
func TestLegendBelowTitle(t *testing.T) {
	t.Parallel()
	r, err := Run(&Settings{Quick: true, Sweeps: append(fitSweeps(), Sweep{Name: "depth", Shapes: []Shape{{2, 1, 1}, {2, 2, 1}, {2, 3, 1}, {2, 4, 1}, {2, 5, 1}}, Methods: []string{Backprop, Paths}}), MaxSeconds: 5, Command: "test"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	names, err := r.writePlots(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 5 {
		t.Fatalf("%d figures, want 5: %v", len(names), names)
	}
	for _, name := range names {
		texts := svgTexts(t, readFile(t, filepath.Join(dir, name)))
		var title svgText
		for _, tx := range texts {
			if tx.size > title.size {
				title = tx
			}
		}
		legend := 0
		for _, tx := range texts {
			if tx.size != 9 { // the legend's font size (newPlot)
				continue
			}
			legend++
			if top := tx.y + tx.size; top > title.y-8 {
				t.Errorf("%s: the legend's %q reaches %.1f pt, within 8 pt of the title's baseline at %.1f", name, tx.text, top, title.y)
			}
			if strings.Contains(tx.text, "acceptance") {
				t.Errorf("%s: legend %q", name, tx.text)
			}
		}
		if legend == 0 || !strings.Contains(title.text, "vs") && !strings.Contains(title.text, "÷") {
			t.Errorf("%s: title %q, %d legend lines", name, title.text, legend)
		}
	}
}

// TestMachineNames: the machine table names the library of the matrix
// products, not a Go type (it said "blas.Implementation"), and the commit
// from the checkout, or "not recorded" where there is none to read.
func TestMachineNames(t *testing.T) {
	if got := blasName(); got != "gonum's pure Go" && !strings.HasPrefix(got, "gonum's pure Go (") {
		t.Errorf("with gonum's implementation installed: %q", got)
	}
	if blas.Available() {
		blas64.Use(blas.Implementation{})
		got := blasName()
		blas64.Use(gonum.Implementation{})
		info, _ := blas.Load()
		if !strings.HasPrefix(got, info.String()) || strings.Contains(got, "blas.Implementation") || !strings.Contains(got, "pure Go") {
			t.Errorf("with the native library installed: %q", got)
		}
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skipf("no git: %v", err)
	}
	if c := commit(); c != notRecorded && !regexp.MustCompile(`^[0-9a-f]{40}( \(modified\))?$`).MatchString(c) {
		t.Errorf("in the checkout: commit %q", c)
	}
	t.Chdir(t.TempDir())
	if c := commit(); c != notRecorded {
		t.Errorf("outside any checkout: commit %q, want %q", c, notRecorded)
	}
}
