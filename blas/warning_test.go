package blas

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestWarning runs this test binary again with GRADCHECK_BLAS set (the load
// happens once a process): a library named that does not load warns, and
// the choices that ask for no particular library do not.
func TestWarning(t *testing.T) {
	if v, ok := os.LookupEnv("GRADCHECK_BLAS_WARNING_CHILD"); ok {
		// The child: print the warning after Use, as the command does.
		Use()
		os.Stdout.WriteString(v + "|" + Warning() + "\n")
		return
	}
	t.Parallel()
	for _, tc := range []struct{ value, want string }{
		{"/nonexistent/libopenblas.so.0", `GRADCHECK_BLAS=/nonexistent/libopenblas.so.0 did not load (cannot load /nonexistent/libopenblas.so.0`},
		{"/etc/passwd", "GRADCHECK_BLAS=/etc/passwd did not load"},
		{"/" + strings.Repeat("x", 5000), "did not load"},
		{"go", ""},
		{"auto", ""},
		{"", ""},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWarning$")
		cmd.Env = append(os.Environ(), "GRADCHECK_BLAS="+tc.value, "GRADCHECK_BLAS_WARNING_CHILD=child")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("GRADCHECK_BLAS=%.40q: %v\n%s", tc.value, err, out)
		}
		_, got, _ := strings.Cut(strings.SplitN(string(out), "\n", 2)[0], "child|")
		switch {
		case tc.want == "" && got != "":
			t.Errorf("GRADCHECK_BLAS=%q: warning %q, want none", tc.value, got)
		case !strings.Contains(got, tc.want):
			t.Errorf("GRADCHECK_BLAS=%.40q: warning %q, want it to contain %q", tc.value, got, tc.want)
		case len(got) > 300 || strings.Contains(got, "\n"):
			t.Errorf("GRADCHECK_BLAS=%.40q: warning of %d bytes, want one line of at most 300", tc.value, len(got))
		}
		if tc.want != "" && !strings.Contains(got, "pure Go") {
			t.Errorf("warning %q does not say what runs instead", got)
		}
	}
}
