# Maintainer tasks. `make test` is what CI runs.

GO ?= go
SHELL := /bin/bash

.PHONY: all generate check-generated fmt-check vet test

all: test

# generate rewrites api/ from openapi.yaml with the oapi-codegen pinned in
# tools/go.mod.
generate:
	$(GO) generate ./...

# check-generated regenerates into a scratch copy of the inputs and fails if
# the result differs from api/ in this tree, files only one side has included.
check-generated:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cp -r go.mod go.sum gen.go openapi.yaml api tools "$$tmp"/; \
	(cd "$$tmp" && $(GO) generate ./...) || exit 1; \
	if ! diff -r api "$$tmp/api"; then \
		echo "check-generated: api/ is stale; run 'make generate' and commit the result" >&2; exit 1; \
	fi

fmt-check:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then \
		echo "fmt-check: run 'gofmt -w' on:" >&2; echo "$$out" >&2; exit 1; fi

vet:
	$(GO) vet ./...

test: check-generated fmt-check vet
	$(GO) test -race -count=1 ./...
