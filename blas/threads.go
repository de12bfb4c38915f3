package blas

import "fmt"

// SetThreads sets the number of threads the native library uses, n ≥ 1,
// through openblas_set_num_threads. The error wraps [ErrUnavailable] where
// no library is loaded or it has no such function.
func SetThreads(n int) error {
	if n < 1 {
		return fmt.Errorf("blas: thread count %d < 1", n)
	}
	l := current()
	if l == nil {
		_, err := Load()
		if l = active.Load(); l == nil { // else a LoadFrom came in between
			return err
		}
	}
	if l.setThreads == nil {
		return &unavailableError{reason: l.info.Path + " has no openblas_set_num_threads"}
	}
	l.setThreads(int32(min(n, 1<<20)))
	return nil
}
