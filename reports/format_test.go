package reports

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFormats(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ got, want string }{
		{dur(2.5e-9), "2.5 ns"},
		{dur(72.2e-6), "72.2 µs"},
		{dur(0.664), "664 ms"},
		{dur(16.2), "16.2 s"},
		{dur(4300), "4300 s"},
		{dur(1.8e5), "50 h"},
		{dur(8.64e5), "10 days"},
		{count(0), "0"},
		{count(999), "999"},
		{count(1000), "1,000"},
		{count(1546731936), "1,546,731,936"},
		{group(0.359), "0.359"},
		{group(9191.4), "9,191"},
		{short(20), "20"},
		{short(2000), "2k"},
		{short(1e6), "1M"},
		{ratios(1000), "1k×"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestLogTicks checks that the ticker puts its marks on exact decimals and
// labels the powers of ten (and 2 and 5 on short axes) without the
// 9.999…e-05 of plot.LogTicks.
func TestLogTicks(t *testing.T) {
	t.Parallel()
	ticks := logTicks{label: dur}.Ticks(1e-6, 1e-3)
	var labels []string
	for _, tk := range ticks {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
		if l := math.Log10(tk.Value); math.Abs(l-math.Round(l)) > 1e-12 && tk.Value < 2e-6 {
			t.Errorf("tick %v between 1e-6 and 2e-6", tk.Value)
		}
	}
	if diff := cmp.Diff([]string{"1 µs", "10 µs", "100 µs", "1 ms"}, labels); diff != "" {
		t.Errorf("labels mismatch (-want +got):\n%s", diff)
	}
	if len(ticks) != 3*9+1 {
		t.Errorf("%d ticks, want 28 (1–9 per decade, and 1 ms)", len(ticks))
	}
	short := logTicks{label: short}.Ticks(50, 900)
	labels = labels[:0]
	for _, tk := range short {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if diff := cmp.Diff([]string{"50", "100", "200", "500"}, labels); diff != "" {
		t.Errorf("short axis labels mismatch (-want +got):\n%s", diff)
	}
}

func TestStats(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		x              []float64
		med, low, high float64
	}{
		{[]float64{3}, 3, 3, 3},
		{[]float64{4, 1, 3}, 3, 1, 4},
		{[]float64{4, 1, 3, 2}, 2.5, 1, 4},
	} {
		m, lo, hi := stats(tc.x)
		if m != tc.med || lo != tc.low || hi != tc.high {
			t.Errorf("stats(%v) = %v, %v, %v; want %v, %v, %v", tc.x, m, lo, hi, tc.med, tc.low, tc.high)
		}
	}
}
