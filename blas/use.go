package blas

import (
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// Use loads the native library and, if it loads, installs [Implementation]
// with blas64.Use and blas32.Use, so that gonum's mat and lapack packages
// compute their products with it. Where no library loads it installs
// nothing. The returned Info says which is in use, and why not the native
// library where it is not.
func Use() Info {
	info, err := Load()
	if err != nil {
		return info
	}
	blas64.Use(Implementation{})
	blas32.Use(Implementation{})
	return info
}

// Warning returns a one-line warning when GRADCHECK_BLAS names a library
// (any value but "", "auto" and "go") and no native library is in use, so
// that a library asked for by name that does not load is never a silent
// fall back to pure Go; otherwise "". It loads the library first if no
// load was tried. The line is at most 282 bytes: a long path or loader
// message is cut.
func Warning() string {
	v := strings.TrimSpace(os.Getenv(EnvVar))
	switch v {
	case "", "auto", "go":
		return ""
	}
	if current() != nil {
		return ""
	}
	why := "no library loaded"
	if loadErr != nil {
		why = strings.TrimPrefix(loadErr.Error(), ErrUnavailable.Error()+": ")
	}
	return fmt.Sprintf("%s=%s did not load (%s); the matrix products run in gonum's pure Go", EnvVar, cut(v, 50), cut(why, 150))
}

// cut returns s whole if it has at most n bytes, otherwise its first bytes
// and "…", cut at a character boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
