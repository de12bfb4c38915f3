// Host emulation of kernels.cu, run by emu_test.go where g++ (C++20) exists: the kernels
// compile as plain C++, each block's threads are std::threads meeting at a std::barrier
// for __syncthreads, and blocks run one after another. It checks index arithmetic,
// launch-shape handling and formulas against independent C++ references, on machines
// without a GPU. It says nothing about the GPU's own libm or code generation; the GPU
// tests (gpu_test.go) do.
#include <algorithm>
#include <barrier>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <thread>
#include <vector>
using std::min;
struct dim3 { unsigned x = 1, y = 1, z = 1; };
thread_local dim3 threadIdx, blockIdx;
dim3 blockDim, gridDim;
std::barrier<> *bar;
#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
#define __restrict__ __restrict
#define __launch_bounds__(x)
#define __syncthreads() bar->arrive_and_wait()
#define __trap() abort()
static double __longlong_as_double(long long v) { double d; memcpy(&d, &v, 8); return d; }
static float __int_as_float(int v) { float f; memcpy(&f, &v, 4); return f; }
#include "../kernels.cu"

// launch runs the grid's blocks in turn on one set of blockDim threads; a barrier at the
// end of each block keeps its shared memory from being reused too early.
void launch(dim3 g, dim3 b, std::function<void()> k) {
    gridDim = g; blockDim = b;
    std::barrier<> br(b.x * b.y);
    bar = &br;
    std::vector<std::thread> ts;
    for (unsigned ty = 0; ty < b.y; ty++) for (unsigned tx = 0; tx < b.x; tx++)
        ts.emplace_back([=, &br] {
            threadIdx = {tx, ty, 0};
            for (unsigned by = 0; by < g.y; by++) for (unsigned bx = 0; bx < g.x; bx++) {
                blockIdx = {bx, by, 0};
                k();
                br.arrive_and_wait();
            }
        });
    for (auto &t : ts) t.join();
}
int fails = 0;
#define CHECK(cond, ...) do { if (!(cond)) { printf("FAIL: " __VA_ARGS__); printf("\n"); fails++; } } while (0)
std::mt19937_64 rng(1);
std::normal_distribution<double> nd;
template <class T> std::vector<T> randv(int n, double s = 1) { std::vector<T> v(n); for (auto &x : v) x = T(s * nd(rng)); return v; }

template <class T> void gemm_test(void (*k)(int, int, int, const T *, const T *, T *), bool ta, bool tb, const char *name) {
    int M = 37, N = 21, K = 35;
    auto A = randv<T>(M * K), B = randv<T>(K * N);
    std::vector<T> C(M * N, T(-99));
    launch({(unsigned)(N + 15) / 16, (unsigned)(M + 15) / 16}, {16, 16}, [&] { k(M, N, K, A.data(), B.data(), C.data()); });
    for (int i = 0; i < M; i++) for (int j = 0; j < N; j++) {
        T s = 0;
        for (int p = 0; p < K; p++) s += (ta ? A[p * M + i] : A[i * K + p]) * (tb ? B[j * K + p] : B[p * N + j]);
        CHECK(s == C[i * N + j], "%s C[%d,%d]=%g want %g", name, i, j, (double)C[i * N + j], (double)s);
        if (s != C[i * N + j]) return;
    }
    printf("ok %s\n", name);
}

template <class T> void colsum_test(void (*k)(int, int, const T *, T *, T), const char *name) {
    int rows = 1000, cols = 5;
    auto X = randv<T>(rows * cols);
    std::vector<T> out(cols), out2(cols);
    launch({(unsigned)cols}, {256}, [&] { k(rows, cols, X.data(), out.data(), T(rows)); });
    launch({2}, {256}, [&] { k(rows, cols, X.data(), out2.data(), T(rows)); });
    for (int j = 0; j < cols; j++) {
        T s[256];
        for (int t = 0; t < 256; t++) { s[t] = 0; for (int i = t; i < rows; i += 256) s[t] += X[i * cols + j]; }
        for (int h = 128; h > 0; h /= 2) for (int t = 0; t < h; t++) s[t] += s[t + h];
        T want = s[0] / T(rows);
        CHECK(out[j] == want && out2[j] == want, "%s col %d: %g %g want %g", name, j, (double)out[j], (double)out2[j], (double)want);
    }
    printf("ok %s\n", name);
}

template <class T> T act_ref(int act, T z, T slope, T *d) {
    double x = z, a;
    switch (act) {
    case 0: *d = 1; return z;
    case 1: a = 1 / (1 + std::exp(-x)); *d = T(a * (1 - a)); return T(a);
    case 2: a = std::tanh(x); *d = T(1 - a * a); return T(a);
    case 3: *d = z > 0; return z > 0 ? z : 0;
    case 4: *d = z > 0 ? T(1) : slope; return z > 0 ? z : slope * z;
    case 5: *d = T(1 / (1 + std::exp(-x))); return T(std::log1p(std::exp(x)));
    }
    abort();
}

