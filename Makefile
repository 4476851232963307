# Two commands set everything up on a fresh Debian machine that has make and
# Go at /usr/local/go (see README.md):
#   make run   - local Postgres and Redis (installed and started if missing),
#                database created and migrated, API and worker on :8080
#   make test  - the same services and the test tools (gcc, curl, chromium,
#                fonts; installed if missing), go vet, the whole test suite
#                with -race, and govulncheck when its database can be reached
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)
GO ?= go

.PHONY: build run test services test-services vulncheck vet fuzz bench faults clean

build:
	$(GO) build -o bin/hotline ./cmd/hotline

services:
	@scripts/services.sh

test-services:
	@scripts/services.sh --tests

run: services build
	@scripts/run.sh

test: test-services
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 15m ./...
	@scripts/vulncheck.sh

# govulncheck alone (skipped, saying so, when its database cannot be reached).
vulncheck:
	@scripts/vulncheck.sh

# Benchmarks and load runs at 1 and 10 million items (BENCH_SIZES to change);
# see docs/BENCHMARKS.md. Takes a while the first time: it loads demo data.
bench: build
	@scripts/services.sh --bench
	@scripts/bench.sh

# The fault suite alone (it also runs in make test).
faults: test-services
	$(GO) test -race -count=1 -v -timeout 10m ./faults/

vet:
	gofmt -l . | (! grep .) && $(GO) vet ./...

# Each fuzz target for a short while (FUZZTIME=2m for longer).
FUZZTIME ?= 20s
fuzz:
	@for t in $$(grep -rhoE '^func (Fuzz[A-Za-z0-9_]+)' --include='*_test.go' . | sed 's/func //' | sort -u); do \
		pkg=$$(grep -rlE "^func $$t\(" --include='*_test.go' . | xargs -n1 dirname | head -n1); \
		echo "== $$pkg $$t"; $(GO) test -run='^$$' -fuzz="^$$t$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
	done

clean:
	rm -rf bin
