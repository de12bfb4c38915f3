package blas

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

func BenchmarkSweep(b *testing.B) {
	l := current()
	rnd := rand.New(rand.NewPCG(1, 1))
	shapes := [][3]int{{1, 1, 1}, {4, 4, 4}, {8, 8, 8}, {12, 12, 12}, {16, 16, 16}, {20, 20, 20}, {24, 24, 24}, {32, 32, 32}, {48, 48, 48}, {64, 64, 64}, {96, 96, 96}, {128, 128, 128},
		{256, 256, 4}, {4, 256, 256}, {256, 4, 256}, {512, 512, 1}, {128, 128, 8}, {8, 128, 128}, {64, 64, 8}, {1000, 10, 10}, {100, 100, 10}}
	for _, s := range shapes {
		m, n, k := s[0], s[1], s[2]
		a := make([]float64, m*k)
		bb := make([]float64, k*n)
		c := make([]float64, m*n)
		for i := range a {
			a[i] = rnd.Float64()
		}
		for i := range bb {
			bb[i] = rnd.Float64()
		}
		name := fmt.Sprintf("%dx%dx%d_w%d", m, n, k, m*n*k)
		b.Run(name+"/gonum", func(b *testing.B) {
			for b.Loop() {
				gonum.Implementation{}.Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, bb, n, 0, c, n)
			}
		})
		b.Run(name+"/native", func(b *testing.B) {
			for b.Loop() {
				l.dgemmRaw(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, bb, n, 0, c, n)
			}
		})
		af := make([]float32, len(a))
		bf := make([]float32, len(bb))
		cf := make([]float32, len(c))
		for i := range af {
			af[i] = float32(a[i])
		}
		for i := range bf {
			bf[i] = float32(bb[i])
		}
		b.Run(name+"/sgonum", func(b *testing.B) {
			for b.Loop() {
				gonum.Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, af, k, bf, n, 0, cf, n)
			}
		})
		b.Run(name+"/snative", func(b *testing.B) {
			for b.Loop() {
				l.sgemmRaw(blas.NoTrans, blas.NoTrans, m, n, k, 1, af, k, bf, n, 0, cf, n)
			}
		})
	}
}
