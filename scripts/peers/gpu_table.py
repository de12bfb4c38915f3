"""One table of SGD step times on the GPU: gradcheck's gpu package against PyTorch.

Reads the Go benchmark output (BenchmarkStep, BenchmarkStepDefaultMath and
BenchmarkStepOwnGEMM of package gpu, sub-benchmarks named size=S/dtype=D/batch=B) and torch_gpu.py's JSON, both measured in
the same run of scripts/gpu-run.sh, and prints a Markdown table on stdout:

    python3 scripts/peers/gpu_table.py --go bench.txt --torch torch_gpu.json \
        [--torch-log torch_gpu.txt] [--json out.json]

Speed-up is PyTorch's step time over ours (> 1: ours is faster), ours being the default
settings (cuBLAS in pedantic math mode); where the default-math-mode run is faster, the
target is judged on it and the row says so. Targets (issue 7): at
least 3x where PyTorch is launch-bound (the small and mnist networks at every batch, big
at batch 16 and 256), at most 1.2x PyTorch's time at [4096]x4 batch 4096.
"""
import argparse
import json
import re
import sys

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


def target(size, batch):
    if size in ("small", "mnist") or (size == "big" and batch <= 256):
        return "speedup>=3"
    if size == "huge" and batch == 4096:
        return "time<=1.2x"
    return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--go", required=True)
    ap.add_argument("--torch", required=True)
    ap.add_argument("--torch-log", default="")
    ap.add_argument("--json", default="")
    a = ap.parse_args()

    go = read_go(a.go)
    if not go:
        sys.exit("gpu_table.py: no BenchmarkStep results in " + a.go)
    with open(a.torch) as f:
        torch_rows = [r for r in json.load(f) if "step_us" in r]
    device = ""
    if a.torch_log:
        with open(a.torch_log) as f:
            first = f.readline().strip()
        device = first.lstrip("# ")

    out = []
    print("# SGD step on the GPU: gradcheck vs PyTorch, same machine, same run")
    print()
    if device:
        print("PyTorch side: " + device + " (TF32 off). Ours: cuBLAS in pedantic math mode (the default settings), in its default math mode (as PyTorch; neither uses TF32), or the own GEMM kernels.")
        print()
    print("| size | dtype | batch | params | ours µs | ours default-math µs | ours own-GEMM µs | PyTorch µs | speed-up | ours TFLOP/s | PyTorch TFLOP/s | target | met |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    met_all = True
    for t in torch_rows:
        size, dtype, batch = t["size"], t["dtype"], int(t["batch"])
        ours = go.get(("Step", size, dtype, batch))
        own = go.get(("StepOwnGEMM", size, dtype, batch))
        dm = go.get(("StepDefaultMath", size, dtype, batch))
        us = ours["us/step"] if ours else None
        own_us = own["us/step"] if own else None
        dm_us = dm["us/step"] if dm else None
        speed = t["step_us"] / us if us else None
        best, how = us, ""
        if dm_us is not None and (best is None or dm_us < best):
            best, how = dm_us, " (default math)"
        tg = target(size, batch)
        met = ""
        if tg and speed is None:
            met, met_all = "not measured", False
        elif tg:
            ok = t["step_us"] / best >= 3 if tg.startswith("speedup") else best <= 1.2 * t["step_us"]
            met = ("yes" if ok else "NO") + how
            met_all &= ok
        fmt = lambda v, f: (f % v) if v is not None else "—"
        print("| %s | %s | %d | %d | %s | %s | %s | %.1f | %s | %s | %.3g | %s | %s |" % (
            size, dtype, batch, t["params"], fmt(us, "%.1f"), fmt(dm_us, "%.1f"), fmt(own_us, "%.1f"), t["step_us"],
            fmt(speed, "%.2fx"), fmt(ours and ours.get("TFLOP/s"), "%.3g"), t["step_tflops"],
            {"speedup>=3": "≥3×", "time<=1.2x": "≤1.2× time"}.get(tg, "—"), met or "—"))
        out.append(dict(size=size, dtype=dtype, batch=batch, params=t["params"], ours_us=us, ours_own_gemm_us=own_us, ours_default_math_us=dm_us,
                        torch_us=t["step_us"], speedup=speed, ours_tflops=ours and ours.get("TFLOP/s"),
                        torch_tflops=t["step_tflops"], target=tg, met=met))
    print()
    print("Targets: " + ("all met." if met_all else "some missed or not measured (see the last column)."))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(dict(device=device, rows=out), f, indent=1)


if __name__ == "__main__":
    main()
