// Package bench is logbridge's benchmark program: its benchmarks (bench_test.go) measure each
// sink, the whole fan-out, a rejected call and delivery to a real collector side by side with
// what a user would build by hand (tint, slog's handlers, otelslog + the SDK's
// BatchProcessor, slog.NewMultiHandler of those), in one run. cmd/benchreport turns their
// output into the table of ratios against the goals (docs/benchmarks.md).
//
// # Running
//
//	make bench
//
// runs
//
//	go test -c -o bench.test ./bench/ && cd bench
//	for i in $(seq 10); do
//		../bench.test -test.run "^$" -test.bench "Floor|Rejected|Console|File|OTLP|Fanout|Handoff" \
//			-test.benchmem -test.benchtime 100ms -test.count 1 -test.cpu 1
//		../bench.test -test.run "^$" -test.bench "Paired|Concurrent" \
//			-test.benchmem -test.benchtime 1s -test.count 1 -test.cpu 1
//	done > results.txt
//	../bench.test -test.run "^$" -test.bench E2E -test.benchtime 1x -test.count 3 >> results.txt
//	../bench.test -test.run "^$" -test.bench Memory -test.benchtime 1x -test.count 1 -test.cpu 1 >> results.txt
//	go run ./bench/cmd/benchreport bench/results.txt
//
// and benchstat over the results. The cases that take turns (the paired ones, turns of pairedTurn;
// the 1- and 2-goroutine phases) run for a second, for enough turns. The per-call cases run
// ten times over, the whole set one after the other, rather than with -count 10: each case's contenders are then measured within
// a second of each other, and benchreport takes the median of the per-run ratios, which a
// change of load on a shared machine disturbs far less than the times themselves. A plain
// `go test -run '^$' -bench . -benchmem -count N -cpu 1 ./bench/` works too (the ratios are then
// of the medians). bench/baseline.txt is a committed run to compare with:
//
//	benchstat bench/baseline.txt bench/results.txt
//	benchstat -filter .name:Console -col /impl bench/results.txt
//
// # Cases
//
//   - per call (Floor, Rejected, Console, File, OTLP, Fanout, Paired): slog's 5, 10 and
//     40-attribute records (attrs=5, 10, 40) and issue 19's request-shaped record
//     (attrs=request, request_test.go: a span in the context, a With logger carrying two
//     attributes, a group of two ints, a wrapped error, a markup message at warn).
//     BenchmarkFloor/impl=discard and impl=enabled are slog's own call on each record: what
//     the call's arguments and slog.Logger allocate, the baseline no sink may add to.
//     OTLP and Fanout have both sides in front of a no-op exporter (records stay SDK
//     records); OTLPCollector and FanoutCollector have each with its real exporter, sending
//     to one real collector, the exports' CPU in the call's, each side's calls kept within
//     1024 records of what its exporter sent (pacer: the SDK's BatchProcessor would drop
//     the rest unexported, which spares it their cost), and each run ending once all its
//     records are sent, so that no side's exports land in the other's run (not in
//     BenchmarkPaired: see there why);
//   - Concurrent: the fan-out and slog.NewMultiHandler under 1 and 2 goroutines;
//   - E2E: delivery to a real collector over OTLP/HTTP and gRPC, beside the collector's own
//     ceiling (a raw sender posting pre-encoded requests of the same records);
//   - Memory: the heap held during a 1,000,000-record outage, beside the SDK's BatchProcessor.
//
// Two tests run with the package's others: TestAddedAllocs (allocs_test.go: no sink and not the
// fan-out allocates beyond slog's own call, on every record shape, save its table of what is
// still added; the OTLP sink and the fan-out to a real collector add nothing) and
// TestEncodedRequest (the ceiling sends the bridge's own records).
//
// # Names
//
// Every benchmark is Benchmark<Case>/impl=<contender>/attrs=<shape> (E2E: proto=<http|grpc>/
// impl=..., Concurrent: impl=.../goroutines=<n>, Memory: impl=... only), with the
// peers first, so that `benchstat -col /impl` shows logbridge's deltas against them. Besides
// ns/op, B/op and allocs/op each reports cpu-ns/op (internal/benchutil): the process's CPU
// time per call, steadier than ns/op on a shared machine.
package bench
