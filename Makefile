# Maintainer tasks. `make test` is what CI runs.

GO ?= go
NPM ?= npm
SHELL := /bin/bash

# Redocly CLI, pinned in package-lock.json. Telemetry and the update check
# would reach the network on every run.
REDOCLY := node_modules/.bin/redocly
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_UPDATE_NOTICE := true

# The last released OpenAPI document, the base of the breaking-change gate.
RELEASED_SPEC := $(lastword $(shell ls releases/openapi-*.yaml | sort -V))
BREAKING_IGNORE := releases/acknowledged-breaking-changes.txt

.PHONY: all generate docs check-generated fmt-check vet lint-spec breaking test

all: test

# generate rewrites api/ from openapi.yaml with the oapi-codegen pinned in
# tools/go.mod.
generate:
	$(GO) generate ./...

# node_modules is installed from package-lock.json, again whenever the lock
# file or package.json is newer than the last install.
node_modules/.package-lock.json: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund
	@touch $@

# docs rebuilds the reference page from openapi.yaml: one HTML file with the
# Redoc bundle inlined, so it needs no network to view.
docs: node_modules/.package-lock.json
	tools/build-docs.sh openapi.yaml docs/reference.html

# check-generated regenerates api/ and the reference page into a scratch copy
# of the inputs and fails if the result differs from this tree, files only
# one side has included.
check-generated: node_modules/.package-lock.json
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cp -r go.mod go.sum gen.go openapi.yaml api tools "$$tmp"/; \
	(cd "$$tmp" && $(GO) generate ./...) || exit 1; \
	if ! diff -r api "$$tmp/api"; then \
		echo "check-generated: api/ is stale; run 'make generate' and commit the result" >&2; exit 1; \
	fi; \
	tools/build-docs.sh openapi.yaml "$$tmp/reference.html" || exit 1; \
	if ! cmp -s docs/reference.html "$$tmp/reference.html"; then \
		echo "check-generated: docs/reference.html is stale; run 'make docs' and commit the result" >&2; exit 1; \
	fi

# lint-spec lints openapi.yaml with the ruleset in redocly.yaml. Every rule
# there is an error, and any warning, of the document or of the ruleset
# itself, fails the target too.
lint-spec: node_modules/.package-lock.json
	@out=$$($(REDOCLY) lint openapi.yaml --config redocly.yaml 2>&1); status=$$?; \
	echo "$$out"; \
	if [ $$status -ne 0 ]; then exit $$status; fi; \
	if echo "$$out" | grep -Eq '[0-9]+ warnings?'; then \
		echo "lint-spec: warnings are not allowed; fix them or turn the rule off in redocly.yaml with a reason" >&2; exit 1; \
	fi

# breaking fails on a breaking change of openapi.yaml against the last
# released document that releases/acknowledged-breaking-changes.txt and
# CHANGELOG.md do not acknowledge.
breaking:
	GO=$(GO) tools/check-breaking.sh $(RELEASED_SPEC) openapi.yaml $(BREAKING_IGNORE) CHANGELOG.md

fmt-check:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then \
		echo "fmt-check: run 'gofmt -w' on:" >&2; echo "$$out" >&2; exit 1; fi

vet:
	$(GO) vet ./...

test: lint-spec breaking check-generated fmt-check vet
	cd bench && $(GO) vet ./... && $(GO) test -count=1 ./...
	$(GO) test -race -count=1 ./...

# bench runs the client and sandbox benchmarks (about 5 minutes) and prints
# their tables, which BENCHMARKS.md explains. test only compiles and vets the
# bench module, which has its own go.mod so that the SDK gains no dependency.
.PHONY: bench
bench:
	GO=$(GO) NPM=$(NPM) bench/run.sh

.PHONY: fuzz load

# fuzz runs each fuzz test for FUZZTIME (default 10m), one after the other:
# `make fuzz FUZZTIME=1m`. A failing input is written to testdata/fuzz/ of
# its package, where `go test` runs it from then on as a regression case.
FUZZTIME ?= 10m
FUZZ_TESTS := \
	FuzzHandler:./redcore/redcoretest \
	FuzzResponseDecoding:./redcore \
	FuzzPageJSON:./redcore \
	FuzzEncoding:./test

fuzz:
	@set -e; for entry in $(FUZZ_TESTS); do \
		name=$${entry%%:*}; pkg=$${entry#*:}; \
		echo "fuzz: $$name ($$pkg) for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 30s $$pkg; \
	done

# load builds the redcore command, runs 8 clients with their own tokens
# against `redcore mock` on 127.0.0.1 for two runs of 20s, checks the
# sandbox's invariants and prints the mock's memory after each run.
load:
	GO=$(GO) $(GO) run ./test/load
