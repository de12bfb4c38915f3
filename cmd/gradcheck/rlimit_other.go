//go:build !unix

package main

// addressSpaceLimit reports no limit where there is no RLIMIT_AS.
func addressSpaceLimit() (uint64, bool) { return 0, false }
