//go:build amd64 && !noasm

package netfd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
)

// TestVectorSameBits holds Stencil with the vector kernels to Stencil with
// the Go loops alone (useVector and useExpVector off), bit for bit, on the
// golden cases and on random sigmoid networks at steps from the default to
// ones whose changes leave the polynomial's domain in some lanes; unlike
// TestGoldenBits it needs no recorded hashes, whatever the matrix product.
// (Not parallel: it sets useVector and useExpVector, which the parallel
// tests read after it has finished.)
func TestVectorSameBits(t *testing.T) {
	if !useVector {
		t.Skip("no vector kernels on this CPU")
	}
	cases := goldenCases()[1:] // peer64/2c and on; peer64 is the same network
	rng := rand.New(rand.NewPCG(41, 41))
	for k := range 12 {
		n := len(cases)
		sizes := []int{1 + rng.IntN(9), 1 + rng.IntN(13), 1 + rng.IntN(13), 1 + rng.IntN(4)}
		acts := []backprop.Activation{actSigmoid, actSigmoid, []backprop.Activation{actSigmoid, actIdentity, actTanh}[k%3]}
		loss := se
		if sizes[3] > 1 && k%2 == 1 {
			loss = ce
		}
		step := []float64{0, 1e-4, 1e-3, 1e-2}[k%4]
		cases = append(cases, goldenCase{fmt.Sprintf("random %d", n), netShape{sizes, acts, loss}, 1 + rng.IntN(9), step, k%2 == 0})
	}
	run := func(gc goldenCase, k int, vector bool) stencilOut {
		defer func(v, e bool) { useVector, useExpVector = v, e }(useVector, useExpVector)
		useVector, useExpVector = vector, vector && useExpVector
		rng := rand.New(rand.NewPCG(42, uint64(k)))
		net := gc.shape.net(rng.Uint64())
		b := backprop.All(randomData(rng, gc.shape.sizes, gc.shape.loss, gc.B))
		o := newStencilOut(net.NumParams())
		cross := o.cross
		if !gc.cross {
			cross = nil
		}
		if err := Stencil(o.fp, o.fm, cross, net, b, &Settings{Step: gc.step, Workers: 2}); err != nil {
			t.Fatal(err)
		}
		return o
	}
	for k, gc := range cases {
		vec, scalar := run(gc, k, true), run(gc, k, false)
		for i := range vec.fp {
			if math.Float64bits(vec.fp[i]) != math.Float64bits(scalar.fp[i]) ||
				math.Float64bits(vec.fm[i]) != math.Float64bits(scalar.fm[i]) || vec.cross[i] != scalar.cross[i] {
				t.Fatalf("%s (%v): component %d is (%v, %v, %d) with the kernels, (%v, %v, %d) with the Go loops",
					gc.name, gc.shape, i, vec.fp[i], vec.fm[i], vec.cross[i], scalar.fp[i], scalar.fm[i], scalar.cross[i])
			}
		}
	}
}
