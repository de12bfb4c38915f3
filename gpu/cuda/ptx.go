package cuda

import (
	"bytes"
	"fmt"
	"strconv"
)

// ptxDrivers maps each PTX ISA version to the first CUDA release whose driver loads it
// (from the PTX ISA release history). Versions 8.6 and later no longer follow
// "ISA = CUDA − 4.0": CUDA 12.6 kept 8.5.
var ptxDrivers = map[[2]int]int{
	{7, 0}: 11000, {7, 1}: 11010, {7, 2}: 11020, {7, 3}: 11030, {7, 4}: 11040,
	{7, 5}: 11050, {7, 6}: 11060, {7, 7}: 11070, {7, 8}: 11080,
	{8, 0}: 12000, {8, 1}: 12010, {8, 2}: 12020, {8, 3}: 12030, {8, 4}: 12040,
	{8, 5}: 12050, {8, 6}: 12070, {8, 7}: 12080, {8, 8}: 12090,
	{9, 0}: 13000, {9, 1}: 13010,
}

// PTXVersion reads the ISA version from a PTX module's ".version MAJOR.MINOR" directive.
func PTXVersion(ptx []byte) (major, minor int, err error) {
	for line := range bytes.Lines(ptx) {
		f := bytes.Fields(line)
		if len(f) < 2 || string(f[0]) != ".version" {
			continue
		}
		maj, min, ok := bytes.Cut(f[1], []byte("."))
		if ok {
			major, err1 := strconv.Atoi(string(maj))
			minor, err2 := strconv.Atoi(string(min))
			if err1 == nil && err2 == nil {
				return major, minor, nil
			}
		}
		return 0, 0, fmt.Errorf("cuda: malformed PTX directive %q", bytes.TrimSpace(line))
	}
	return 0, 0, fmt.Errorf("cuda: PTX has no .version directive")
}

// PTXDriverVersion returns the oldest driver version (as cuDriverGetVersion reports it)
// that loads PTX of the given ISA version, and false for a version newer than this
// package knows.
func PTXDriverVersion(major, minor int) (int, bool) {
	if major < 7 {
		return 0, true // older than every driver MinDriverVersion admits
	}
	v, ok := ptxDrivers[[2]int{major, minor}]
	return v, ok
}

// versionString renders a driver version, 12080 as "12.8 (12080)".
func versionString(v int) string {
	return fmt.Sprintf("%d.%d (%d)", v/1000, v%1000/10, v)
}
