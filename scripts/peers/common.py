# Copied from ../shared/peers/common.py (the project's peer-baseline scripts), unchanged, so
# that the peer scripts in scripts/peers travel with the repository to the GPU machine.
"""Shared helpers for the peer-baseline scripts (timing, environment banner)."""
import os
import statistics
import time

SIZES = {
    "tiny": [2, 3, 3, 1],
    "small": [64, 64, 64, 1],
    "mnist": [784, 256, 256, 10],
    "big": [1024, 1024, 1024, 1024],
}


def nparams(layers):
    return sum(a * b + b for a, b in zip(layers[:-1], layers[1:]))


def fwd_flops(layers, batch):
    """Multiply-add FLOPs (2 per MAC) of the affine layers only."""
    return 2 * batch * sum(a * b for a, b in zip(layers[:-1], layers[1:]))


def blas_libs():
    """Real paths of the BLAS/LAPACK shared objects mapped into this process."""
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()[-1]
            if p.startswith("/") and ("blas" in p or "lapack" in p):
                libs.add(p)
    return sorted(libs)


def bench(fn, min_reps=20, max_reps=200, budget_s=0.25, warmup=3):
    """Median wall time (s) of fn() over adaptively chosen reps.

    Runs `warmup` untimed calls, estimates one call, then picks
    reps = clamp(budget_s / t, min_reps, max_reps)."""
    for _ in range(warmup):
        fn()
    t0 = time.perf_counter()
    fn()
    est = max(time.perf_counter() - t0, 1e-7)
    reps = int(min(max(budget_s / est, min_reps), max_reps))
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts), min(ts), reps


def banner(extra=""):
    print("# host: %d cpus, BLAS mapped: %s %s" % (os.cpu_count(), blas_libs(), extra))
    for k in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "LD_LIBRARY_PATH"):
        if k in os.environ:
            print("# env %s=%s" % (k, os.environ[k]))


def fmt_t(s):
    if s < 1e-3:
        return "%.1fus" % (s * 1e6)
    if s < 1:
        return "%.2fms" % (s * 1e3)
    return "%.2fs" % s


def set_blas_threads(n):
    """OpenBLAS keeps its own thread pool that torch.set_num_threads does not
    touch; set it too (no-op for the single-threaded reference BLAS)."""
    import ctypes
    for p in blas_libs():
        if "openblas" in p and "libopenblas" in p.rsplit("/", 1)[-1]:
            lib = ctypes.CDLL(p)
            lib.openblas_set_num_threads(int(n))
            return "openblas(%d)" % lib.openblas_get_num_threads()
    return "reference/1"


TUNED_ENV = {
    # glibc malloc otherwise mmaps/unmaps every large (>=128KiB..32MiB, adaptive)
    # tensor, so each fresh gradient/activation buffer costs page faults; this
    # makes timings history-dependent (seen: 52 ms vs 6 ms for the same step).
    "MALLOC_MMAP_THRESHOLD_": "1000000000",
    "MALLOC_TRIM_THRESHOLD_": "1000000000",
    # torch's OpenMP team spins after each parallel region and starves the
    # OpenBLAS pthreads on a 2-core box (seen: 24 ms vs 1.8 ms forward).
    "OMP_WAIT_POLICY": "PASSIVE",
}


def reexec_tuned():
    """Re-run this script once with TUNED_ENV unless --raw-env was given or it is already set."""
    import sys
    if "--raw-env" in sys.argv:
        sys.argv.remove("--raw-env")
        print("# raw environment (no malloc/OMP tuning)")
        return
    if all(os.environ.get(k) == v for k, v in TUNED_ENV.items()):
        print("# tuned env: " + " ".join("%s=%s" % kv for kv in TUNED_ENV.items()))
        return
    env = dict(os.environ, **TUNED_ENV)
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable] + sys.argv, env)
