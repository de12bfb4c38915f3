"""One table of SGD step times on the GPU: gradcheck's gpu package against PyTorch.

Reads the Go benchmark output (BenchmarkStep, BenchmarkStepDefaultMath and
BenchmarkStepOwnGEMM of package gpu, sub-benchmarks named size=S/dtype=D/batch=B) and the
torch_gpu.json of scripts/peers/torch_baseline.py (schema "gradcheck-torch-baseline/1",
documented there), both measured in the same run of scripts/gpu-run.sh, and prints a
Markdown table on stdout:

    python3 scripts/peers/gpu_table.py --go bench.txt --torch torch_gpu.json [--json out.json]

A torch_gpu.json of a dry run (mode "dry-run": PyTorch on the CPU at tiny sizes) gives the
same table under a banner saying that nothing in it is a GPU measurement, and no target is
judged; nor is one where the PyTorch row failed its own checks. --json writes the table's
rows with the PyTorch run's mode and env.

Speed-up is PyTorch's step time over ours (> 1: ours is faster), ours being the default
settings (cuBLAS in pedantic math mode); where the default-math-mode run is faster, the
target is judged on it and the row says so. Targets (issues 7 and 17): at
least 3x in every configuration where PyTorch's step takes at most 2 ms in the same run
(launch-bound), at most 1.2x PyTorch's time at [4096]x4 batch 4096.
"""
import argparse
import json
import re
import sys

SCHEMA = "gradcheck-torch-baseline/1"  # scripts/peers/torch_baseline.py

LINE = re.compile(
    r"^Benchmark(Step|StepOwnGEMM|StepDefaultMath)/size=(\w+)/dtype=(\w+)/batch=(\d+)(?:-\d+)?\s+(\d+)\s+([\d.e+]+) ns/op(.*)$")
METRIC = re.compile(r"([\d.e+-]+) (\S+)")


def read_go(path):
    """{(kind, size, dtype, batch): {"ns": ..., "us/step": ..., "TFLOP/s": ...}}"""
    rows = {}
    with open(path) as f:
        for line in f:
            m = LINE.match(line.strip())
            if not m:
                continue
            kind, size, dtype, batch, _, ns, rest = m.groups()
            r = {"ns": float(ns)}
            for v, unit in METRIC.findall(rest):
                r[unit] = float(v)
            rows[(kind, size, dtype, int(batch))] = r
    return rows


# LAUNCH_BOUND_US: a configuration is launch-bound, and held to a speed-up of 3, where
# PyTorch's step takes at most this long in the same run (issue 17).
LAUNCH_BOUND_US = 2000.0


def target(size, batch, torch_us):
    if torch_us <= LAUNCH_BOUND_US:
        return "speedup>=3"
    if size == "huge" and batch == 4096:
        return "time<=1.2x"
    return ""


def read_torch(path):
    """torch_baseline.py's JSON document, its schema checked."""
    with open(path) as f:
        doc = json.load(f)
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        sys.exit("gpu_table.py: %s is not a %s document (written by scripts/peers/torch_baseline.py)" % (path, SCHEMA))
    return doc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--go", required=True)
    ap.add_argument("--torch", required=True)
    ap.add_argument("--json", default="")
    a = ap.parse_args()

    go = read_go(a.go)
    if not go:
        sys.exit("gpu_table.py: no BenchmarkStep results in " + a.go)
    doc = read_torch(a.torch)
    if not doc["steps"]:
        sys.exit("gpu_table.py: no step rows in " + a.torch)
    dry = doc["mode"] != "cuda"
    env = doc["env"]
    known = lambda v: "unknown" if v is None else v
    device = "%s, driver %s, CUDA driver API %s; torch %s (CUDA %s), %s" % tuple(
        known(env[k]) for k in ("device", "driver", "cuda_driver_api", "torch", "cuda_runtime", "fp32_matmul"))

    out = []
    print("# SGD step on the GPU: gradcheck vs PyTorch, same machine, same run")
    print()
    if dry:
        print("**DRY RUN: the PyTorch side ran on the CPU at tiny sizes (mode %r). Nothing in this table is a GPU "
              "measurement, and no target is judged.**" % doc["mode"])
        print()
    print("PyTorch side: " + device + ". Times are medians (%s, %d samples). Ours: cuBLAS in pedantic math mode "
          "(the default settings), in its default math mode (as PyTorch; neither uses TF32), or the own GEMM "
          "kernels." % (doc["timing"]["clock"], doc["timing"]["samples"]))
    print()
    print("| size | layers | dtype | batch | params | ours µs | ours default-math µs | ours own-GEMM µs | PyTorch µs | speed-up | ours TFLOP/s | PyTorch TFLOP/s | target | met |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    met_all = True
    for t in doc["steps"]:
        size, dtype, batch = t["size"], t["dtype"], int(t["batch"])
        torch_us, torch_tflops = t["step"]["median_us"], t["step"]["tflops"]
        ours = go.get(("Step", size, dtype, batch))
        own = go.get(("StepOwnGEMM", size, dtype, batch))
        dm = go.get(("StepDefaultMath", size, dtype, batch))
        us = ours["us/step"] if ours else None
        own_us = own["us/step"] if own else None
        dm_us = dm["us/step"] if dm else None
        speed = torch_us / us if us else None
        best, how = us, ""
        if dm_us is not None and (best is None or dm_us < best):
            best, how = dm_us, " (default math)"
        tg = target(size, batch, torch_us)
        met = ""
        if tg and dry:
            met = "not judged (dry run)"
        elif tg and not all(t["checks"].values()):
            met, met_all = "not judged (PyTorch row failed its checks)", False
        elif tg and speed is None:
            met, met_all = "not measured", False
        elif tg:
            ok = torch_us / best >= 3 if tg.startswith("speedup") else best <= 1.2 * torch_us
            met = ("yes" if ok else "NO") + how
            met_all &= ok
        fmt = lambda v, f: (f % v) if v is not None else "—"
        print("| %s | %s | %s | %d | %d | %s | %s | %s | %.1f | %s | %s | %s | %s | %s |" % (
            size, "[" + ",".join(str(n) for n in t["layers"]) + "]", dtype, batch, t["params"], fmt(us, "%.1f"),
            fmt(dm_us, "%.1f"), fmt(own_us, "%.1f"), torch_us, fmt(speed, "%.2fx"),
            fmt(ours and ours.get("TFLOP/s"), "%.3g"), fmt(torch_tflops, "%.3g"),
            {"speedup>=3": "≥3×", "time<=1.2x": "≤1.2× time"}.get(tg, "—"), met or "—"))
        out.append(dict(size=size, layers=t["layers"], dtype=dtype, batch=batch, params=t["params"], ours_us=us,
                        ours_own_gemm_us=own_us, ours_default_math_us=dm_us, torch_us=torch_us, speedup=speed,
                        ours_tflops=ours and ours.get("TFLOP/s"), torch_tflops=torch_tflops, target=tg, met=met))
    print()
    if dry:
        print("Targets: not judged (dry run).")
    else:
        print("Targets: " + ("all met." if met_all else "some missed or not measured (see the last column)."))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(dict(mode=doc["mode"], env=env, rows=out), f, indent=1)


if __name__ == "__main__":
    main()