template <class T>
void act_test(void (*fwd)(int, int, const T *, T *, T *, int, T), void (*bwd)(int, const T *, const T *, const T *, T *, int, T), const char *name, double tol) {
    int rows = 13, cols = 7;
    for (int act = 0; act < 6; act++) {
        auto Z = randv<T>(rows * cols, 3), bias = randv<T>(cols), dA = randv<T>(rows * cols);
        auto Z0 = Z;
        std::vector<T> A(rows * cols), dZ(rows * cols);
        T slope = T(0.01);
        launch({2}, {32}, [&] { fwd(rows, cols, bias.data(), Z.data(), A.data(), act, slope); });
        launch({3}, {16}, [&] { bwd(rows * cols, Z.data(), A.data(), dA.data(), dZ.data(), act, slope); });
        for (int i = 0; i < rows * cols; i++) {
            T z = Z0[i] + bias[i % cols], d;
            T a = act_ref(act, z, slope, &d);
            CHECK(Z[i] == z, "%s act %d Z[%d]", name, act, i);
            CHECK(std::fabs(double(A[i]) - double(a)) <= tol * std::fabs(double(a)), "%s act %d A[%d]=%g want %g", name, act, i, (double)A[i], (double)a);
            CHECK(std::fabs(double(dZ[i]) - double(d * dA[i])) <= tol * std::fabs(double(dA[i])), "%s act %d dZ[%d]=%g want %g", name, act, i, (double)dZ[i], (double)(d * dA[i]));
        }
    }
    printf("ok %s\n", name);
}

template <class T>
void loss_test(void (*sq)(int, int, const T *, const T *, T *), void (*sqg)(int, int, const T *, const T *, T *),
               void (*sm)(int, int, const T *, const T *, T *, T *), void (*smg)(int, int, const T *, const T *, T *), const char *name, double tol) {
    int rows = 9, cols = 4;
    auto Yh = randv<T>(rows * cols), Y = randv<T>(rows * cols);
    std::vector<T> E(rows), G(rows * cols), P(rows * cols), E2(rows), G2(rows * cols);
    launch({1}, {4}, [&] { sq(rows, cols, Yh.data(), Y.data(), E.data()); });
    launch({2}, {8}, [&] { sqg(rows, cols, Yh.data(), Y.data(), G.data()); });
    for (int i = 0; i < rows; i++) {
        T e = 0;
        for (int k = 0; k < cols; k++) { T d = Yh[i * cols + k] - Y[i * cols + k]; e += d * d; }
        CHECK(E[i] == e, "%s sqerr %d", name, i);
        for (int k = 0; k < cols; k++) CHECK(G[i * cols + k] == (T(2) * (Yh[i * cols + k] - Y[i * cols + k])) / T(rows), "%s sqerr_grad", name);
    }
    std::vector<T> onehot(rows * cols, 0);
    for (int i = 0; i < rows; i++) onehot[i * cols + (i % cols)] = 1;
    Yh[0] = T(80);
    launch({1}, {4}, [&] { sm(rows, cols, Yh.data(), onehot.data(), P.data(), E2.data()); });
    launch({1}, {7}, [&] { smg(rows, cols, P.data(), onehot.data(), G2.data()); });
    for (int i = 0; i < rows; i++) {
        double m = -1e300, s = 0;
        for (int k = 0; k < cols; k++) m = std::max(m, double(Yh[i * cols + k]));
        for (int k = 0; k < cols; k++) s += std::exp(double(Yh[i * cols + k]) - m);
        double psum = 0;
        for (int k = 0; k < cols; k++) {
            double p = std::exp(double(Yh[i * cols + k]) - m) / s;
            psum += P[i * cols + k];
            CHECK(std::fabs(P[i * cols + k] - p) <= tol * (p + 1e-30), "%s softmax P[%d,%d]=%g want %g", name, i, k, (double)P[i * cols + k], p);
            CHECK(G2[i * cols + k] == (P[i * cols + k] - onehot[i * cols + k]) / T(rows), "%s softmax grad", name);
        }
        int c = i % cols;
        double e = -(double(Yh[i * cols + c]) - m - std::log(s));
        CHECK(std::fabs(E2[i] - e) <= tol * (std::fabs(e) + 1), "%s softmax E[%d]=%g want %g", name, i, (double)E2[i], e);
        CHECK(std::fabs(psum - 1) < 10 * tol, "%s softmax row %d sums to %g", name, i, psum);
    }
    printf("ok %s\n", name);
}

