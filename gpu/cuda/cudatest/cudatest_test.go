package cudatest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gradcheck/gradcheck/gpu/cuda"
)

// recorder is a testing.TB that records how a test ended instead of ending it.
type recorder struct {
	testing.TB
	how, msg string
}

type stop struct{}

func (r *recorder) Helper() {}
func (r *recorder) Skip(args ...any) {
	r.how, r.msg = "skip", fmt.Sprint(args...)
	panic(stop{})
}
func (r *recorder) Fatal(args ...any) {
	r.how, r.msg = "fatal", fmt.Sprint(args...)
	panic(stop{})
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.how, r.msg = "fatal", fmt.Sprintf(format, args...)
	panic(stop{})
}

func end(err error) (how, msg string) {
	r := &recorder{}
	func() {
		defer func() {
			if p := recover(); p != nil && p != (stop{}) {
				panic(p)
			}
		}()
		NoGPU(r, err)
	}()
	return r.how, r.msg
}

func TestNoGPU(t *testing.T) {
	unavailable := fmt.Errorf("%w: cannot open libcuda.so.1", cuda.ErrUnavailable)
	broken := errors.New("cuda: cuMemAlloc_v2: CUDA_ERROR_OUT_OF_MEMORY (2)")
	for _, tc := range []struct {
		name     string
		required string
		err      error
		how      string
		contains string
	}{
		{"unavailable skips", "", unavailable, "skip", "no GPU: cuda: no usable GPU: cannot open libcuda.so.1"},
		{"unavailable fails when required", "1", unavailable, "fatal", "GPU_REQUIRED=1 but no GPU"},
		{"other errors fail", "", broken, "fatal", "OUT_OF_MEMORY"},
		{"other errors fail when required", "1", broken, "fatal", "OUT_OF_MEMORY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(RequiredEnv, tc.required)
			how, msg := end(tc.err)
			if how != tc.how || !strings.Contains(msg, tc.contains) {
				t.Errorf("NoGPU ended with %s %q, want %s containing %q", how, msg, tc.how, tc.contains)
			}
		})
	}
}
