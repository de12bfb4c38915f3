package cudatest

import (
	"errors"
	"os"
	"testing"

	"github.com/gradcheck/gradcheck/gpu/cuda"
)

// RequiredEnv is the environment variable that turns skips for want of a GPU into
// failures when set to "1".
const RequiredEnv = "GPU_REQUIRED"

// Required reports whether RequiredEnv is set to "1".
func Required() bool { return os.Getenv(RequiredEnv) == "1" }

// Require stops the test unless a GPU is usable: it skips with "no GPU: <reason>", or
// fails when GPU_REQUIRED=1.
func Require(t testing.TB) {
	t.Helper()
	if err := cuda.Available(); err != nil {
		NoGPU(t, err)
	}
}

// NoGPU ends the test for err. An error wrapping cuda.ErrUnavailable skips the test
// (fails it under GPU_REQUIRED=1); any other error fails it: a GPU that is present but
// misbehaves is a bug, not a missing GPU.
func NoGPU(t testing.TB, err error) {
	t.Helper()
	switch {
	case !errors.Is(err, cuda.ErrUnavailable):
		t.Fatal(err)
	case Required():
		t.Fatalf("%s=1 but no GPU: %v", RequiredEnv, err)
	default:
		t.Skip("no GPU: " + err.Error())
	}
}

// Open opens device 0, or ends the test as Require does, and closes the context when
// the test ends, failing the test if Close reports an error.
func Open(t testing.TB) *cuda.Context {
	t.Helper()
	c, err := cuda.Open(0)
	if err != nil {
		NoGPU(t, err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("closing the CUDA context: %v", err)
		}
	})
	return c
}
