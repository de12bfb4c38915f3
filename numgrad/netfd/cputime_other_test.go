//go:build !unix

package netfd

func processCPU() int64 { return 0 }
