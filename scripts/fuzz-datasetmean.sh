#!/usr/bin/env bash
# fuzz-datasetmean.sh [RUNS] [FUZZTIME]: run the README's fuzz target on the
# dataset-mean mistake (fuzz.FuzzUserModelDatasetMean, tag mutant) RUNS times
# (default 10) for at most FUZZTIME each (default 30s), each from an empty
# corpus: a fresh working directory (no testdata/fuzz seeds) and a fresh
# fuzz cache (no inputs kept from an earlier run), so that only the target's
# own f.Add seed is known, and that seed does not show the mistake
# (TestDatasetMeanNeedsSubBatch). Prints the time each run took to fail and
# exits 1 unless every run found the mistake.
set -uo pipefail
runs=${1:-10}
dur=${2:-30s}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(mktemp -d)/fuzz.test
# -fuzz at build time instruments the binary for coverage, as go test -fuzz does.
(cd "$root/fuzz" && go test -c -tags mutant -fuzz '^FuzzUserModelDatasetMean$' -o "$bin" .) || exit 2
found=0
times=()
for i in $(seq 1 "$runs"); do
	dir=$(mktemp -d)
	log="$dir/log"
	start=$(date +%s.%N)
	(cd "$dir" && "$bin" -test.run '^$' -test.fuzz '^FuzzUserModelDatasetMean$' \
		-test.fuzztime "$dur" -test.fuzzcachedir "$dir/cache" >"$log" 2>&1)
	status=$?
	wall=$(echo "$(date +%s.%N) - $start" | bc)
	if [ "$status" -ne 0 ] && grep -q 'Failing input written' "$log"; then
		found=$((found + 1))
		secs=$(sed -n 's/^--- FAIL: FuzzUserModelDatasetMean (\([0-9.]*\)s)$/\1/p' "$log" | head -1)
		times+=("$secs")
		printf 'run %2d: found in %ss (wall %.2fs)\n' "$i" "$secs" "$wall"
	else
		printf 'run %2d: not found in %s (status %d)\n' "$i" "$dur" "$status"
		tail -5 "$log"
	fi
	rm -rf "$dir"
done
rm -rf "$(dirname "$bin")"
echo "dataset-mean mistake found in $found of $runs runs (limit $dur each); times: ${times[*]}"
[ "$found" -eq "$runs" ]
