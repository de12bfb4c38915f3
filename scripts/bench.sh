#!/usr/bin/env bash
# bench.sh: run gradcheck's CPU benchmarks and the PyTorch peer scripts side
# by side, in one run, and write reports/cpu-vs-pytorch.md, a table of the
# ratios (see scripts/benchtable). `make bench` runs it from the repository
# root; it took 2.5 minutes on an idle 2-core machine, 5 to 8 under load.
#
# Needs the peer scripts in ../shared/peers beside the repository, and
# PyTorch for /usr/bin/python3 (Debian: apt-get install python3-torch
# python3-numpy libopenblas0-pthread; see ../shared/peers/README.md).
# PYTHON overrides the interpreter, GO the go command, BENCHDIR keeps the
# raw outputs there instead of a temporary folder.
#
# What runs, and what it is compared with:
#   training step (backprop BenchmarkStep), float64, sigmoid, on 1 and 2
#   threads, with OpenBLAS and with GRADCHECK_BLAS=go, against torch_mlp.py's
#   SGD step on 1 and 2 threads;
#   forward and gradient at [784,256,256,10] batch 256 (their time ratio);
#   the full numerical check (numgrad/netfd BenchmarkGradient) of
#   [64,64,64,1] and [128,128,128,1] against torch_gradcheck.py's slow mode.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
peers=../shared/peers
py=${PYTHON:-/usr/bin/python3}
GO=${GO:-go}

die() { echo "bench.sh: $*" >&2; exit 2; }
[ -d "$peers" ] || die "$peers not found (looked for $(cd .. && pwd)/shared/peers): the PyTorch peer scripts must sit in ../shared/peers beside the repository"
for f in torch_mlp.py torch_gradcheck.py common.py; do
	[ -f "$peers/$f" ] || die "$peers/$f missing"
done
[ -x "$py" ] || die "$py not found; set PYTHON to an interpreter with PyTorch"
"$py" -c 'import torch' 2>/dev/null || die "$py cannot import torch (Debian: apt-get install python3-torch python3-numpy libopenblas0-pthread)"

out=${BENCHDIR:-$(mktemp -d)}
mkdir -p "$out"
echo "bench.sh: raw outputs in $out"
: >"$out/commands.txt"

# step logs a command about to run and records it, and the 1-minute load
# average at its start, for the report.
loads=()
step() {
	echo "== $*" | tee -a "$out/log.txt"
	printf '%s\n' "$*" >>"$out/commands.txt"
	loads+=("$(cut -d' ' -f1 /proc/loadavg)")
}

meta() { printf '%s: %s\n' "$1" "$2" >>"$out/meta.txt"; }
: >"$out/meta.txt"
meta "date (UTC)" "$(date -u '+%Y-%m-%d %H:%M')"
meta "CPU" "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores"
meta "load average (1, 5, 15 min) at start" "$(cut -d' ' -f1-3 /proc/loadavg)"
meta "Go" "$($GO version | cut -d' ' -f3-)"
meta "commit" "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
start=$SECONDS

# gobench MODE COUNT PATTERN: our backprop benchmarks matching PATTERN on 1
# and 2 threads (GOMAXPROCS and OpenBLAS's threads, as torch_mlp.py's
# --threads), COUNT runs each, with OpenBLAS (MODE native) or in pure Go
# (MODE pure, GRADCHECK_BLAS=go), appended to go-MODE.txt. Each thread
# count runs in its own process: go test -cpu 1,2 runs the first measurement
# of each b.Loop sub-benchmark at the process's GOMAXPROCS, whatever -cpu
# says (seen with Go 1.26: the "-cpu 1" line of the first count ran on two
# threads, 62 ms a step where one thread takes 95).
gobench() {
	local envs=()
	[ "$1" = pure ] && envs=(GRADCHECK_BLAS=go)
	for cpu in 1 2; do
		step env "${envs[@]}" $GO test -run NONE -bench "'$3'" -benchmem -cpu $cpu -count "$2" ./backprop
		env "${envs[@]}" $GO test -run NONE -bench "$3" -benchmem -cpu $cpu -count "$2" ./backprop | tee -a "$out/go-$1.txt"
	done
}
# torchmlp NAME SIZES BATCH: PyTorch's step, forward and forward+backward,
# on 1 and 2 threads.
torchmlp() {
	step "$py" $peers/torch_mlp.py --acts sigmoid --dtypes f64 --sizes $2 --batches $3 --threads 1 2 --out torch-mlp-$1.json
	"$py" $peers/torch_mlp.py --acts sigmoid --dtypes f64 --sizes $2 --batches $3 --threads 1 2 --out "$out/torch-mlp-$1.json" | tee -a "$out/torch.txt"
}

# The training step, ours and PyTorch's close together in time for each
# group of sizes (the machine's load drifts), and forward and gradient at
# [784,256,256,10] batch 256 for their time ratio.
small='^BenchmarkStep$/^\[(2_3_3_1|64_64_64_1)\]$/^batch=16$'
large='^BenchmarkStep$/^\[(784_256_256_10|1024_1024_1024_1024)\]$/^batch=256$'
ratio='^Benchmark(Forward|Gradient)$/^\[784_256_256_10\]$/^batch=256$'
gobench native 5 "$small"
torchmlp small "tiny small" 16
gobench pure 3 "$small"
gobench native 3 "$large"
torchmlp large "mnist big" 256
gobench native 3 "$ratio"
gobench pure 3 "$ratio"
gobench pure 2 "$large"

# The full check: ours, then torch.autograd.gradcheck. --limit 30 skips the
# slow mode where it would take more than 30 s (the networks beyond
# [128,128,128,1], which are not compared).
pat='^BenchmarkGradient$/^\[(64_64_64_1|128_128_128_1)\]$/.*/^fast$'
step $GO test -run NONE -bench "'$pat'" -benchtime 3x -count 3 ./numgrad/netfd
$GO test -run NONE -bench "$pat" -benchtime 3x -count 3 ./numgrad/netfd | tee "$out/netfd.txt"
# The checker itself (issue 13): CheckModel's whole check, 2 threads.
step $GO test -run NONE -bench "'^BenchmarkCheckModel(64|128)$'" -benchtime 3x -count 3 -cpu 2 ./numgrad
$GO test -run NONE -bench '^BenchmarkCheckModel(64|128)$' -benchtime 3x -count 3 -cpu 2 ./numgrad | tee "$out/checker.txt"
step "$py" $peers/torch_gradcheck.py --limit 30 --out torch-gradcheck.json
"$py" $peers/torch_gradcheck.py --limit 30 --out "$out/torch-gradcheck.json" | tee -a "$out/torch.txt"

meta "load average (1, 5, 15 min) at end" "$(cut -d' ' -f1-3 /proc/loadavg)"
meta "1-minute load average at the start of each command" "${loads[*]}"
meta "duration" "$((SECONDS - start)) s"
meta "PyTorch" "$(grep -m1 '^# torch' "$out/torch.txt" | sed 's/^# //')"
meta "PyTorch's BLAS" "$(grep -m1 'BLAS mapped' "$out/torch.txt" | sed 's/.*BLAS mapped: //')"
step $GO run ./scripts/benchtable -dir RUNDIR -out reports/cpu-vs-pytorch.md
$GO run ./scripts/benchtable -dir "$out" -out reports/cpu-vs-pytorch.md >/dev/null
echo "bench.sh: wrote reports/cpu-vs-pytorch.md"
