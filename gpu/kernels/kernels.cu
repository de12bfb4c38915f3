// Kernels of the GPU network: the reference path, written for clarity and reproducible
// bits rather than speed. Compiled to PTX by gen-ptx.sh:
//
//     nvcc -ptx -arch=compute_80 -fmad=false kernels.cu
//
// -fmad=false keeps every a*b+c a rounded multiply followed by a rounded add, so the
// GEMM, SGD and loss kernels give the bits of a plain CPU loop that does the same
// operations in the same order. No kernel uses atomics: every sum has a fixed order that
// depends only on the data's shape, never on scheduling, so results repeat bit for bit.
//
// Every entry point exists for double (suffix _f64) and float (suffix _f32); T below is
// that type, and a scalar T argument is a double or a float accordingly. Matrices are
// row-major and dense: element (i, j) of an r×c matrix X is X[i*c + j]. Sizes are int.
//
// Argument order, everywhere: sizes, then inputs, then outputs (in-out last among them),
// then scalar options.
//
// Launch shapes: GEMM kernels need blockDim = (TILE, TILE) = (16, 16) and a grid of at
// least (ceil(N/16), ceil(M/16)); colsum needs blockDim.x = REDUCE_THREADS = 256 and any
// gridDim.x (one block per column is natural); every other kernel is element- or
// row-wise with a grid-stride loop and takes any one-dimensional shape.

#define TILE 16
#define REDUCE_THREADS 256

// Activation codes, the act argument of bias_act_fwd and act_bwd.
#define ACT_IDENTITY 0   // f(z) = z
#define ACT_SIGMOID 1    // f(z) = 1/(1+e^-z)
#define ACT_TANH 2       // f(z) = tanh z
#define ACT_RELU 3       // f(z) = max(z, 0), f'(0) = 0
#define ACT_LEAKY_RELU 4 // f(z) = z if z > 0 else slope*z, f'(0) = slope; slope 0.01 by default
#define ACT_SOFTPLUS 5   // f(z) = log(1+e^z)

// Single- and double-precision overloads of the libm functions used below.
__device__ __forceinline__ double d_exp(double x) { return exp(x); }
__device__ __forceinline__ float d_exp(float x) { return expf(x); }
__device__ __forceinline__ double d_log(double x) { return log(x); }
__device__ __forceinline__ float d_log(float x) { return logf(x); }
__device__ __forceinline__ double d_log1p(double x) { return log1p(x); }
__device__ __forceinline__ float d_log1p(float x) { return log1pf(x); }
__device__ __forceinline__ double d_tanh(double x) { return tanh(x); }
__device__ __forceinline__ float d_tanh(float x) { return tanhf(x); }
__device__ __forceinline__ double d_abs(double x) { return fabs(x); }
__device__ __forceinline__ float d_abs(float x) { return fabsf(x); }
__device__ __forceinline__ double d_nan(double) { return __longlong_as_double(0x7ff8000000000000LL); }
__device__ __forceinline__ float d_nan(float) { return __int_as_float(0x7fc00000); }

// The index of this thread in a one-dimensional grid, and the grid's stride, as 64-bit
// values so that r*c elements may exceed the range of int.
#define GRID_STRIDE_LOOP(i, n)                                                       \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n);      \
         i += (long long)blockDim.x * gridDim.x)

// sigmoid, evaluated so that e^x never overflows.
template <typename T> __device__ __forceinline__ T sigmoid(T z) {
    if (z >= T(0)) {
        return T(1) / (T(1) + d_exp(-z));
    }
    T e = d_exp(z);
    return e / (T(1) + e);
}

// softplus(z) = log(1+e^z) = max(z, 0) + log1p(e^-|z|), which neither overflows nor
// loses the small values.
template <typename T> __device__ __forceinline__ T softplus(T z) {
    return (z > T(0) ? z : T(0)) + d_log1p(d_exp(-d_abs(z)));
}

