package main

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"strconv"

	"github.com/gradcheck/gradcheck/netio"
)

// memory is what a command may still allocate: the smaller of the address
// space left under the limit of RLIMIT_AS (ulimit -v) and the memory the
// kernel calls available (MemAvailable in /proc/meminfo), less a margin for
// the Go runtime. It is read once per command, before anything large is
// allocated.
type memory struct {
	free float64 // bytes; +Inf where neither limit is known
	why  string  // where free comes from, for messages
}

// runtimeMargin is kept back from what the system offers: the runtime's
// own memory (stacks, the collector's metadata, about 1/64 of the heap)
// and the rounding of its 64 MiB arenas, with room to spare; measured, a
// Go program under ulimit -v can allocate all but the address space it
// has mapped at start (VmSize, 1.2 to 1.8 GB here) and some tens of MiB.
func runtimeMargin(free float64) float64 { return 64<<20 + free/16 }

// availableMemory reads the limits of this process now.
func availableMemory() memory {
	m := memory{free: math.Inf(1), why: "no memory limit known"}
	if limit, ok := addressSpaceLimit(); ok {
		used := procStatus("VmSize")
		left := float64(limit) - used
		m = memory{free: left, why: fmt.Sprintf("the address-space limit (ulimit -v) of %s, %s of it in use", netio.Bytes(int64(min(float64(limit), math.MaxInt64))), netio.Bytes(int64(used)))}
	}
	if avail, ok := meminfo("MemAvailable"); ok && avail < m.free {
		m = memory{free: avail, why: "the memory the system has available (MemAvailable)"}
	}
	if !math.IsInf(m.free, 1) {
		m.free = max(0, m.free-runtimeMargin(m.free))
	}
	return m
}

// meminfo returns a field of /proc/meminfo in bytes.
func meminfo(field string) (float64, bool) { return kiBField("/proc/meminfo", field) }

// procStatus returns a field of /proc/self/status in bytes (0 if unknown).
func procStatus(field string) float64 {
	v, _ := kiBField("/proc/self/status", field)
	return v
}

// kiBField reads "field:   123 kB" from a /proc file.
func kiBField(path, field string) (float64, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, rest, ok := bytes.Cut(sc.Bytes(), []byte(":"))
		if !ok || string(name) != field {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) == 0 {
			return 0, false
		}
		v, err := strconv.ParseFloat(string(f[0]), 64)
		if err != nil {
			return 0, false
		}
		if len(f) > 1 && string(f[1]) == "kB" {
			v *= 1024
		}
		return v, true
	}
	return 0, false
}
