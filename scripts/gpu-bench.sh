#!/usr/bin/env bash
# Builds the GPU test binaries here (where Go is) for scripts/gpu-run.sh to run on the GPU
# machine (where Go is not): one CGO_ENABLED=0 test binary per package with GPU tests, in
# .gpubin/ (ignored by git; carried to the GPU machine). Usage, from anywhere:
#
#   scripts/gpu-bench.sh
#
# then, on the GPU machine, from the repository root:
#
#   scripts/gpu-run.sh            # tests, benchmarks, PyTorch, table → $OUT
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
mkdir -p .gpubin
for pkg in gpu gpu/cuda gpu/kernels; do
	name=$(basename "$pkg") # gpu, cuda, kernels
	CGO_ENABLED=0 "$GO" test -c -o ".gpubin/$name.test" "./$pkg"
done
# The GPU machine has glibc 2.39 and no Go: the binaries must not need more than libc.
for b in .gpubin/*.test; do
	printf '%-24s %6s MiB\n' "$b" "$(($(stat -c %s "$b") / 1048576))"
done
echo "gpu-bench.sh: built; run scripts/gpu-run.sh on the GPU machine (carry .gpubin)"
