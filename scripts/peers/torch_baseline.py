#!/usr/bin/env python3
"""gradcheck's PyTorch GPU baseline: what one SGD step of an MLP costs in PyTorch, on the GPU.

It measures PyTorch as its users run it (eager mode, nn.Linear and nn.Sigmoid in an
nn.Sequential, torch.optim.SGD, no torch.compile, no CUDA graphs) on the networks and
batches of package gpu's BenchmarkStep, so that scripts/peers/gpu_table.py can set the
two side by side from one run of scripts/gpu-run.sh:

    networks  small [64,64,64,1]   mnist [784,256,256,10]
              big   [1024]x4       huge  [4096]x4
    batches   16, 256, 4096
    dtypes    float32 (TF32 off) and float64

Sigmoid hidden layers, an identity output, and the cost of README "Definitions" and
backprop/doc.go: the mean over the batch's samples of the squared error
e = sum_k (yhat_k - y_k)^2, with no 1/2; in PyTorch ((yhat - y)**2).sum(1).mean().

Usage (from the repository root):

    python3 scripts/peers/torch_baseline.py [--out DIR] [--no-gradcheck] [--dry-run]
        [--sizes small mnist ...] [--dtypes float32 float64] [--batches 16 256 ...]
        [--samples N] [--min-sample-ms MS] [--warmup-ms MS]

--out DIR       where torch_gpu.json goes (default: $OUT, else the current folder).
--no-gradcheck  skip the closing torch.autograd.gradcheck timings (scripts/gpu-run.sh passes
                it: they take a minute of device time that the step table does not use).
--dry-run       the same program on the CPU, without touching CUDA: the same four network
                names with tiny widths, batches 2 and 3, three samples of one call, one
                thread, three warm-up calls. Its JSON has the same schema with "mode": "dry-run"; gpu_table.py
                marks such a table as no measurement. A Go test (scripts/peers, TestDryRun)
                runs it wherever /usr/bin/python3 has PyTorch, so that the first run on a
                GPU does not spend device time on this script's own bugs.

# How a time is measured

For each network, dtype and batch, three operations are timed in this order: the forward
pass and cost under no_grad ("forward"); zero_grad, forward and backward
("forward_backward"); zero_grad, forward, backward and SGD's update with lr 1e-3 ("step").
For each operation:

1. warm-up: at least 3 calls and at least 50 ms (--warmup-ms) of them, each synchronized
   (cuBLAS picks its kernels and the caching allocator fills on the first calls);
2. one timed call estimates the cost c of a call; a sample is k = ceil(min_sample / c)
   consecutive calls, queued without waiting, so that a sample is long against the
   clock's resolution and, like package gpu's benchmark, measures a stream of steps;
3. `samples` samples, each between two CUDA events recorded on the current stream
   (synchronized before the start and after the end), each giving (elapsed / k);
4. the row reports the median of these per-call times (and min and max, to show spread).

On the CPU (--dry-run) the clock is time.perf_counter around the same loop.
Nothing is timed on zeros: x and y are standard normal draws, the weights are
nn.Linear's default initialisation, and after the step timings the script checks
that the cost is finite, every parameter has a finite gradient that is not all
zero, and every parameter tensor moved. A failed check marks the row and makes the exit
status 1; the JSON is written either way. No .item() or other host read happens inside a
timed region.

TF32 is turned off for float32 matrix products before anything runs (through
torch.backends.cuda.matmul.fp32_precision = "ieee" where torch has that API, 2.9 and
later; it must not be mixed with the legacy allow_tf32 flag there, which raises; through
allow_tf32 = False and float32 matmul precision "highest" before), and the setting read
back is recorded.

TFLOP/s count only the affine layers' multiply-adds, as package gpu's benchmark does: the
forward pass F = 2 * batch * sum_l n_{l-1} n_l floating-point operations, forward and
backward 3F, a step 3F (the update is not counted).

# gradcheck timings

Unless --no-gradcheck: torch.autograd.gradcheck, slow mode (one central difference per
parameter) and fast mode, of the cost as a function of all parameters, float64, batch
16, on [16,16,16,1], [64,64,64,1] and [128,128,128,1] ([2,3,3,1] and [3,4,4,2] in the dry
run), with gradcheck's default eps, atol and rtol. One timed call each (seconds long), between
two synchronizes, wall clock.

# torch_gpu.json, schema "gradcheck-torch-baseline/1"

One object:

    schema       "gradcheck-torch-baseline/1"
    mode         "cuda" (a GPU measurement) or "dry-run" (CPU, tiny sizes: not a measurement)
    ok           true when every check of every row and every gradcheck passed
    started_utc  ISO 8601 time the run began;  seconds: how long it took
    argv         the command line
    env          device (torch.cuda.get_device_name, or "cpu"), compute_capability ("9.0"),
                 memory_gib, driver (nvidia-smi's driver_version), cuda_driver_api
                 (cuDriverGetVersion as "13.0"), cuda_runtime (torch.version.cuda), torch,
                 python, platform, fp32_matmul (how TF32 was turned off, as read back),
                 threads (torch.get_num_threads()), vars (the environment variables that
                 change what is measured: NVIDIA_TF32_OVERRIDE, CUDA_*, CUBLAS_*, PYTORCH_*),
                 probe_errors (why a field is null)
    timing       clock ("cuda-events" or "perf_counter"), samples, min_sample_ms,
                 warmup_min_calls, warmup_min_ms, statistic (in words)
    steps        one row per network, dtype and batch:
                   size ("small", "mnist", "big", "huge"), layers, dtype ("float32",
                   "float64"), batch, params, flops_forward,
                   forward, forward_backward, step: each {median_us, min_us, max_us,
                     samples, calls_per_sample, tflops (from the median)},
                   cost_before, cost_after (the cost before the step timings and after them),
                   checks {inputs_nonzero, cost_finite, grads_finite_nonzero, params_moved}
    gradcheck    null with --no-gradcheck, else one row per network and mode:
                   layers, params, batch, dtype, fast (bool), seconds, ok, eps, atol, rtol

Exit status: 0 when ok, 1 when a check or a gradcheck failed (the JSON is written), 2 on
bad usage or when no CUDA device is found without --dry-run (nothing is written).
"""
import argparse
import ctypes
import datetime
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time

