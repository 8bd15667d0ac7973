# logbridge: the commands a newcomer runs. `make test` is the whole suite and is what CI runs.
SHELL := /bin/bash
GO ?= go
CACHE := $(CURDIR)/.cache
OTELCOL := $(CACHE)/otelcol/otelcol
STATICCHECK_VERSION := v0.8.2
FUZZTIME ?= 10s
export LOGBRIDGE_OTELCOL := $(OTELCOL)

.PHONY: all build test unit lint fuzz bench otelcol quickstart clean

all: build

build:
	$(GO) build ./...

## quickstart: run the main example (console + file; OTLP when a collector listens on :4318).
quickstart:
	$(GO) run ./examples/quickstart

## test: the full suite: lint, unit + e2e tests under -race against a real collector, short fuzzing.
test: lint otelcol
	$(GO) test -race -count=1 -timeout 20m ./...
	$(MAKE) fuzz FUZZTIME=5s

## unit: tests without the race detector, for a quick loop.
unit:
	$(GO) test -count=1 ./...

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

## fuzz: run every fuzz target for FUZZTIME each.
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$f ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

## otelcol: build the real OpenTelemetry Collector the e2e tests run (cached under .cache/).
otelcol: $(OTELCOL)
$(OTELCOL): tools/otelcol/go.mod tools/otelcol/go.sum tools/otelcol/main.go
	cd tools/otelcol && $(GO) build -o $(OTELCOL) .

clean:
	rm -rf $(CACHE)