// activate returns f(z). An unknown code gives NaN, which the cost then shows.
template <typename T> __device__ __forceinline__ T activate(int act, T z, T slope) {
    switch (act) {
    case ACT_IDENTITY: return z;
    case ACT_SIGMOID: return sigmoid(z);
    case ACT_TANH: return d_tanh(z);
    case ACT_RELU: return z > T(0) ? z : T(0);
    case ACT_LEAKY_RELU: return z > T(0) ? z : slope * z;
    case ACT_SOFTPLUS: return softplus(z);
    }
    return d_nan(z);
}

// derivative returns f'(z), given z and a = f(z) (sigmoid and tanh use a).
template <typename T> __device__ __forceinline__ T derivative(int act, T z, T a, T slope) {
    switch (act) {
    case ACT_IDENTITY: return T(1);
    case ACT_SIGMOID: return a * (T(1) - a);
    case ACT_TANH: return T(1) - a * a;
    case ACT_RELU: return z > T(0) ? T(1) : T(0);
    case ACT_LEAKY_RELU: return z > T(0) ? T(1) : slope;
    case ACT_SOFTPLUS: return sigmoid(z);
    }
    return d_nan(z);
}

// ---------------------------------------------------------------------------------------
// GEMM: C = op(A)·op(B), C is M×N, op(A) is M×K, op(B) is K×N. C is overwritten.
//   gemm_nn: C = A·B    A stored M×K, B stored K×N   (forward: X·W)
//   gemm_nt: C = A·Bᵀ   A stored M×K, B stored N×K   (forward with W stored out×in)
//   gemm_tn: C = Aᵀ·B   A stored K×M, B stored K×N   (weight gradient: δᵀ·X or Xᵀ·δ)
// Arguments: (int M, int N, int K, const T* A, const T* B, T* C).
// Each thread computes one C element as acc = 0; acc += a_p*b_p for p = 0, 1, ..., K−1:
// the order of a sequential dot product, tiled through shared memory.
template <typename T, bool TA, bool TB>
__device__ __forceinline__ void gemm(int M, int N, int K, const T *__restrict__ A,
                                     const T *__restrict__ B, T *__restrict__ C) {
    __shared__ T As[TILE][TILE];
    __shared__ T Bs[TILE][TILE];
    const int tx = threadIdx.x, ty = threadIdx.y;
    const int row = blockIdx.y * TILE + ty, col = blockIdx.x * TILE + tx;
    T acc = T(0);
    for (int k0 = 0; k0 < K; k0 += TILE) {
        const int ka = k0 + tx, kb = k0 + ty;
        As[ty][tx] = (row < M && ka < K)
                         ? (TA ? A[(size_t)ka * M + row] : A[(size_t)row * K + ka])
                         : T(0);
        Bs[ty][tx] = (kb < K && col < N)
                         ? (TB ? B[(size_t)col * K + kb] : B[(size_t)kb * N + col])
                         : T(0);
        __syncthreads();
        // Stop at K rather than adding the zero padding: acc + 0 would turn an
        // acc of −0 into +0, a bit a sequential loop would not change.
        const int kn = min(TILE, K - k0);
        for (int kk = 0; kk < kn; ++kk) {
            acc += As[ty][kk] * Bs[kk][tx];
        }
        __syncthreads();
    }
    if (row < M && col < N) {
        C[(size_t)row * N + col] = acc;
    }
}

#define GEMM(name, T, TA, TB)                                                          \
    extern "C" __global__ void __launch_bounds__(TILE *TILE)                           \
        name(int M, int N, int K, const T *A, const T *B, T *C) {                      \
        gemm<T, TA, TB>(M, N, K, A, B, C);                                             \
    }
GEMM(gemm_nn_f64, double, false, false)
GEMM(gemm_nt_f64, double, false, true)
GEMM(gemm_tn_f64, double, true, false)
GEMM(gemm_nn_f32, float, false, false)
GEMM(gemm_nt_f32, float, false, true)
GEMM(gemm_tn_f32, float, true, false)

