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
//	for i in $(seq 10); do ../bench.test -test.run "^$" -test.bench "Floor|Rejected|Console|File|OTLP|Fanout|Paired" \
//		-test.benchmem -test.benchtime 100ms -test.count 1 -test.cpu 1; done > results.txt
//	../bench.test -test.run "^$" -test.bench E2E -test.benchtime 1x -test.count 3 -test.cpu 1 >> results.txt
//	go run ./bench/cmd/benchreport bench/results.txt
//
// and benchstat over the results. The per-call cases run ten times over, the whole set one
// after the other, rather than with -count 10: each case's contenders are then measured within
// a second of each other, and benchreport takes the median of the per-run ratios, which a
// change of load on a shared machine disturbs far less than the times themselves. A plain
// `go test -run '^$' -bench . -benchmem -count N -cpu 1 ./bench/` works too (the ratios are then
// of the medians). bench/baseline.txt is a committed run to compare with:
//
//	benchstat bench/baseline.txt bench/results.txt
//	benchstat -filter .name:Console -col /impl bench/results.txt
//
// # Names
//
// Every benchmark is Benchmark<Case>/impl=<contender>/attrs=<n> (E2E: no attrs key), with the
// peers first, so that `benchstat -col /impl` shows logbridge's deltas against them. Besides
// ns/op, B/op and allocs/op each reports cpu-ns/op (internal/benchutil): the process's CPU
// time per call, steadier than ns/op on a shared machine.
package bench
