package netfd

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/blas"
)

// goldenCase is one Stencil run whose result bits TestGoldenBits holds.
type goldenCase struct {
	name  string
	shape netShape
	B     int
	step  float64 // Settings.Step; 0: the default
	cross bool    // whether the crossing bits are asked for
}

// goldenCases are the peer's sigmoid networks at the checker's two steps
// (c and 2c), sigmoid networks whose rank-one layers are not multiples of
// four wide, with large steps that take shiftedSigmoid's other branch
// (|ε| > 2⁻¹⁶, sign changes), and every stencilShapes network with and
// without the crossing bits.
func goldenCases() []goldenCase {
	sig3 := []backprop.Activation{actSigmoid, actSigmoid, actIdentity}
	cs := []goldenCase{
		{"peer64", netShape{[]int{64, 64, 64, 1}, sig3, se}, 16, 0, false},
		{"peer64/2c", netShape{[]int{64, 64, 64, 1}, sig3, se}, 16, 2 * DefaultStep, false},
		{"peer128", netShape{[]int{128, 128, 128, 1}, sig3, se}, 16, 0, false},
		{"odd widths", netShape{[]int{5, 7, 13, 3}, []backprop.Activation{actSigmoid, actSigmoid, actSigmoid}, ce}, 9, 0, true},
		{"odd widths/large step", netShape{[]int{5, 7, 13, 3}, []backprop.Activation{actSigmoid, actSigmoid, actSigmoid}, ce}, 9, 3e-2, true},
		{"odd widths/mid step", netShape{[]int{5, 7, 13, 3}, []backprop.Activation{actSigmoid, actSigmoid, actSigmoid}, ce}, 9, 4e-4, true},
		{"sigmoid to relu/large step", netShape{[]int{6, 11, 6, 5, 2}, []backprop.Activation{actSigmoid, actSigmoid, actReLU, actIdentity}, se}, 4, 1e-3, true},
	}
	for _, sh := range stencilShapes {
		cs = append(cs, goldenCase{sh.String(), sh, 16, 0, true}, goldenCase{sh.String() + "/cross=nil", sh, 16, 0, false})
	}
	return cs
}

