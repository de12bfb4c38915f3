//go:build !linux

package reports

// processCPUTime is not available here: measurements fall back to
// wall-clock time.
func processCPUTime() (float64, bool) { return 0, false }
