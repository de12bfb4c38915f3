package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/gradcheck/gradcheck/blas"
	"github.com/gradcheck/gradcheck/gpu/cuda"
)

func init() {
	register(&command{name: "version", summary: "print the version, the Go toolchain, the matrix-product library and the GPU found", run: runVersion})
}

func runVersion(e *env, args []string) error {
	fs := newFlags(e, "version", "")
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