// ---------------------------------------------------------------------------------------
// bias_act_fwd: Z[i,j] += bias[j]; A[i,j] = f(Z[i,j]).
// Arguments: (int rows, int cols, const T* bias, T* Z, T* A, int act, T slope).
// Z (rows×cols) holds X·Wᵀ on entry and the pre-activation on return, kept for act_bwd.
// A must not alias Z unless act is ACT_IDENTITY. slope is used by ACT_LEAKY_RELU only.
template <typename T>
__device__ __forceinline__ void bias_act_fwd(int rows, int cols, const T *bias, T *Z, T *A,
                                             int act, T slope) {
    GRID_STRIDE_LOOP(i, (long long)rows * cols) {
        const T z = Z[i] + bias[i % cols];
        Z[i] = z;
        A[i] = activate(act, z, slope);
    }
}

// act_bwd: dZ[i] = f'(Z[i]) · dA[i], for n = rows·cols elements.
// Arguments: (int n, const T* Z, const T* A, const T* dA, T* dZ, int act, T slope).
// Z and A are bias_act_fwd's outputs. dZ may alias dA.
template <typename T>
__device__ __forceinline__ void act_bwd(int n, const T *Z, const T *A, const T *dA, T *dZ,
                                        int act, T slope) {
    GRID_STRIDE_LOOP(i, n) { dZ[i] = derivative(act, Z[i], A[i], slope) * dA[i]; }
}

#define ELEMENTWISE(T, sfx)                                                            \
    extern "C" __global__ void bias_act_fwd_##sfx(int rows, int cols, const T *bias,    \
                                                  T *Z, T *A, int act, T slope) {       \
        bias_act_fwd<T>(rows, cols, bias, Z, A, act, slope);                            \
    }                                                                                  \
    extern "C" __global__ void act_bwd_##sfx(int n, const T *Z, const T *A, const T *dA, \
                                             T *dZ, int act, T slope) {                 \
        act_bwd<T>(n, Z, A, dA, dZ, act, slope);                                        \
    }
ELEMENTWISE(double, f64)
ELEMENTWISE(float, f32)

// ---------------------------------------------------------------------------------------
// Losses. The cost is the mean of the per-sample losses over the batch of B = rows
// samples; there is no ½ in the squared error. A loss kernel writes the per-sample
// losses E (length rows); colsum(rows, 1, E, cost, B) then gives the cost, and the
// gradient kernels already divide by B, so the bias gradient is colsum(..., 1).
//
// sqerr: E[i] = Σ_k (Yhat[i,k] − Y[i,k])², summed over k = 0..cols−1 in order.
// Arguments: (int rows, int cols, const T* Yhat, const T* Y, T* E).
//
// sqerr_grad: G[i,k] = (2·(Yhat[i,k] − Y[i,k])) / rows, the gradient of the cost.
// Arguments: (int rows, int cols, const T* Yhat, const T* Y, T* G). G may alias Yhat.
//
// softmax_xent: with Z the logits of one row, m = max_k Z_k, s = Σ_k e^(Z_k − m):
//   P[i,k] = e^(Z_k − m) / s,   E[i] = −Σ_k Y[i,k]·(Z_k − m − log s).
// Y is a target distribution per row (a one-hot row for a class label); Σ_k Y[i,k] = 1
// is assumed by the gradient. Arguments: (int rows, int cols, const T* Z, const T* Y,
// T* P, T* E). One thread per row; the row's sums run over k in order.
//
// softmax_xent_grad: G[i,k] = (P[i,k] − Y[i,k]) / rows.
// Arguments: (int rows, int cols, const T* P, const T* Y, T* G). G may alias P.
template <typename T>
__device__ __forceinline__ void sqerr(int rows, int cols, const T *Yhat, const T *Y, T *E) {
    GRID_STRIDE_LOOP(i, rows) {
        const T *yh = Yhat + i * cols, *y = Y + i * cols;
        T e = T(0);
        for (int k = 0; k < cols; ++k) {
            const T d = yh[k] - y[k];
            e += d * d;
        }
        E[i] = e;
    }
}

