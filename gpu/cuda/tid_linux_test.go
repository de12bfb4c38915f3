package cuda

import "syscall"

// gettid identifies the calling OS thread, so the fake driver can keep the current
// context per thread as the real one does.
func gettid() int { return syscall.Gettid() }
