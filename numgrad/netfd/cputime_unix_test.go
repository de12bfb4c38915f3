//go:build unix

package netfd

import "syscall"

// processCPU returns the process's user and system CPU time in ns: on a
// machine shared with other jobs it is steadier than the wall time.
func processCPU() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
