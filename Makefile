# logbridge: the commands a newcomer runs. `make test` is the whole suite and is what CI runs.
SHELL := /bin/bash
GO ?= go
CACHE := $(CURDIR)/.cache
OTELCOL := $(CACHE)/otelcol/otelcol
STATICCHECK_VERSION := v0.8.2
FUZZTIME ?= 10s
export LOGBRIDGE_OTELCOL := $(OTELCOL)
# PKGS: every package of the workspace (go.work): the library, and examples/ and bench/, modules
# of their own so that importing logbridge pulls only what the library uses. `./...` alone
# stops at a nested module's go.mod, so they are named.
PKGS := ./... ./examples/... ./bench/...
export PKGS

.PHONY: all build test unit lint fuzz bench otelcol quickstart clean

all: build

build:
	$(GO) build $(PKGS)

## quickstart: run the main example (console + file; OTLP when a collector listens on :4318).
quickstart:
	$(GO) run ./examples/quickstart

## test: the full suite: lint, deploy/ validation, unit + e2e tests under -race against a real
## collector (and, for deploy/'s metrics path, a real Prometheus: Debian's package, installed
## if missing), the allocation tests without -race (the race detector allocates, so they do not
## build under it), short fuzzing.
test: lint otelcol validate-deploy
	@bash scripts/install-prometheus.sh
	@bash scripts/install-python3-rich.sh # the console tests compare with Rich itself
	$(GO) test -race -count=1 -timeout 20m $(PKGS)
	$(GO) test -count=1 -run Allocs $(PKGS)
	$(MAKE) fuzz FUZZTIME=5s

## unit: tests without the race detector, for a quick loop.
unit:
	$(GO) test -count=1 $(PKGS)

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) $(PKGS)
	@# Each module tidy by itself: examples/httpserver's image builds with GOWORK=off.
	@for m in . examples bench; do (cd $$m && GOWORK=off $(GO) mod tidy -diff) || { echo "go.mod of $$m not tidy: cd $$m && GOWORK=off go mod tidy"; exit 1; }; done

## fuzz: run every fuzz target for FUZZTIME each, after its seed corpus (the f.Add seeds and
## testdata/fuzz/<FuzzName>/), each run killed after FUZZTIME + FUZZ_SLACK seconds (a hang
## guard: go test's -timeout does not cover fuzzing). See scripts/fuzz.sh.
FUZZ_SLACK ?= 120
fuzz:
	@GO='$(GO)' FUZZTIME='$(FUZZTIME)' FUZZ_SLACK='$(FUZZ_SLACK)' bash scripts/fuzz.sh

## bench: the benchmark program (bench/): logbridge beside tint, slog's handlers, otelslog and
## slog.NewMultiHandler of those, and delivery to a real collector, -cpu 1. The per-call cases run
## BENCH_COUNT times over, the whole set one after the other (-count 1, short -benchtime), so
## that ours and the peer of a case are measured within a second of each other and a change of
## load on a shared machine hits both; in each of those runs the cases that take turns run for
## BENCH_TURNS_TIME, enough turns for a robust ratio (BenchmarkPaired, the figures the per-call
## goals are checked with, the two sides taking turns of bench.pairedTurn; BenchmarkConcurrent, 1 and 2
## goroutines in phases of 16384 records); the E2E bursts (logbridge and the collector's own ceiling,
## http and grpc) run BENCH_E2E_COUNT times with GOMAXPROCS the machine's CPUs, as a service runs
## (at -cpu 1 the logging goroutine held off the exporters' network goroutines: logbridge over
## grpc 112k records/s there, 142k here), the outage memory case once. Raw output:
## bench/results.txt (benchstat-comparable with bench/baseline.txt); ratios against the goals:
## docs/benchmarks.md.
BENCH_COUNT ?= 10
BENCH_TIME ?= 100ms
BENCH_E2E_COUNT ?= 3
BENCH ?= Floor|Rejected|Console|File|OTLP|Fanout|Handoff
BENCH_TURNS ?= Paired|Concurrent
BENCH_TURNS_TIME ?= 1s
BENCHSTAT := golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
BENCH_BIN := $(CACHE)/bench.test
bench: otelcol
	@set -eo pipefail; start=$$(date +%s); rm -f bench/results.txt; \
	  $(GO) test -c -o $(BENCH_BIN) ./bench/; \
	  for i in $$(seq $(BENCH_COUNT)); do \
	    echo "bench: run $$i of $(BENCH_COUNT)"; \
	    (cd bench && $(BENCH_BIN) -test.run '^$$' -test.bench '$(BENCH)' -test.benchmem -test.benchtime $(BENCH_TIME) \
	      -test.count 1 -test.cpu 1 -test.timeout 30m) >> bench/results.txt; \
	    (cd bench && $(BENCH_BIN) -test.run '^$$' -test.bench '$(BENCH_TURNS)' -test.benchmem -test.benchtime $(BENCH_TURNS_TIME) \
	      -test.count 1 -test.cpu 1 -test.timeout 30m) >> bench/results.txt; \
	  done; \
	  echo "bench: E2E, $(BENCH_E2E_COUNT) bursts per contender"; \
	  (cd bench && $(BENCH_BIN) -test.run '^$$' -test.bench 'E2E' -test.benchmem -test.benchtime 1x \
	    -test.count $(BENCH_E2E_COUNT) -test.timeout 30m) >> bench/results.txt; \
	  echo "bench: memory in a 1,000,000-record outage"; \
	  (cd bench && $(BENCH_BIN) -test.run '^$$' -test.bench 'Memory' -test.benchtime 1x \
	    -test.count 1 -test.cpu 1 -test.timeout 30m) >> bench/results.txt; \
	  end=$$(date +%s); \
	  for c in Rejected Console File OTLP OTLPCollector Fanout FanoutCollector Handoff Concurrent E2E Memory; do \
	    $(GO) run $(BENCHSTAT) -filter ".name:$$c" -col /impl bench/results.txt; \
	  done; \
	  $(GO) run $(BENCHSTAT) -filter ".name:Paired" bench/results.txt; \
	  echo "bench: against the committed baseline (bench/baseline.txt)"; \
	  $(GO) run $(BENCHSTAT) -ignore cpu -filter "-.name:Paired" bench/baseline.txt bench/results.txt; \
	  $(GO) run ./bench/cmd/benchreport -o docs/benchmarks.md -notes bench/notes.md -readme README.md -elapsed "$$((end-start)) s" \
	    -cmd "go test -c ./bench/; $(BENCH_COUNT) x (bench.test -test.bench '$(BENCH)' -test.benchtime $(BENCH_TIME) -test.count 1 -test.cpu 1; bench.test -test.bench '$(BENCH_TURNS)' -test.benchtime $(BENCH_TURNS_TIME) -test.count 1 -test.cpu 1); bench.test -test.bench E2E -test.benchtime 1x -test.count $(BENCH_E2E_COUNT); bench.test -test.bench Memory -test.benchtime 1x -test.count 1 -test.cpu 1" \
	    bench/results.txt
	@echo "bench: raw results in bench/results.txt, report in docs/benchmarks.md"

