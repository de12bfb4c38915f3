//go:build unix

package soundness

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time the process has used (user and system):
// on a shared machine the run's wall time says little.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
