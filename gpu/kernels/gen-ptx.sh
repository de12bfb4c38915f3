#!/usr/bin/env bash
# Regenerates kernels.ptx from kernels.cu and records kernels.cu's sha256 in
# kernels.cu.sha256 (sha256sum's format), which the package's tests compare with the
# source. Run it (or `make ptx`) after every change to kernels.cu and commit all three.
#
#   NVCC=/usr/local/cuda/bin/nvcc gpu/kernels/gen-ptx.sh
#
# Needs nvcc 11.1 or newer (compute_80); Debian's nvidia-cuda-toolkit (11.8, non-free)
# will do. The PTX ISA version follows the toolkit: 7.8 from 11.8, 9.0 from 13.0. Drivers
# refuse a newer ISA than they know (the GPU machine's 13.0 driver refuses 9.1), so the
# script fails rather than write PTX above MAX_ISA.
set -euo pipefail

MAX_ISA=9.0
cd "$(dirname "$0")"
NVCC=${NVCC:-nvcc}
if ! command -v "$NVCC" >/dev/null 2>&1; then
	for c in /usr/local/cuda/bin/nvcc /usr/bin/nvcc; do
		if [ -x "$c" ]; then NVCC=$c; break; fi
	done
fi
if ! command -v "$NVCC" >/dev/null 2>&1; then
	echo "gen-ptx.sh: nvcc not found; set NVCC or install a CUDA toolkit" >&2
	exit 1
fi

tmp=$(mktemp kernels.ptx.XXXXXX)
trap 'rm -f "$tmp"' EXIT
# -fmad=false: no contraction of a*b+c into fma, so kernels match CPU loops bit for bit.
"$NVCC" -ptx -arch=compute_80 -fmad=false -o "$tmp" kernels.cu

isa=$(awk '$1 == ".version" { print $2; exit }' "$tmp")
target=$(awk '$1 == ".target" { print $2; exit }' "$tmp")
if [ -z "$isa" ] || ! awk -v v="$isa" -v max="$MAX_ISA" 'BEGIN {
	split(v, a, "."); split(max, b, ".")
	exit !(a[1] < b[1] || (a[1] == b[1] && a[2] <= b[2]))
}'; then
	echo "gen-ptx.sh: $("$NVCC" --version | grep -o "release [0-9.]*") emits PTX ISA '$isa', newer than $MAX_ISA:" \
		"drivers up to CUDA 13.0 refuse it; use an older nvcc" >&2
	exit 1
fi
if [ "$target" != sm_80 ]; then
	echo "gen-ptx.sh: PTX target is '$target', want sm_80" >&2
	exit 1
fi

mv "$tmp" kernels.ptx
trap - EXIT
chmod 644 kernels.ptx
sha256sum kernels.cu >kernels.cu.sha256
echo "gen-ptx.sh: kernels.ptx (ISA $isa, $target) from $("$NVCC" --version | grep -o "release [0-9.]*")"