## otelcol: build the real OpenTelemetry Collector the e2e tests run (cached under .cache/).
otelcol: $(OTELCOL)
$(OTELCOL): tools/otelcol/go.mod tools/otelcol/go.sum tools/otelcol/main.go
	cd tools/otelcol && GOWORK=off $(GO) build -o $(OTELCOL) . # not in go.work: a module of its own

clean:
	rm -rf $(CACHE)

# -----------------------------------------------------------------------------------------------
# Local observability stack: docker-compose.yaml, deploy/, examples/httpserver (docs/grafana.md).
# This block only adds targets; the targets above are unchanged.
# -----------------------------------------------------------------------------------------------
.PHONY: stack-up stack-down stack-demo demo validate-deploy

# COMPOSE runs Docker Compose: the v2 plugin (`docker compose`) when there is one, else
# docker-compose. Evaluated only by the targets that use it.
COMPOSE = $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || echo docker-compose)
DEMO_ADDR ?= 127.0.0.1:8080
DEMO_ROUNDS ?= 20

## stack-up: start the collector, Loki, Tempo, Prometheus and Grafana (http://localhost:3000).
## Needs Docker.
stack-up:
	$(COMPOSE) up -d
	@echo "Grafana: http://localhost:3000   OTLP: localhost:4318 (http), localhost:4317 (grpc)   Prometheus: http://localhost:9090"

## stack-down: stop the stack, demo services included (data volumes stay; add -v to drop them).
stack-down:
	$(COMPOSE) --profile demo down

## stack-demo: the stack plus the example service and a traffic driver, both in containers.
stack-demo:
	$(COMPOSE) --profile demo up -d --build

## demo: run examples/httpserver on the host against the stack and drive DEMO_ROUNDS rounds.
demo:
	$(GO) build -o $(CACHE)/httpserver ./examples/httpserver
	@(exec 3<>/dev/tcp/127.0.0.1/4318) 2>/dev/null || \
	  echo "demo: nothing listens on localhost:4318; run 'make stack-up' first (the demo still runs)"
	@set -e; $(CACHE)/httpserver -addr $(DEMO_ADDR) & pid=$$!; \
	  trap 'kill -TERM $$pid 2>/dev/null; wait $$pid' EXIT; \
	  $(CACHE)/httpserver -drive http://$(DEMO_ADDR) -n $(DEMO_ROUNDS) -interval 500ms
	@echo "demo: open http://localhost:3000 (dashboard \"logbridge\") to see these logs next to their traces"

## validate-deploy: check docker-compose.yaml with `docker-compose config` (Debian's package,
## installed if missing; no Docker engine needed) and the collector config with the real
## collector's `validate`.
validate-deploy: otelcol
	@bash scripts/install-docker-compose.sh
	docker-compose -f docker-compose.yaml config -q
	docker-compose -f docker-compose.yaml --profile demo config -q
	$(OTELCOL) validate --config=deploy/otelcol/config.yaml