template <typename T>
__device__ __forceinline__ void sqerr_grad(int rows, int cols, const T *Yhat, const T *Y,
                                           T *G) {
    GRID_STRIDE_LOOP(i, (long long)rows * cols) {
        G[i] = (T(2) * (Yhat[i] - Y[i])) / T(rows);
    }
}

template <typename T>
__device__ __forceinline__ void softmax_xent(int rows, int cols, const T *Z, const T *Y,
                                             T *P, T *E) {
    GRID_STRIDE_LOOP(i, rows) {
        const T *z = Z + i * cols, *y = Y + i * cols;
        T *p = P + i * cols;
        T m = z[0];
        for (int k = 1; k < cols; ++k) {
            m = z[k] > m ? z[k] : m;
        }
        T s = T(0);
        for (int k = 0; k < cols; ++k) {
            const T e = d_exp(z[k] - m);
            p[k] = e;
            s += e;
        }
        const T logs = d_log(s);
        T e = T(0);
        for (int k = 0; k < cols; ++k) {
            p[k] = p[k] / s;
            e += y[k] * ((z[k] - m) - logs);
        }
        E[i] = -e;
    }
}

template <typename T>
__device__ __forceinline__ void softmax_xent_grad(int rows, int cols, const T *P,
                                                  const T *Y, T *G) {
    GRID_STRIDE_LOOP(i, (long long)rows * cols) { G[i] = (P[i] - Y[i]) / T(rows); }
}

#define LOSSES(T, sfx)                                                                 \
    extern "C" __global__ void sqerr_##sfx(int rows, int cols, const T *Yhat,           \
                                           const T *Y, T *E) {                          \
        sqerr<T>(rows, cols, Yhat, Y, E);                                               \
    }                                                                                  \
    extern "C" __global__ void sqerr_grad_##sfx(int rows, int cols, const T *Yhat,      \
                                                const T *Y, T *G) {                     \
        sqerr_grad<T>(rows, cols, Yhat, Y, G);                                          \
    }                                                                                  \
    extern "C" __global__ void softmax_xent_##sfx(int rows, int cols, const T *Z,       \
                                                  const T *Y, T *P, T *E) {             \
        softmax_xent<T>(rows, cols, Z, Y, P, E);                                        \
    }                                                                                  \
    extern "C" __global__ void softmax_xent_grad_##sfx(int rows, int cols, const T *P,  \
                                                       const T *Y, T *G) {              \
        softmax_xent_grad<T>(rows, cols, P, Y, G);                                      \
    }
LOSSES(double, f64)
LOSSES(float, f32)

// ---------------------------------------------------------------------------------------
// colsum: out[j] = (Σ_i X[i,j]) / div, for the bias gradient (div = 1) and the cost
// (X = E as a rows×1 matrix, div = B).
// Arguments: (int rows, int cols, const T* X, T* out, T div).
// Launch with blockDim.x = REDUCE_THREADS (other shapes trap) and any gridDim.x; block b
// handles columns b, b + gridDim.x, ...
//
// The order of the sum is fixed by rows alone: thread t adds rows t, t+256, t+512, ... in
// order, starting from 0; then the 256 partial sums are combined pairwise, s[t] += s[t+h]
// for h = 128, 64, ..., 1; then s[0] is divided by div. No atomics, so the bits are the
// same on every run and any grid, and a CPU loop in this order reproduces them.
template <typename T>
__device__ __forceinline__ void colsum(int rows, int cols, const T *X, T *out, T div) {
    __shared__ T s[REDUCE_THREADS];
    if (blockDim.x != REDUCE_THREADS) {
        __trap();
    }
    const int t = threadIdx.x;
    for (int j = blockIdx.x; j < cols; j += gridDim.x) {
        T acc = T(0);
        for (int i = t; i < rows; i += REDUCE_THREADS) {
            acc += X[(size_t)i * cols + j];
        }
        s[t] = acc;
        __syncthreads();
        for (int h = REDUCE_THREADS / 2; h > 0; h >>= 1) {
            if (t < h) {
                s[t] += s[t + h];
            }
            __syncthreads();
        }
        if (t == 0) {
            out[j] = s[0] / div;
        }
        __syncthreads(); // s is reused by the next column
    }
}

