package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/gradcheck/gradcheck/blas"
	"github.com/gradcheck/gradcheck/gpu/cuda"
)

func init() {
	register(&command{name: "version", summary: "print the version, Go, the library of the matrix products, the GPU",
		usage: "",
		about: `Prints the version and the commit it was built from, the Go toolchain, the
library that computes the matrix products (OpenBLAS, loaded at run time
where it is installed, or gonum's pure Go; GRADCHECK_BLAS=go forces pure Go,
GRADCHECK_BLAS=FILE names the library) and the CUDA devices found.
`,
		run: runVersion})
}

func runVersion(e *env, args []string) error {
	fs := newFlags(e, "version")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	version := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok {
		version = bi.Main.Version
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				version += " " + s.Value
			}
		}
	}
	fmt.Fprintf(e.stdout, "gradcheck %s\n", version)
	fmt.Fprintf(e.stdout, "Go:   %s %s/%s, GOMAXPROCS %d\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	info, err := blas.Load()
	if err != nil {
		fmt.Fprintf(e.stdout, "BLAS: gonum pure Go (%v)\n", err)
	} else {
		fmt.Fprintf(e.stdout, "BLAS: %v (set GRADCHECK_BLAS=go for pure Go)\n", info)
	}
	if n, err := cuda.DeviceCount(); err != nil {
		fmt.Fprintf(e.stdout, "GPU:  none found: %v\n", err)
	} else {
		fmt.Fprintf(e.stdout, "GPU:  %d CUDA device(s)\n", n)
	}
	return nil
}