SCHEMA = "gradcheck-torch-baseline/1"

# The networks of package gpu's BenchmarkStep (gpu/bench_test.go, benchSizes), by its names,
# and the tiny ones that stand in for them in the dry run.
NETWORKS = {
    "small": [64, 64, 64, 1],
    "mnist": [784, 256, 256, 10],
    "big": [1024, 1024, 1024, 1024],
    "huge": [4096, 4096, 4096, 4096],
}
DRY_NETWORKS = {
    "small": [6, 5, 5, 1],
    "mnist": [12, 8, 8, 3],
    "big": [8, 8, 8, 8],
    "huge": [16, 16, 16, 16],
}
BATCHES = [16, 256, 4096]
DRY_BATCHES = [2, 3]
DTYPES = ["float32", "float64"]

GRADCHECK_NETWORKS = [[16, 16, 16, 1], [64, 64, 64, 1], [128, 128, 128, 1]]
DRY_GRADCHECK_NETWORKS = [[2, 3, 3, 1], [3, 4, 4, 2]]
GRADCHECK_BATCH = 16
LEARNING_RATE = 1e-3
SEED = 1

# Environment variables that change what cuBLAS or PyTorch compute or how fast.
ENV_PREFIXES = ("NVIDIA_TF32_OVERRIDE", "CUDA_", "CUBLAS_", "CUBLASLT_", "PYTORCH_", "TORCH_")


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.environ.get("OUT", "."), help="folder for torch_gpu.json")
    ap.add_argument("--no-gradcheck", action="store_true", help="skip the gradcheck timings")
    ap.add_argument("--dry-run", action="store_true", help="CPU, tiny sizes, no CUDA: a check of this script")
    ap.add_argument("--sizes", nargs="+", choices=list(NETWORKS), default=list(NETWORKS))
    ap.add_argument("--dtypes", nargs="+", choices=DTYPES, default=DTYPES)
    ap.add_argument("--batches", nargs="+", type=int, default=None,
                    help="default: %s (dry run: %s)" % (BATCHES, DRY_BATCHES))
    ap.add_argument("--samples", type=int, default=None, help="timed samples per operation (default 25; dry run 3)")
    ap.add_argument("--min-sample-ms", type=float, default=None,
                    help="shortest sample; more calls go into one (default 2; dry run 0: one call)")
    ap.add_argument("--warmup-ms", type=float, default=None,
                    help="shortest warm-up, after at least 3 calls (default 50; dry run 0: 3 calls)")
    a = ap.parse_args(argv)
    if a.batches is None:
        a.batches = DRY_BATCHES if a.dry_run else BATCHES
    if a.samples is None:
        a.samples = 3 if a.dry_run else 25
    if a.min_sample_ms is None:
        a.min_sample_ms = 0.0 if a.dry_run else 2.0
    if a.warmup_ms is None:
        a.warmup_ms = 0.0 if a.dry_run else 50.0
    if a.samples < 1 or any(b < 1 for b in a.batches) or a.min_sample_ms < 0 or a.warmup_ms < 0:
        ap.error("--samples and --batches must be positive, --min-sample-ms and --warmup-ms not negative")
    return a