// gather_rows: dst row r = src row idx[r], for r = 0..rows−1; src has at least
// max(idx)+1 rows of cols elements. This draws a shuffled mini-batch from data kept on
// the device. Arguments: (int rows, int cols, const int* idx, const T* src, T* dst).
template <typename T>
__device__ __forceinline__ void gather_rows(int rows, int cols, const int *idx, const T *src,
                                            T *dst) {
    GRID_STRIDE_LOOP(i, (long long)rows * cols) {
        const long long r = i / cols, c = i % cols;
        dst[i] = src[(long long)idx[r] * cols + c];
    }
}

// sgd_update: W[i] = W[i] − eta·G[i], the product rounded before the subtraction.
// Arguments: (int n, const T* G, T* W, T eta).
template <typename T>
__device__ __forceinline__ void sgd_update(int n, const T *G, T *W, T eta) {
    GRID_STRIDE_LOOP(i, n) { W[i] = W[i] - eta * G[i]; }
}

#define REDUCE_GATHER_UPDATE(T, sfx)                                                   \
    extern "C" __global__ void __launch_bounds__(REDUCE_THREADS)                       \
        colsum_##sfx(int rows, int cols, const T *X, T *out, T div) {                  \
        colsum<T>(rows, cols, X, out, div);                                             \
    }                                                                                  \
    extern "C" __global__ void gather_rows_##sfx(int rows, int cols, const int *idx,    \
                                                 const T *src, T *dst) {                \
        gather_rows<T>(rows, cols, idx, src, dst);                                      \
    }                                                                                  \
    extern "C" __global__ void sgd_update_##sfx(int n, const T *G, T *W, T eta) {       \
        sgd_update<T>(n, G, W, eta);                                                    \
    }
REDUCE_GATHER_UPDATE(double, f64)
REDUCE_GATHER_UPDATE(float, f32)

// ---------------------------------------------------------------------------------------
// softmax_xent_grad_w: G[i,k] = (P[i,k]·s_i − Y[i,k]) / rows with s_i = Σ_j Y[i,j], the
// gradient of the cost for targets that are any non-negative weights, as backprop defines
// it (∂e/∂z_k = softmax(z)_k·Σ_j y_j − y_k). For rows of Y that sum to exactly 1 it gives
// softmax_xent_grad's bits. Arguments: (int rows, int cols, const T* P, const T* Y, T* G).
// G may alias P. One thread per row; s_i is summed over j = 0..cols−1 in order.
template <typename T>
__device__ __forceinline__ void softmax_xent_grad_w(int rows, int cols, const T *P,
                                                    const T *Y, T *G) {
    GRID_STRIDE_LOOP(i, rows) {
        const T *p = P + i * cols, *y = Y + i * cols;
        T *g = G + i * cols;
        T s = T(0);
        for (int k = 0; k < cols; ++k) {
            s += y[k];
        }
        for (int k = 0; k < cols; ++k) {
            g[k] = (p[k] * s - y[k]) / T(rows);
        }
    }
}

#define WEIGHTED_XENT(T, sfx)                                                          \
    extern "C" __global__ void softmax_xent_grad_w_##sfx(int rows, int cols, const T *P, \
                                                         const T *Y, T *G) {            \
        softmax_xent_grad_w<T>(rows, cols, P, Y, G);                                    \
    }
WEIGHTED_XENT(double, f64)
WEIGHTED_XENT(float, f32)
