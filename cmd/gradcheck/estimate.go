package main

import (
	"fmt"
	"runtime"

	"github.com/gradcheck/gradcheck/netio"
	"github.com/gradcheck/gradcheck/numgrad"
)

// job is what a command will hold in memory: the input to estimate.
type job struct {
	command string // "grad", "train" or "check"
	claimed bool   // check --claimed: the claim's file and vector too
	// fast is check --method fast, with projections random directions.
	fast        bool
	projections int
	json        bool // check --json: the report is encoded whole before it is written
	workers     int  // the check's goroutines, each with a clone of the network
}

// job returns what the check with settings s holds in memory.
func (c *checkFlags) job(s *numgrad.CheckSettings, claimed bool) job {
	return job{command: "check", claimed: claimed, fast: s.Method == numgrad.MethodFast, projections: s.Projections,
		json: c.asJSON, workers: runtime.GOMAXPROCS(0)}
}

// need estimates the bytes a command holds at its peak: fixed, and
// perSample for each sample of the dataset (the samples themselves
// included). It is an upper bound of what the Go heap holds live, checked
// against measurements in TestEstimateBoundsMeasured.
type need struct {
	fixed, perSample float64
}

// total returns the need for n samples, with 1/16 and 4 MiB more for what
// the estimate leaves out: size classes round small objects up by up to
// 1/8, and the readers, the report and the runtime make small allocations
// of their own.
func (n need) total(samples int) float64 {
	return (n.fixed+n.perSample*float64(samples))*17/16 + 4<<20
}

// Bytes per float64 and per slice header.
const (
	f64   = 8
	slice = 24
	// growth is the most a slice built by append holds while it grows:
	// the old array and the new one, 1.25 times as long, during the copy.
	growth = 2.25
)

// The check's memory per parameter, measured (TestEstimateBoundsMeasured)
// on numgrad at the time of writing: some 650 bytes, from about fifteen
// vectors of the parameters' length (the point, the claim and its copy,
// the gradient, the term scale, the stencils' values, the noise samples), a
// Component of 112 bytes with its Location and state, and the sorted copy
// the report's worst components take; the JSON report, indented, about 1.6
// KB more. A change to numgrad's structures must be measured again.
const (
	checkPerParam     = 800
	checkJSONPerParam = 2000
	// A projection of the fast check: its result, and its line of the report.
	fastPerProjection = 6*f64 + 150
	// A direction's component in the JSON replay record: its text, about 30
	// bytes indented, held by the encoder's doubling buffers twice over
	// (measured: 3.5 GB for 400 directions of 44 k parameters).
	fastJSONPerComponent = 256
)

// estimate returns the need of j on a network of the given sizes; layers
// says whether the model file holds weights (they are kept until the
// network has copied them).
func (j job) estimate(sizes []int, layers bool) need {
	var P, R, maxLayer float64 // parameters, units after the input, the largest layer's parameters
	for l := 1; l < len(sizes); l++ {
		p := float64(sizes[l]) * float64(sizes[l-1]+1)
		P += p
		R += float64(sizes[l])
		maxLayer = max(maxLayer, p)
	}
	in, out := float64(sizes[0]), float64(sizes[len(sizes)-1])
	network := f64 * P
	// A batch's buffers: the gathered inputs and, per layer, z, a, ∂C/∂z and
	// (for a sigmoid) e^{−|z|}.
	buffers := f64 * (in + 4*R)
	dataset := growth * f64 * (in + out)
	var n need
	if layers {
		n.fixed += f64*P + slice*R // the file's rows, allocated at their size
	}
	switch j.command {
	case "grad":
		// The network and the gradient; the output is written a row at a time.
		n.fixed += network + f64*P
		n.perSample = buffers + dataset
	case "train":
		// The network, Step's gradient of one layer, and a layer's copy
		// while --save writes it.
		n.fixed += network + 2*f64*maxLayer
		n.perSample = buffers + dataset
	case "check":
		w := float64(max(j.workers, 1))
		n.fixed += network*(2+w) + checkPerParam*P
		if j.json {
			n.fixed += checkJSONPerParam * P
		}
		if j.claimed {
			// The claim as read (its rows bounded by max(n_in, n_out), see
			// netio.Limits.Sizes) and flattened.
			var rows float64
			for l := 1; l < len(sizes); l++ {
				rows += float64(max(sizes[l], sizes[l-1]))
			}
			n.fixed += growth*(f64*P+(slice+f64)*rows) + f64*P
		}
		if j.fast {
			k := float64(j.projections)
			n.fixed += k * (f64*P + fastPerProjection)
			if j.json {
				n.fixed += k * fastJSONPerComponent * P // the directions in the replay record
			}
		}
		// The caller's network, the gradient's clone, a clone per worker,
		// the finite-difference workers' and the complex step's (twice the
		// size: complex128).
		n.perSample = buffers*(4+2*w) + dataset
	default:
		panic(fmt.Sprintf("gradcheck: estimate: unknown command %q", j.command))
	}
	return n
}

// refuseFlags returns an error naming the flag when j's flags alone need
// more than mem, on the smallest model there is: --projections k keeps k
// directions of at least 2 parameters.
func (j job) refuseFlags(mem memory) error {
	if !j.fast {
		return nil
	}
	n := j.estimate([]int{1, 1}, false)
	if n.total(1) <= mem.free {
		return nil
	}
	return fmt.Errorf("--projections: %d directions need about %s of memory even on the smallest model, more than the %s available (%s)",
		j.projections, netio.Bytes(sat(n.total(1))), netio.Bytes(sat(mem.free)), mem.why)
}

// what names the job for a message on a model of P parameters.
func (j job) what(P int) string {
	if j.fast {
		return fmt.Sprintf("check --method fast --projections %d on %d parameters", j.projections, P)
	}
	return fmt.Sprintf("%s on %d parameters", j.command, P)
}

// refuse returns the error for a need that does not fit in mem, or nil.
// what says what was being read.
func (n need) refuse(mem memory, samples int, what string) error {
	t := n.total(samples)
	if t <= mem.free {
		return nil
	}
	return fmt.Errorf("%s needs about %s of memory, more than the %s available (%s)", what, netio.Bytes(sat(t)), netio.Bytes(sat(mem.free)), mem.why)
}

// sat converts a byte count to int64, saturating.
func sat(v float64) int64 {
	if v >= 1<<62 {
		return 1 << 62
	}
	return int64(v)
}