def squared_error_cost(yhat, y):
    """C = (1/B) sum_s sum_k (yhat_sk - y_sk)^2: README "Definitions", no 1/2."""
    return ((yhat - y) ** 2).sum(dim=1).mean()


def check_cost_definition(torch):
    """The cost on two samples worked by hand: errors 1+4 = 5 and 4+9 = 13, mean 9."""
    yhat = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64)
    y = torch.tensor([[0.0, 0.0], [1.0, 1.0]], dtype=torch.float64)
    got = squared_error_cost(yhat, y).item()
    if got != 9.0:
        sys.exit("torch_baseline.py: the cost of the worked example is %r, want 9 (README Definitions)" % got)


# --- clocks -----------------------------------------------------------------------------

class CudaClock:
    """Seconds per call of a queued stream of calls, between two CUDA events."""
    name = "cuda-events"

    def __init__(self, torch):
        self.torch = torch

    def sync(self):
        self.torch.cuda.synchronize()

    def per_call(self, fn, calls):
        start = self.torch.cuda.Event(enable_timing=True)
        end = self.torch.cuda.Event(enable_timing=True)
        self.torch.cuda.synchronize()
        start.record()
        for _ in range(calls):
            fn()
        end.record()
        end.synchronize()
        return start.elapsed_time(end) / 1e3 / calls  # elapsed_time is in ms


class CpuClock:
    """The same on the CPU (the dry run), with time.perf_counter."""
    name = "perf_counter"

    def sync(self):
        pass

    def per_call(self, fn, calls):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        return (time.perf_counter() - t0) / calls


def measure(clock, fn, samples, min_sample_s, warmup_s, warmup_calls=3):
    """Median, min and max seconds per call of fn over `samples` samples (see the docstring)."""
    t0 = time.perf_counter()
    calls = 0
    while calls < warmup_calls or (time.perf_counter() - t0 < warmup_s and calls < 1000):
        fn()
        clock.sync()  # so that the wall clock above counts finished work
        calls += 1
    estimate = clock.per_call(fn, 1)
    k = max(1, math.ceil(min_sample_s / estimate)) if estimate > 0 else 1
    times = [clock.per_call(fn, k) for _ in range(samples)]
    return dict(median_us=statistics.median(times) * 1e6, min_us=min(times) * 1e6, max_us=max(times) * 1e6,
                samples=samples, calls_per_sample=k)


# --- the set-up -------------------------------------------------------------------------

