# gradcheck's make targets. `make test` is what CI runs (.ci/run).
GO ?= go
# FUZZTIME is how long `make fuzz` runs each fuzz target; `make test` runs
# each for FUZZSMOKE.
FUZZTIME ?= 30s
FUZZSMOKE ?= 5s

.PHONY: test vet unit fuzz-smoke fuzz bench properties-long soundness soundness-layers

test: vet unit fuzz-smoke

vet:
	$(GO) vet ./...

unit:
	$(GO) test ./...

# fuzz-smoke runs every fuzz target for FUZZSMOKE; fuzz for FUZZTIME.
fuzz-smoke:
	@scripts/fuzz.sh $(FUZZSMOKE)

fuzz:
	@scripts/fuzz.sh $(FUZZTIME)

# properties-long runs the long acceptance runs of the properties for
# users' own loops and models (scripts/properties-long.sh): an accumulating
# loop in the Accumulated mode at 1,000 checks for rapid seeds 1-10, the
# README's ReLU MLP at 2,000 checks for seeds 1-20 (and its mutant failing
# on each), the README's fuzz target finding the dataset-mean mistake in
# 10 of 10 runs of 30 s. A few minutes on 2 cores; not part of make test.
properties-long:
	@scripts/properties-long.sh

# soundness-layers runs the full soundness suite of layer checks (package
# layer: random correct layers with kinks, ties and saturation, and planted
# errors, under every method, with and without pieces) and writes
# reports/soundness-layers.md; seconds. Its short form runs in `unit`.
soundness-layers:
	$(GO) test -count=1 ./layer -run 'TestLayerSoundnessFull$$' -layer.full -layer.out=$(CURDIR)/reports/soundness-layers.md

# soundness runs the full soundness suite of numgrad (numgrad/soundness: 2,550
# random correct cases and the same with a planted error, every method, with
# and without piece information) and writes reports/soundness.md; it fails on
# any violation, with a Go reproducer of each. Its short form runs in `unit`.
soundness:
	$(GO) test -count=1 -timeout 60m ./numgrad/soundness -run 'TestSoundnessFull$$' -soundness.full -soundness.out=$(CURDIR)/reports/soundness.md

# bench runs our benchmarks and PyTorch's (../shared/peers, /usr/bin/python3
# with torch) side by side and writes reports/cpu-vs-pytorch.md.
bench:
	@scripts/bench.sh

# ptx regenerates gpu/kernels/kernels.ptx from kernels.cu where nvcc exists
# (see gpu/kernels/gen-ptx.sh); commit the .cu, the .ptx and the .sha256.
.PHONY: ptx gpu-bench
ptx:
	@gpu/kernels/gen-ptx.sh

# gpu-bench builds the GPU test binaries into .gpubin/ (no GPU needed here);
# scripts/gpu-run.sh runs them, our benchmarks and the PyTorch baseline
# (scripts/peers/torch_baseline.py) on the GPU machine. The baseline's CPU dry
# run, fed to scripts/peers/gpu_table.py, is a test of `make unit`
# (scripts/peers, TestDryRun; it skips where /usr/bin/python3 lacks torch).
gpu-bench:
	@scripts/gpu-bench.sh
