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
//	go test -run '^$' -bench . -benchmem -count N -cpu 1 ./bench/ > bench/results.txt
//	go run ./bench/cmd/benchreport bench/results.txt
//
// and benchstat over the results. bench/baseline.txt is a committed run to compare with:
//
//	benchstat bench/baseline.txt bench/results.txt
//	benchstat -col /impl bench/results.txt
//
// # Names
//
// Every benchmark is Benchmark<Case>/impl=<contender>/attrs=<n> (E2E: no attrs key), with the
// peers first, so that `benchstat -col /impl` shows logbridge's deltas against them. Besides
// ns/op, B/op and allocs/op each reports cpu-ns/op (internal/benchutil): the process's CPU
// time per call, steadier than ns/op on a shared machine.
package bench
