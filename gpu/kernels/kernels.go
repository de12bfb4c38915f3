package kernels

import _ "embed"

//go:embed kernels.ptx
var ptx []byte

// PTX returns the kernels' PTX module, for cuda's Thread.LoadModule. The caller must not
// modify it.
func PTX() []byte { return ptx }

// Launch constants fixed by kernels.cu.
const (
	// GemmTile is the GEMM kernels' tile: launch blocks of GemmTile×GemmTile threads on a
	// grid of ceil(N/GemmTile)×ceil(M/GemmTile) blocks.
	GemmTile = 16
	// ReduceThreads is colsum's block size, which fixes the shape of its sum tree.
	ReduceThreads = 256
	// MaxISA is the newest PTX ISA version the embedded PTX may have: the GPU machine's
	// CUDA 13.0 driver refuses 9.1.
	MaxISA = "9.0"
	// Target is the PTX target: sm_80 PTX is JIT-compiled for any newer GPU.
	Target = "sm_80"
)

// Activation selects the activation function of bias_act_fwd and act_bwd (their act
// argument, an int).
type Activation int32

// The activations, with the codes kernels.cu defines.
const (
	Identity  Activation = 0 // f(z) = z
	Sigmoid   Activation = 1 // f(z) = 1/(1+e^−z)
	Tanh      Activation = 2 // f(z) = tanh z
	ReLU      Activation = 3 // f(z) = max(z, 0), f′(0) = 0
	LeakyReLU Activation = 4 // f(z) = z if z > 0 else slope·z, f′(0) = slope
	Softplus  Activation = 5 // f(z) = log(1+e^z)
)

// DefaultLeakySlope is the slope argument for LeakyReLU when none is chosen.
const DefaultLeakySlope = 0.01

// Set names the entry points of one precision. The argument order of each is in
// kernels.cu.
type Set struct {
	GemmNN          string // C = A·B: (M, N, K int, A, B, C *T)
	GemmNT          string // C = A·Bᵀ: (M, N, K int, A, B, C *T)
	GemmTN          string // C = Aᵀ·B: (M, N, K int, A, B, C *T)
	BiasActFwd      string // Z += bias; A = f(Z): (rows, cols int, bias, Z, A *T, act int, slope T)
	ActBwd          string // dZ = f′(Z)·dA: (n int, Z, A, dA, dZ *T, act int, slope T)
	SqErr           string // E_i = Σ_k (Ŷ−Y)²: (rows, cols int, Yhat, Y, E *T)
	SqErrGrad       string // G = 2(Ŷ−Y)/rows: (rows, cols int, Yhat, Y, G *T)
	SoftmaxXent     string // P = softmax(Z), E_i = −Σ_k Y log P: (rows, cols int, Z, Y, P, E *T)
	SoftmaxXentGrad string // G = (P−Y)/rows: (rows, cols int, P, Y, G *T)
	ColSum          string // out_j = Σ_i X_ij / div: (rows, cols int, X, out *T, div T)
	GatherRows      string // dst_r = src_idx[r]: (rows, cols int, idx *int32, src, dst *T)
	SGDUpdate       string // W −= eta·G: (n int, G, W *T, eta T)

	// SoftmaxXentGradW is G = (P·ΣY − Y)/rows, row by row: the gradient for targets that
	// need not sum to 1 (rows, cols int, P, Y, G *T).
	SoftmaxXentGradW string
}

// F64 and F32 are the float64 and float32 entry points.
var (
	F64 = set("f64")
	F32 = set("f32")
)

func set(sfx string) Set {
	return Set{
		GemmNN:          "gemm_nn_" + sfx,
		GemmNT:          "gemm_nt_" + sfx,
		GemmTN:          "gemm_tn_" + sfx,
		BiasActFwd:      "bias_act_fwd_" + sfx,
		ActBwd:          "act_bwd_" + sfx,
		SqErr:           "sqerr_" + sfx,
		SqErrGrad:       "sqerr_grad_" + sfx,
		SoftmaxXent:     "softmax_xent_" + sfx,
		SoftmaxXentGrad: "softmax_xent_grad_" + sfx,
		ColSum:          "colsum_" + sfx,
		GatherRows:      "gather_rows_" + sfx,
		SGDUpdate:       "sgd_update_" + sfx,

		SoftmaxXentGradW: "softmax_xent_grad_w_" + sfx,
	}
}

// Names returns the set's entry-point names in declaration order.
func (s Set) Names() []string {
	return []string{s.GemmNN, s.GemmNT, s.GemmTN, s.BiasActFwd, s.ActBwd, s.SqErr, s.SqErrGrad,
		s.SoftmaxXent, s.SoftmaxXentGrad, s.ColSum, s.GatherRows, s.SGDUpdate, s.SoftmaxXentGradW}
}

// Entries returns every entry point the PTX must define: F64's names, then F32's.
func Entries() []string { return append(F64.Names(), F32.Names()...) }