// goldenHashes are the SHA-256 prefixes of goldenCases' results (fp, fm,
// cross), as computed before the vector kernels and the other speed-ups of
// shiftedSigmoid's path, keyed by the matrix product in use (its rounding
// decides the recomputed layers'). Run with -v to see the hashes.
var goldenHashes = map[string][]string{
	"OpenBLAS 0.3.21 Prescott": {
		"f3a52be7c3b1568058f9d7a6", "035e2668dabdb3d8717fe474", "3d6af3b216628588013ac0c5", "48dc101d00939c7f048f9fe6",
		"4aa8fadd900432b0bb86daaf", "3d22412300e130997d0899c9", "9ae37e05bf942a041f1ce147", "a36c076264dc2626e9e6017b",
		"8bbbef0f692ad0b27b64394f", "7548f6f795d850a588d64948", "cd6c767736c7ce401f7e21b7", "581e4270565b65234ea92fb0",
		"f34efd644498286cd3d54772", "eb874c0415c4933298666d9d", "395062cb5bf865e6f2315dbe", "3392dc55f2886e091bc2048d",
		"ef64c1c5dae37fe3b5773485", "402da888aeee0313c23c87c7", "8f18fed509930bf2fbf44ad2",
	},
	"OpenBLAS 0.3.21 Prescott noasm": {
		"f3a52be7c3b1568058f9d7a6", "035e2668dabdb3d8717fe474", "3d6af3b216628588013ac0c5", "372f66ca901af466b49c7cd0",
		"7a88872370e8bc321fd3cd8f", "41d556980a96748c08352c9a", "e5d4217b3fe29e9394b9d8a3", "a36c076264dc2626e9e6017b",
		"8bbbef0f692ad0b27b64394f", "443e0acde07b23ce58aeeecd", "48ee2e080d016a007e5b2526", "ee42f54979630d1581677f07",
		"5715e5ab78f915c3ef242804", "fcdfb88f63cea2db566e6a8b", "7a36231985e32c41091c4a53", "d984feb0b0cdc2bb7a90e0c7",
		"9f14b88ecd7d03cfbf6cc5c8", "975b1395121bba2c7b64cc12", "fbcdc6ca58766ed262fbb2e0",
	},
	"gonum pure Go noasm": {
		"f3a52be7c3b1568058f9d7a6", "035e2668dabdb3d8717fe474", "e9c4b3e8c075775f92be0107", "372f66ca901af466b49c7cd0",
		"7a88872370e8bc321fd3cd8f", "41d556980a96748c08352c9a", "e5d4217b3fe29e9394b9d8a3", "a36c076264dc2626e9e6017b",
		"8bbbef0f692ad0b27b64394f", "443e0acde07b23ce58aeeecd", "48ee2e080d016a007e5b2526", "ee42f54979630d1581677f07",
		"5715e5ab78f915c3ef242804", "fcdfb88f63cea2db566e6a8b", "7a36231985e32c41091c4a53", "d984feb0b0cdc2bb7a90e0c7",
		"9f14b88ecd7d03cfbf6cc5c8", "975b1395121bba2c7b64cc12", "fbcdc6ca58766ed262fbb2e0",
	},
	"gonum pure Go": {
		"343836c052d5e26721eebd7f", "da81c8d55cd203c57f86a157", "707a0b1170b1b39fba4f16a6", "de82042a74d252035803417d",
		"db76b62df22695931722a7bd", "85096e3be46784237a250648", "1650bddba5a7c65b23fea989", "d194263d45343fc49f9bca75",
		"e509af01a11ce8b3fc5484c4", "22895186f7c61e90b72f0645", "9df62a41979d6dd0a59c7a7e", "27554f736f74c8a23d00a5be",
		"311dbe142307dd0be81265c9", "d98e8dd49cb1d41dc6f13d80", "0f315be46a79c0c109d655c2", "3392dc55f2886e091bc2048d",
		"ef64c1c5dae37fe3b5773485", "402da888aeee0313c23c87c7", "8f18fed509930bf2fbf44ad2",
	},
}

// goldenKey names the matrix product: its library, version and kernels,
// not its path or threads, and the build (goldenBuild).
func goldenKey() string {
	info, _ := blas.Load()
	if info.Library == "" {
		return "gonum pure Go" + goldenBuild
	}
	return fmt.Sprintf("%s %s %s%s", info.Library, info.Version, info.Core, goldenBuild)
}

// TestGoldenBits holds Stencil's result bits on goldenCases to those of the
// code before its speed-ups (goldenHashes), so that no rewrite of the
// per-perturbation path changes a bit; with a matrix product that has no
// recorded hashes it logs them and skips.
func TestGoldenBits(t *testing.T) {
	t.Parallel()
	key := goldenKey()
	want := goldenHashes[key]
	var got []string
	for k, gc := range goldenCases() {
		rng := rand.New(rand.NewPCG(31, uint64(k)))
		net := gc.shape.net(rng.Uint64())
		b := backprop.All(randomData(rng, gc.shape.sizes, gc.shape.loss, gc.B))
		n := net.NumParams()
		fp, fm := make([]float64, n), make([]float64, n)
		var cross []uint8
		if gc.cross {
			cross = make([]uint8, n)
		}
		if err := Stencil(fp, fm, cross, net, b, &Settings{Step: gc.step, Workers: 2}); err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		for _, v := range [][]float64{fp, fm} {
			for _, x := range v {
				h.Write(binary.LittleEndian.AppendUint64(nil, math.Float64bits(x)))
			}
		}
		h.Write(cross)
		sum := fmt.Sprintf("%x", h.Sum(nil)[:12])
		got = append(got, sum)
		t.Logf("%-40s %s", gc.name, sum)
		if want != nil && (k >= len(want) || sum != want[k]) {
			t.Errorf("%s: result hash %s, want %s", gc.name, sum, want[min(k, len(want)-1)])
		}
	}
	if want == nil {
		t.Skipf("no recorded hashes for %q; these are:\n%q", key, got)
	}
}
