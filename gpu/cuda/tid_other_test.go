//go:build !linux

package cuda

// gettid returns 0 where thread ids are not at hand: the fake then treats all calls as
// coming from one thread and cannot check thread affinity.
func gettid() int { return 0 }
