package kernels

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// TestHostEmulation compiles kernels.cu as C++ with a small emulation of CUDA's thread
// model (testdata/emu.cpp) and runs every kernel against C++ references. It needs g++
// with C++20 (std::barrier) and is skipped without it, or under -short.
func TestHostEmulation(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles C++: skipped under -short")
	}
	gxx, err := exec.LookPath("g++")
	if err != nil {
		t.Skip("no g++: the kernels are not emulated on the host")
	}
	bin := filepath.Join(t.TempDir(), "emu")
	build := exec.Command(gxx, "-std=c++20", "-O0", "-ffp-contract=off", "-pthread", "-o", bin, filepath.Join("testdata", "emu.cpp"))
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("compiling testdata/emu.cpp: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("emulated kernels failed: %v", err)
	}
}
