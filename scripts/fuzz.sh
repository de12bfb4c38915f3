#!/usr/bin/env bash
# fuzz.sh DURATION: run every Fuzz target of the module, one at a time, for
# DURATION each (go test -fuzz takes one target per run).
set -euo pipefail
dur=${1:-30s}
found=0
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for t in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
		found=1
		echo "fuzz $pkg $t for $dur"
		go test "$pkg" -run '^$' -fuzz "^$t\$" -fuzztime "$dur"
	done
done
[ "$found" = 1 ] || echo "fuzz: no fuzz targets yet"
