# gradcheck's make targets. `make test` is what CI runs (.ci/run).
GO ?= go
# FUZZTIME is how long `make fuzz` runs each fuzz target; `make test` runs
# each for FUZZSMOKE.
FUZZTIME ?= 30s
FUZZSMOKE ?= 5s

.PHONY: test vet unit fuzz-smoke fuzz bench

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