// The weighted cross-entropy gradient, for targets that need not sum to 1:
// G = (P·Σ_j Y_j − Y)/rows, the row sum taken in order; with one-hot rows it gives the
// bits of softmax_xent_grad.
template <class T>
void xent_w_test(void (*smg)(int, int, const T *, const T *, T *), void (*smgw)(int, int, const T *, const T *, T *), const char *name) {
    int rows = 7, cols = 5;
    std::uniform_real_distribution<double> ud(0, 1);
    std::vector<T> P(rows * cols), Y(rows * cols), onehot(rows * cols, 0), G(rows * cols), G1(rows * cols), G2(rows * cols);
    for (auto &y : Y) y = T(ud(rng));
    for (auto &p : P) p = T(ud(rng));
    for (int i = 0; i < rows; i++) onehot[i * cols + (i * 3) % cols] = 1;
    launch({2}, {3}, [&] { smgw(rows, cols, P.data(), Y.data(), G.data()); });
    for (int i = 0; i < rows; i++) {
        T s = 0;
        for (int k = 0; k < cols; k++) s += Y[i * cols + k];
        for (int k = 0; k < cols; k++) {
            T p = P[i * cols + k] * s;
            T want = (p - Y[i * cols + k]) / T(rows);
            CHECK(G[i * cols + k] == want, "%s G[%d,%d]=%g want %g", name, i, k, (double)G[i * cols + k], (double)want);
        }
    }
    launch({1}, {4}, [&] { smg(rows, cols, P.data(), onehot.data(), G1.data()); });
    G2 = P; // in place: G aliases P
    launch({1}, {4}, [&] { smgw(rows, cols, G2.data(), onehot.data(), G2.data()); });
    for (int i = 0; i < rows * cols; i++) CHECK(G1[i] == G2[i], "%s one-hot %d: %g, softmax_xent_grad gives %g", name, i, (double)G2[i], (double)G1[i]);
    printf("ok %s\n", name);
}

template <class T> void misc_test(void (*gather)(int, int, const int *, const T *, T *), void (*sgd)(int, const T *, T *, T), const char *name) {
    int n = 20, cols = 3, rows = 11;
    auto src = randv<T>(n * cols);
    std::vector<int> idx(rows);
    for (int r = 0; r < rows; r++) idx[r] = (r * 7 + 3) % n;
    std::vector<T> dst(rows * cols);
    launch({2}, {5}, [&] { gather(rows, cols, idx.data(), src.data(), dst.data()); });
    for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) CHECK(dst[r * cols + c] == src[idx[r] * cols + c], "%s gather", name);
    auto W = randv<T>(1000), Gr = randv<T>(1000);
    auto W0 = W;
    launch({3}, {32}, [&] { sgd(1000, Gr.data(), W.data(), T(0.1)); });
    for (int i = 0; i < 1000; i++) { T p = T(0.1) * Gr[i]; CHECK(W[i] == W0[i] - p, "%s sgd %d", name, i); }
    printf("ok %s\n", name);
}

int main() {
    gemm_test<double>(gemm_nn_f64, false, false, "gemm_nn_f64");
    gemm_test<double>(gemm_nt_f64, false, true, "gemm_nt_f64");
    gemm_test<double>(gemm_tn_f64, true, false, "gemm_tn_f64");
    gemm_test<float>(gemm_nn_f32, false, false, "gemm_nn_f32");
    gemm_test<float>(gemm_nt_f32, false, true, "gemm_nt_f32");
    gemm_test<float>(gemm_tn_f32, true, false, "gemm_tn_f32");
    colsum_test<double>(colsum_f64, "colsum_f64");
    colsum_test<float>(colsum_f32, "colsum_f32");
    act_test<double>(bias_act_fwd_f64, act_bwd_f64, "act f64", 1e-14);
    act_test<float>(bias_act_fwd_f32, act_bwd_f32, "act f32", 1e-6);
    loss_test<double>(sqerr_f64, sqerr_grad_f64, softmax_xent_f64, softmax_xent_grad_f64, "loss f64", 1e-14);
    loss_test<float>(sqerr_f32, sqerr_grad_f32, softmax_xent_f32, softmax_xent_grad_f32, "loss f32", 1e-6);
    xent_w_test<double>(softmax_xent_grad_f64, softmax_xent_grad_w_f64, "softmax_xent_grad_w_f64");
    xent_w_test<float>(softmax_xent_grad_f32, softmax_xent_grad_w_f32, "softmax_xent_grad_w_f32");
    misc_test<double>(gather_rows_f64, sgd_update_f64, "misc f64");
    misc_test<float>(gather_rows_f32, sgd_update_f32, "misc f32");
    printf("%d failures\n", fails);
    return fails != 0;
}
