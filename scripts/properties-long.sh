#!/usr/bin/env bash
# properties-long.sh: the long acceptance runs of issue 16, too long for
# make test (make properties-long):
#
#  1. the accumulating loop over the user's own MLP type
#     (properties.TestAccumulatingLoop) passes every trainer property in the
#     Accumulated mode, 1,000 checks for each rapid seed 1 to 10, and the
#     zoo's trainer mutants are all killed in that mode (TestZooKilled);
#  2. the README's hand-written ReLU MLP with numgrad.Signs passes
#     properties.Suite at 2,000 checks for each rapid seed 1 to 20
#     (TestMLPProperties), and the same model without its ReLU derivative
#     fails the suite on the same examples (TestMLPWithoutDerivativeFails,
#     which fails unless RunSuite finds a failure); both again with the
#     model's Piece method hidden, so that numgrad infers the kinks
#     (TestMLPPropertiesWithoutPieces, TestMLPWithoutDerivativeFailsWithoutPieces);
#  3. the README's fuzz target with a sub-batch draw finds the dataset-mean
#     mistake from an empty corpus within 30 s in 10 of 10 runs
#     (scripts/fuzz-datasetmean.sh).
#
# Prints one line per run and a summary; exits 1 if any run fails.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root/properties" && go test -c -o "$tmp/properties.test" .) || exit 2
(cd "$root/properties/zoo" && go test -c -o "$tmp/zoo.test" .) || exit 2
bad=0

echo "== 1. accumulating loop, Accumulated mode: 1000 checks x rapid seeds 1-10"
start=$SECONDS
for seed in $(seq 1 10); do
	if out=$(cd "$root/properties" && "$tmp/properties.test" -test.run '^TestAccumulatingLoop$' \
		-rapid.checks=1000 -rapid.seed="$seed" -rapid.nofailfile -test.v 2>&1); then
		n=$(grep -c 'OK, passed 1000 tests' <<<"$out")
		echo "seed $seed: pass ($n trainer properties x 1000 checks)"
	else
		bad=1
		echo "seed $seed: FAIL"
		grep -v '^=== ' <<<"$out" | head -40
	fi
done
echo "($((SECONDS - start))s)"
if out=$(cd "$root/properties/zoo" && "$tmp/zoo.test" -test.run '^TestZooKilled$/^accumulated$' -test.v 2>&1); then
	echo "zoo, Accumulated mode: $(grep -o '[0-9]* of [0-9]* mutants killed' <<<"$out")"
else
	bad=1
	echo "zoo, Accumulated mode: FAIL"
	echo "$out" | head -40
fi

echo "== 2. ReLU MLP with numgrad.Signs and with its pieces hidden: properties.Suite at 2000 checks x rapid seeds 1-20"
start=$SECONDS
for seed in $(seq 1 20); do
	if out=$(cd "$root/properties" && "$tmp/properties.test" -test.run '^TestMLP' \
		-rapid.checks=2000 -rapid.seed="$seed" -rapid.nofailfile -test.v 2>&1); then
		by=$(sed -n 's/.*failed by \(\[.*\]\)/\1/p' <<<"$out")
		n=$(grep -c 'OK, passed 2000 tests' <<<"$out")
		echo "seed $seed: right MLP passes ($n properties x 2000 checks); without relu' it fails $by"
	else
		bad=1
		echo "seed $seed: FAIL"
		grep -v '^=== ' <<<"$out" | head -40
	fi
done
echo "($((SECONDS - start))s)"

echo "== 3. README fuzz target, dataset-mean mistake, empty corpus: 10 runs of at most 30s"
"$root/scripts/fuzz-datasetmean.sh" 10 30s || bad=1

[ "$bad" -eq 0 ] && echo "properties-long: every run as required" || echo "properties-long: FAILED" >&2
exit "$bad"