def exact_fp32_matmul(torch):
    """Turn TF32 off for float32 matrix products; return the setting as read back."""
    m = torch.backends.cuda.matmul
    try:
        m.fp32_precision
        new_api = True
    except (AttributeError, AssertionError):  # torch 1.13's cuBLASModule raises AssertionError
        new_api = False
    if new_api:
        # torch >= 2.9. Only the new API: reading the legacy flags after setting this raises
        # ("you have used mix of the legacy and new APIs"), so they are not touched.
        m.fp32_precision = "ieee"
        got = m.fp32_precision
        if got != "ieee":
            sys.exit("torch_baseline.py: torch.backends.cuda.matmul.fp32_precision is %r after setting 'ieee'" % got)
        return "torch.backends.cuda.matmul.fp32_precision=%s" % got
    m.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    if m.allow_tf32 or torch.get_float32_matmul_precision() != "highest":
        sys.exit("torch_baseline.py: TF32 is still allowed after allow_tf32 = False")
    return "torch.backends.cuda.matmul.allow_tf32=%s, float32_matmul_precision=%s" % (
        m.allow_tf32, torch.get_float32_matmul_precision())


def driver_version(errors):
    """The NVIDIA driver's release (580.159.04), from nvidia-smi; None if it cannot be had."""
    try:
        r = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                           capture_output=True, text=True, timeout=30)
        if r.returncode == 0 and r.stdout.strip():
            return r.stdout.strip().splitlines()[0].strip()
        errors.append("nvidia-smi: exit %d %s" % (r.returncode, r.stderr.strip()[:200]))
    except (OSError, subprocess.SubprocessError) as e:
        errors.append("nvidia-smi: %s" % e)
    return None


