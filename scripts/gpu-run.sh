#!/usr/bin/env bash
# Runs on the GPU machine, from a copy of the repository with .gpubin/ built by
# scripts/gpu-bench.sh (there is no Go there). Phases, in order; name some to run only
# those (default: all of them):
#
#   tests   the GPU tests of gpu/cuda, gpu/kernels and gpu, with GPU_REQUIRED=1 (a missing
#           GPU fails them instead of skipping)
#   bench   BenchmarkStep, BenchmarkStepDefaultMath and BenchmarkStepOwnGEMM of package gpu
#   torch   the PyTorch baseline, scripts/peers/torch_baseline.py --no-gradcheck --out $OUT
#   table   scripts/peers/gpu_table.py: ours against PyTorch, one table
#
# Everything goes to $OUT (default .gpubin/out, ignored by git): test-*.log, bench.txt, torch_gpu.txt
# (the baseline's log), torch_gpu.json (its results; schema in torch_baseline.py), gpu-bench.md,
# gpu-bench.json, table.err, summary.txt. Each phase has its own time limit, so that one that hangs
# leaves time for the others (tests 90+90+240 s, bench 200 s, torch 200 s); the whole takes
# about five minutes on an H100. Phase names are checked before anything runs. The test
# binaries are needed only by the tests and bench phases.
#
# PYTHON is the interpreter with PyTorch (default python3, which has torch on the GPU
# machine). TORCH_ARGS adds arguments to the baseline: TORCH_ARGS=--dry-run rehearses the
# torch and table phases on a CPU (tiny sizes, no CUDA; its table says it measures nothing).
# Exit status: 0 if every phase run passed, 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
phases=("$@")
[ ${#phases[@]} -eq 0 ] && phases=(tests bench torch table)
need_bins=0
for phase in "${phases[@]}"; do
	case $phase in
	tests | bench) need_bins=1 ;;
	torch | table) ;;
	*)
		echo "gpu-run.sh: unknown phase $phase (want tests, bench, torch or table); nothing run" >&2
		exit 1
		;;
	esac
done
OUT=${OUT:-$root/.gpubin/out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
export OUT GPU_REQUIRED=1
bin=$root/.gpubin
PYTHON=${PYTHON:-python3}
status=0
summary=$OUT/summary.txt
: >"$summary"

note() { echo "$*" | tee -a "$summary"; }

{
	echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(uname -srm)"
	command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
	git -C "$root" rev-parse --short HEAD 2>/dev/null | sed 's/^/# commit /'
	# What the baseline will find, without starting CUDA (a few seconds).
	timeout 60 "$PYTHON" -c 'import sys, torch; print("python %s, torch %s, built for CUDA %s" % (sys.version.split()[0], torch.__version__, torch.version.cuda))' 2>&1 | tail -1 | sed "s|^|# $PYTHON: |"
} | tee -a "$summary"

if [ $need_bins = 1 ]; then
	for b in gpu cuda kernels; do
		if [ ! -x "$bin/$b.test" ]; then
			note "missing $bin/$b.test: run scripts/gpu-bench.sh (make gpu-bench) where Go is, and carry .gpubin"
			exit 1
		fi
	done
fi

# runtest NAME DIR LIMIT: the package's GPU tests, run in its directory (tests read files
# relative to it).
runtest() {
	local name=$1 dir=$2 limit=$3 rc
	(cd "$root/$dir" && "$bin/$name.test" -test.v -test.run GPU -test.timeout "$limit") >"$OUT/test-$name.log" 2>&1
	rc=$?
	local pass fail skip
	pass=$(grep -c -- '^--- PASS' "$OUT/test-$name.log")
	fail=$(grep -c -- '^--- FAIL' "$OUT/test-$name.log")
	skip=$(grep -c -- '--- SKIP' "$OUT/test-$name.log")
	note "tests $dir: exit $rc, $pass passed, $fail failed, $skip skipped (test-$name.log)"
	if [ $rc -ne 0 ]; then
		# The lines before each failure (its messages; -v streams them first), and panics.
		grep -E -B8 -- '^\s*--- FAIL|^panic' "$OUT/test-$name.log" | grep -v '^=== ' | head -60 | tee -a "$summary"
		status=1
	fi
}

for phase in "${phases[@]}"; do
	case $phase in
	tests)
		runtest cuda gpu/cuda 90s
		runtest kernels gpu/kernels 90s
		runtest gpu gpu 240s
		;;
	bench)
		(cd "$root/gpu" && "$bin/gpu.test" -test.run '^$' -test.bench 'BenchmarkStep' \
			-test.benchtime 300ms -test.timeout 200s) >"$OUT/bench.txt" 2>&1
		rc=$?
		note "bench: exit $rc, $(grep -c '^BenchmarkStep' "$OUT/bench.txt") results (bench.txt)"
		[ $rc -ne 0 ] && { tail -20 "$OUT/bench.txt" | tee -a "$summary"; status=1; }
		;;
	torch)
		rm -f "$OUT/torch_gpu.json" # a table from an earlier run's file would look like this run's
		# shellcheck disable=SC2086 # TORCH_ARGS is split into arguments on purpose
		timeout 200 "$PYTHON" "$root/scripts/peers/torch_baseline.py" --no-gradcheck --out "$OUT" ${TORCH_ARGS:-} \
			>"$OUT/torch_gpu.txt" 2>&1
		rc=$?
		note "torch: exit $rc, $(grep -c '^step ' "$OUT/torch_gpu.txt") rows (torch_gpu.txt, torch_gpu.json)"
		[ $rc -ne 0 ] && { tail -20 "$OUT/torch_gpu.txt" | tee -a "$summary"; status=1; }
		;;
	table)
		"$PYTHON" "$root/scripts/peers/gpu_table.py" --go "$OUT/bench.txt" --torch "$OUT/torch_gpu.json" \
			--json "$OUT/gpu-bench.json" >"$OUT/gpu-bench.md" 2>"$OUT/table.err"
		rc=$?
		note "table: exit $rc (gpu-bench.md)"
		[ $rc -ne 0 ] && { tee -a "$summary" <"$OUT/table.err"; status=1; }
		cat "$OUT/gpu-bench.md"
		;;
	esac
done
note "gpu-run.sh: exit $status"
exit $status
