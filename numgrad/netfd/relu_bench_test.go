package netfd

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/netio"
)

// reluRepro is the [256, 256, 256, 10] ReLU network with softmax
// cross-entropy and its batch of 16 from the command's reproduction files
// (../shared/repro/cli/relu-256, beside the repository).
var reluRepro = filepath.Join("..", "..", "..", "shared", "repro", "cli", "relu-256")

func loadReLU256(b *testing.B) (*backprop.Network, backprop.Batch) {
	net, err := netio.LoadModel(filepath.Join(reluRepro, "model.json"))
	if os.IsNotExist(err) {
		b.Skipf("no %s: %v", reluRepro, err)
	}
	if err != nil {
		b.Fatal(err)
	}
	d, err := netio.LoadCSV(filepath.Join(reluRepro, "data.csv"), 256, 10)
	if err != nil {
		b.Fatal(err)
	}
	return net, backprop.All(d)
}

// BenchmarkStencilReLU256 times Stencil on the ReLU network: in full
// without and with the crossing bits, and on 1,000 random parameters (with
// the crossing bits), whose cost should be about 1000/NumParams of a full
// run times the chunk's overhead (a chunk holds about 4 perturbations in
// the large layers here; see unit). evaluated/full is the number of
// perturbations the subset's chunks hold over the parameter count, the
// fraction of a full run's work the subset costs by that count (the
// chunks of the output layer, about 100 perturbations, cost less each).
//
//	go test -run NONE -bench StencilReLU256 -benchtime 2x ./numgrad/netfd
func BenchmarkStencilReLU256(b *testing.B) {
	net, batch := loadReLU256(b)
	n := net.NumParams()
	fp, fm, cross := make([]float64, n), make([]float64, n), make([]uint8, n)
	subset := rand.New(rand.NewPCG(1, 2)).Perm(n)[:1000]
	for _, bc := range []struct {
		name    string
		cross   []uint8
		indices []int
	}{
		{"full/cross=nil", nil, nil},
		{"full/cross=on", cross, nil},
		{"indices=1000/cross=on", cross, subset},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cpu := processCPU()
			for b.Loop() {
				if err := Stencil(fp, fm, bc.cross, net, batch, &Settings{Indices: bc.indices}); err != nil {
					b.Fatal(err)
				}
			}
			if cpu := processCPU() - cpu; cpu > 0 {
				b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
			}
			b.ReportMetric(float64(n), "params")
			if bc.indices != nil {
				b.ReportMetric(float64(evaluated(net, batch.Len(), bc.indices))/float64(n), "evaluated/full")
			}
			if bc.cross != nil {
				crossed := 0
				for _, i := range bc.indices {
					if cross[i] != 0 {
						crossed++
					}
				}
				if bc.indices == nil {
					for _, x := range cross {
						if x != 0 {
							crossed++
						}
					}
				}
				b.ReportMetric(float64(crossed), "crossed")
			}
		})
	}
}

// evaluated returns the number of perturbations in the chunks that hold
// one of indices: what a Stencil on indices computes (see worker.unit).
func evaluated(net *backprop.Network, B int, indices []int) int {
	st := &state{sizes: net.Config().Sizes, L: net.NumLayers()}
	want := selection(indices, net.NumParams())
	n := 0
	for l := range st.L {
		width := 0
		for k := l + 1; k <= st.L; k++ {
			width = max(width, st.sizes[k])
		}
		per, P := max(1, chunkElems/(2*B*width)), st.sizes[l]+1
		for j := range st.sizes[l+1] {
			for p0 := 0; p0 < P; p0 += per {
				for p := p0; p < min(P, p0+per); p++ {
					if want[st.index(l, j, p)] {
						n += min(P, p0+per) - p0
						break
					}
				}
			}
		}
	}
	return n
}