def cuda_driver_api(errors):
    """cuDriverGetVersion from libcuda.so.1, as "13.0"; None if it cannot be had."""
    try:
        lib = ctypes.CDLL("libcuda.so.1")
        v = ctypes.c_int(0)
        rc = lib.cuDriverGetVersion(ctypes.byref(v))
        if rc == 0:
            return "%d.%d" % (v.value // 1000, v.value % 1000 // 10)
        errors.append("cuDriverGetVersion: CUresult %d" % rc)
    except OSError as e:
        errors.append("libcuda.so.1: %s" % e)
    return None


def environment(torch, dev, dry_run, fp32_matmul):
    errors = []
    env = dict(torch=torch.__version__, cuda_runtime=torch.version.cuda, python=platform.python_version(),
               platform=platform.platform(), fp32_matmul=fp32_matmul, threads=torch.get_num_threads(),
               vars={k: v for k, v in sorted(os.environ.items()) if k.startswith(ENV_PREFIXES)})
    if dry_run:
        env.update(device="cpu", compute_capability=None, memory_gib=None, driver=None, cuda_driver_api=None)
        errors.append("dry run: no CUDA probed")
    else:
        p = torch.cuda.get_device_properties(dev)
        env.update(device=torch.cuda.get_device_name(dev), compute_capability="%d.%d" % (p.major, p.minor),
                   memory_gib=round(p.total_memory / 2**30, 1), driver=driver_version(errors),
                   cuda_driver_api=cuda_driver_api(errors))
    env["probe_errors"] = errors
    return env


def mlp(torch, layers, dtype, dev):
    """nn.Linear layers with sigmoid between them and an identity output."""
    mods = []
    for i, (n_in, n_out) in enumerate(zip(layers[:-1], layers[1:])):
        mods.append(torch.nn.Linear(n_in, n_out, device=dev, dtype=dtype))
        if i < len(layers) - 2:
            mods.append(torch.nn.Sigmoid())
    return torch.nn.Sequential(*mods)


def forward_flops(layers, batch):
    return 2 * batch * sum(a * b for a, b in zip(layers[:-1], layers[1:]))


# --- the step table ---------------------------------------------------------------------

def step_row(torch, clock, dev, a, size, layers, dtype_name, batch):
    dtype = getattr(torch, dtype_name)
    torch.manual_seed(SEED)
    model = mlp(torch, layers, dtype, dev)
    x = torch.randn(batch, layers[0], device=dev, dtype=dtype)
    y = torch.randn(batch, layers[-1], device=dev, dtype=dtype)
    opt = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    params = list(model.parameters())

    def forward():
        with torch.no_grad():
            squared_error_cost(model(x), y)

    def forward_backward():
        model.zero_grad(set_to_none=True)
        squared_error_cost(model(x), y).backward()

    def step():
        opt.zero_grad(set_to_none=True)
        squared_error_cost(model(x), y).backward()
        opt.step()

    checks = dict(inputs_nonzero=bool(x.abs().sum() > 0 and y.abs().sum() > 0
                                      and all(p.abs().sum() > 0 for p in params)))
    with torch.no_grad():
        cost_before = squared_error_cost(model(x), y).item()
    min_s = a.min_sample_ms / 1e3
    row = dict(size=size, layers=layers, dtype=dtype_name, batch=batch, params=sum(p.numel() for p in params),
               flops_forward=forward_flops(layers, batch))
    before = [p.detach().clone() for p in params]
    for name, fn, flops in (("forward", forward, 1), ("forward_backward", forward_backward, 3), ("step", step, 3)):
        r = measure(clock, fn, a.samples, min_s, a.warmup_ms / 1e3)
        r["tflops"] = flops * row["flops_forward"] / (r["median_us"] * 1e-6) / 1e12 if r["median_us"] > 0 else None
        row[name] = r
    step()  # one more, untimed, whose gradients are checked
    clock.sync()
    with torch.no_grad():
        cost_after = squared_error_cost(model(x), y).item()
        checks["cost_finite"] = math.isfinite(cost_before) and math.isfinite(cost_after)
        checks["grads_finite_nonzero"] = all(p.grad is not None and bool(torch.isfinite(p.grad).all())
                                             and bool(p.grad.abs().sum() > 0) for p in params)
        checks["params_moved"] = all(not torch.equal(b, p) for b, p in zip(before, params))
    row.update(cost_before=cost_before, cost_after=cost_after, checks=checks)
    return row


def print_step_row(r):
    bad = [k for k, v in r["checks"].items() if not v]
    print("step %-5s %-7s batch %5d params %9d  forward %10.1f us  fwd+bwd %10.1f us  step %10.1f us"
          "  (min %.1f, max %.1f, %d x %d)  %.3g TFLOP/s%s" % (
              r["size"], r["dtype"], r["batch"], r["params"], r["forward"]["median_us"],
              r["forward_backward"]["median_us"], r["step"]["median_us"], r["step"]["min_us"], r["step"]["max_us"],
              r["step"]["samples"], r["step"]["calls_per_sample"], r["step"]["tflops"] or 0,
              ("  FAILED CHECKS: " + ", ".join(bad)) if bad else ""), flush=True)


# --- gradcheck --------------------------------------------------------------------------

def gradcheck_rows(torch, clock, dev, networks):
    rows = []
    for layers in networks:
        torch.manual_seed(SEED)
        model = mlp(torch, layers, torch.float64, dev)
        x = torch.randn(GRADCHECK_BATCH, layers[0], device=dev, dtype=torch.float64)
        y = torch.randn(GRADCHECK_BATCH, layers[-1], device=dev, dtype=torch.float64)
        linears = [m for m in model if isinstance(m, torch.nn.Linear)]
        theta = []
        for lin in linears:
            theta += [lin.weight.detach().clone().requires_grad_(True), lin.bias.detach().clone().requires_grad_(True)]

        def cost(*th):
            # The network of mlp() written as a function of its parameters (W_l, b_l, ...).
            h = x
            for l in range(len(linears)):
                h = torch.nn.functional.linear(h, th[2 * l], th[2 * l + 1])
                if l < len(linears) - 1:
                    h = torch.sigmoid(h)
            return squared_error_cost(h, y)

        n = sum(t.numel() for t in theta)
        for fast in (False, True):
            eps, atol, rtol = 1e-6, 1e-5, 1e-3  # gradcheck's defaults, written out for the record
            clock.sync()
            t0 = time.perf_counter()
            ok = torch.autograd.gradcheck(cost, tuple(theta), eps=eps, atol=atol, rtol=rtol,
                                          fast_mode=fast, raise_exception=False)
            clock.sync()
            seconds = time.perf_counter() - t0
            rows.append(dict(layers=layers, params=n, batch=GRADCHECK_BATCH, dtype="float64", fast=fast,
                             seconds=seconds, ok=bool(ok), eps=eps, atol=atol, rtol=rtol))
            print("gradcheck %s params %d %s mode: %.3f s, %s" % (
                layers, n, "fast" if fast else "slow", seconds, "ok" if ok else "FAILED"), flush=True)
    return rows


# --- main -------------------------------------------------------------------------------

def main(argv):
    a = parse_args(argv)
    started = datetime.datetime.now(datetime.timezone.utc)
    t_start = time.perf_counter()
    import torch  # after parsing, so that --help works without torch

    check_cost_definition(torch)
    if a.dry_run:
        dev = torch.device("cpu")
        torch.set_num_threads(1)  # a check, not a measurement: leave the other cores alone
        clock = CpuClock()
        networks, gc_networks = DRY_NETWORKS, DRY_GRADCHECK_NETWORKS
        # The same TF32 call as on the GPU, so that the dry run goes through it too (on a CPU
        # build it sets a flag nothing reads).
        fp32 = exact_fp32_matmul(torch)
    else:
        if not torch.cuda.is_available():
            print("torch_baseline.py: no CUDA device (torch %s, built for CUDA %s): nothing measured; "
                  "--dry-run checks this script on the CPU" % (torch.__version__, torch.version.cuda), file=sys.stderr)
            return 2
        dev = torch.device("cuda", torch.cuda.current_device())
        clock = CudaClock(torch)
        networks, gc_networks = NETWORKS, GRADCHECK_NETWORKS
        fp32 = exact_fp32_matmul(torch)
    os.makedirs(a.out, exist_ok=True)
    out_file = os.path.join(a.out, "torch_gpu.json")

    env = environment(torch, dev, a.dry_run, fp32)
    mode = "dry-run" if a.dry_run else "cuda"
    print("# torch_baseline.py (%s): %s, driver %s, CUDA driver API %s, torch %s (CUDA %s), %s" % (
        mode, env["device"], env["driver"], env["cuda_driver_api"], env["torch"], env["cuda_runtime"], fp32), flush=True)
    if a.dry_run:
        print("# DRY RUN on the CPU at tiny sizes: checks this script, measures nothing", flush=True)

    doc = dict(schema=SCHEMA, mode=mode, ok=True, started_utc=started.isoformat(timespec="seconds"),
               seconds=None, argv=[sys.argv[0]] + list(argv), env=env,
               timing=dict(clock=clock.name, samples=a.samples, min_sample_ms=a.min_sample_ms, warmup_min_calls=3,
                           warmup_min_ms=a.warmup_ms,
                           statistic="median over samples of (sample time / calls per sample); "
                                     "a sample is calls_per_sample consecutive calls queued without waiting"),
               steps=[], gradcheck=None)
    for size in a.sizes:
        for dtype_name in a.dtypes:
            for batch in a.batches:
                r = step_row(torch, clock, dev, a, size, networks[size], dtype_name, batch)
                print_step_row(r)
                doc["steps"].append(r)
                doc["ok"] &= all(r["checks"].values())
                if not a.dry_run:
                    torch.cuda.empty_cache()  # the next network starts from the same free memory
    if not a.no_gradcheck:
        doc["gradcheck"] = gradcheck_rows(torch, clock, dev, gc_networks)
        doc["ok"] &= all(g["ok"] for g in doc["gradcheck"])
    doc["seconds"] = round(time.perf_counter() - t_start, 3)
    with open(out_file, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("# wrote %s: %d step rows, %s; %s in %.1f s" % (
        out_file, len(doc["steps"]), "no gradcheck" if doc["gradcheck"] is None else
        "%d gradcheck rows" % len(doc["gradcheck"]), "all checks passed" if doc["ok"] else "SOME CHECKS FAILED",
        doc["seconds"]), flush=True)
    return 0 if doc["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
