package main

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

// TestKiBField reads /proc's "name:  value kB" lines.
func TestKiBField(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "meminfo")
	os.WriteFile(path, []byte("MemTotal:       24576000 kB\nMemAvailable:    1000 kB\nHugePages_Total:       0\nVmSize: x kB\n"), 0o644)
	for _, tc := range []struct {
		field string
		want  float64
		ok    bool
	}{
		{"MemAvailable", 1000 * 1024, true},
		{"MemTotal", 24576000 * 1024, true},
		{"HugePages_Total", 0, true},
		{"VmSize", 0, false},
		{"MemFree", 0, false},
	} {
		if v, ok := kiBField(path, tc.field); v != tc.want || ok != tc.ok {
			t.Errorf("%s: %v, %t; want %v, %t", tc.field, v, ok, tc.want, tc.ok)
		}
	}
}

// TestAvailableMemory: on Linux the memory a command may take is at most
// what the kernel calls available, less the runtime's margin.
func TestAvailableMemory(t *testing.T) {
	t.Parallel()
	avail, ok := meminfo("MemAvailable")
	if !ok {
		t.Skip("no /proc/meminfo")
	}
	m := availableMemory()
	if math.IsInf(m.free, 1) || m.free > avail || m.free <= 0 || m.why == "" {
		t.Errorf("available %v (%s), MemAvailable %v", m.free, m.why, avail)
	}
}

// TestRefuse: the estimate refuses exactly what exceeds the memory, and
// says both numbers and where the limit comes from.
func TestRefuse(t *testing.T) {
	t.Parallel()
	n := need{fixed: 1 << 30, perSample: 1 << 20}
	mem := memory{free: n.total(100), why: "a test's"}
	if err := n.refuse(mem, 100, "grad"); err != nil {
		t.Errorf("a job of exactly the memory refused: %v", err)
	}
	err := n.refuse(mem, 101, "grad on 5 parameters")
	if err == nil || err.Error() != "grad on 5 parameters needs about 1.17 GiB of memory, more than the 1.17 GiB available (a test's)" {
		t.Errorf("error %v", err)
	}
	if err := (job{command: "check", fast: true, projections: 1 << 40}).refuseFlags(memory{free: 1 << 40, why: "x"}); err == nil {
		t.Error("2⁴⁰ projections fit in 1 TiB")
	}
	if err := (job{command: "check", fast: true, projections: 16}).refuseFlags(memory{free: 1 << 30}); err != nil {
		t.Errorf("16 projections: %v", err)
	}
}
