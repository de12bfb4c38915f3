//go:build unix

package main

import "golang.org/x/sys/unix"

// addressSpaceLimit returns the soft limit of RLIMIT_AS, if there is one.
func addressSpaceLimit() (uint64, bool) {
	var r unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_AS, &r); err != nil || r.Cur == unix.RLIM_INFINITY {
		return 0, false
	}
	return uint64(r.Cur), true
}
