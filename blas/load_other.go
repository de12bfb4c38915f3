//go:build !((darwin || linux) && (amd64 || arm64))

package blas

import "runtime"

// candidates lists no library: purego cannot call CBLAS functions on this
// platform, so everything runs in pure Go.
func candidates() []string { return nil }

func open(path string) (*library, error) {
	return nil, &unavailableError{reason: "no native library loading on " + runtime.GOOS + "/" + runtime.GOARCH}
}

// callGemm is never called: no library is ever loaded here.
func callGemm(fn uintptr, p *gemmArgs) {
	panic("blas: no native library on " + runtime.GOOS + "/" + runtime.GOARCH)
}
