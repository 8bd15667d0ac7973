package main

import (
	"strings"
	"testing"
)

// goalNamed returns the goal of issue 19's table with this name.
func goalNamed(t *testing.T, name string) goal {
	t.Helper()
	for _, g := range goals {
		if g.name == name {
			return g
		}
	}
	t.Fatalf("no goal %q", name)
	return goal{}
}

func TestEvaluate(t *testing.T) {
	const (
		console = "console vs tint, request record"
		httpE2E = "end-to-end to the real collector over http, % of its ceiling"
		scale   = "fan-out, 2 goroutines / 1 (request record)"
		mem     = "memory per record held in a 1,000,000-record outage vs the SDK's BatchProcessor"
	)
	floor := "BenchmarkFloor/impl=enabled/attrs=request 1000 500 ns/op 500 cpu-ns/op 288 B/op 6 allocs/op\n"
	for _, tc := range []struct {
		name, goal, input, verdict string
		shows                      string // in the row's ratio text, if set
	}{
		{"per call: faster, no added allocs", console, floor +
			"BenchmarkConsole/impl=tint/attrs=request 1000 2000 ns/op 2000 cpu-ns/op 400 B/op 10 allocs/op\n" +
			"BenchmarkConsole/impl=logbridge/attrs=request 1000 900 ns/op 900 cpu-ns/op 288 B/op 6 allocs/op\n", "PASS", ""},
		{"per call: fast enough, one added alloc", console, floor +
			"BenchmarkConsole/impl=tint/attrs=request 1000 2000 ns/op 2000 cpu-ns/op 400 B/op 10 allocs/op\n" +
			"BenchmarkConsole/impl=logbridge/attrs=request 1000 900 ns/op 900 cpu-ns/op 300 B/op 7 allocs/op\n", "FAIL", ""},
		{"per call: no added allocs, too slow", console, floor +
			"BenchmarkConsole/impl=tint/attrs=request 1000 2000 ns/op 2000 cpu-ns/op 400 B/op 10 allocs/op\n" +
			"BenchmarkConsole/impl=logbridge/attrs=request 1000 1100 ns/op 1100 cpu-ns/op 288 B/op 6 allocs/op\n", "FAIL", ""},
		{"per call: the paired ratio decides", console, floor +
			"BenchmarkConsole/impl=tint/attrs=request 1000 2000 ns/op 2000 cpu-ns/op 400 B/op 10 allocs/op\n" +
			"BenchmarkConsole/impl=logbridge/attrs=request 1000 900 ns/op 900 cpu-ns/op 288 B/op 6 allocs/op\n" +
			"BenchmarkPaired/case=console/attrs=request 1000 1000 ns/op 900 logbridge-cpu-ns/op 1500 peer-cpu-ns/op 0.6 ratio\n", "FAIL", ""},
		{"per call: no baseline", console,
			"BenchmarkConsole/impl=tint/attrs=request 1000 2000 ns/op 2000 cpu-ns/op 400 B/op 10 allocs/op\n" +
				"BenchmarkConsole/impl=logbridge/attrs=request 1000 900 ns/op 900 cpu-ns/op 288 B/op 6 allocs/op\n", "FAIL", ""},
		{"e2e: 85% of the ceiling", httpE2E,
			"BenchmarkE2E/proto=http/impl=ceiling 1 1 ns/op 204800 delivered/op 100000 delivered/s 0 lost/op\n" +
				"BenchmarkE2E/proto=http/impl=logbridge 1 1 ns/op 204800 delivered/op 85000 delivered/s 0 lost/op\n", "PASS", ""},
		{"e2e: 85% but a record lost", httpE2E,
			"BenchmarkE2E/proto=http/impl=ceiling 1 1 ns/op 204800 delivered/op 100000 delivered/s 0 lost/op\n" +
				"BenchmarkE2E/proto=http/impl=logbridge 1 1 ns/op 204799 delivered/op 85000 delivered/s 1 lost/op\n", "FAIL", ""},
		{"e2e: 70% of the ceiling", httpE2E,
			"BenchmarkE2E/proto=http/impl=ceiling 1 1 ns/op 204800 delivered/op 100000 delivered/s 0 lost/op\n" +
				"BenchmarkE2E/proto=http/impl=logbridge 1 1 ns/op 204800 delivered/op 70000 delivered/s 0 lost/op\n", "FAIL", ""},
		{"e2e: where the CPU time went", httpE2E,
			"BenchmarkE2E/proto=http/impl=ceiling 1 1 ns/op 7000 collector-cpu-ns/record 700 cpu-ns/record 204800 delivered/op 100000 delivered/s 12.5 idle-% 0 lost/op\n" +
				"BenchmarkE2E/proto=http/impl=logbridge 1 1 ns/op 7600 collector-cpu-ns/record 3100 cpu-ns/record 204800 delivered/op 70000 delivered/s 10 idle-% 0 lost/op\n", "FAIL",
			"; logbridge run: CPU per record 7.60 µs in the collector, 3.10 µs in the sender, machine 10% idle; ceiling run: CPU per record 7.00 µs in the collector, 700.0 ns in the sender, machine 12% idle"},
		{"e2e: no ceiling", httpE2E,
			"BenchmarkE2E/proto=http/impl=logbridge 1 1 ns/op 204800 delivered/op 70000 delivered/s 0 lost/op\n", "not run", ""},
		{"scaling: 1.7x", scale,
			"BenchmarkConcurrent/impl=logbridge/goroutines=1 1000 1 ns/op 100000 records/s\n" +
				"BenchmarkConcurrent/impl=logbridge/goroutines=2 1000 1 ns/op 170000 records/s\n", "PASS", ""},
		{"scaling: 1.2x", scale,
			"BenchmarkConcurrent/impl=logbridge/goroutines=1 1000 1 ns/op 100000 records/s\n" +
				"BenchmarkConcurrent/impl=logbridge/goroutines=2 1000 1 ns/op 120000 records/s\n", "FAIL", ""},
		{"scaling: the alternating phases decide", scale,
			"BenchmarkConcurrent/impl=logbridge/goroutines=1 1000 1 ns/op 100000 records/s\n" +
				"BenchmarkConcurrent/impl=logbridge/goroutines=2 1000 1 ns/op 170000 records/s\n" +
				"BenchmarkConcurrent/impl=logbridge/goroutines=alternating 100 1 ns/op 100000 records/s-1 120000 records/s-2 1.2 scaling\n", "FAIL", ""},
		{"scaling: the machine's steal time shown", scale,
			"BenchmarkConcurrent/impl=logbridge/goroutines=1 1000 1 ns/op 100000 records/s\n" +
				"BenchmarkConcurrent/impl=logbridge/goroutines=2 1000 1 ns/op 120000 records/s\n" +
				"BenchmarkConcurrent/impl=logbridge/goroutines=alternating 100 1 ns/op 1 cores-1 1.3 cores-2 5000 cpu-ns/op-1 5200 cpu-ns/op-2 1.2 scaling 24.6 steal-%\n",
			"FAIL", "cores got with 2: 1.30; steal (the hypervisor's share of the machine's CPU time) 25%"},
		{"memory: more than the SDK", mem,
			"BenchmarkMemory/impl=sdk-batch 1 1 ns/op 700 B/record 670 heap-MiB 1000000 held/op\n" +
				"BenchmarkMemory/impl=logbridge 1 1 ns/op 850 B/record 810 heap-MiB 1000000 held/op\n", "FAIL", ""},
		{"memory: less than the SDK", mem,
			"BenchmarkMemory/impl=sdk-batch 1 1 ns/op 700 B/record 670 heap-MiB 1000000 held/op\n" +
				"BenchmarkMemory/impl=logbridge 1 1 ns/op 600 B/record 570 heap-MiB 1000000 held/op\n", "PASS", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := parse(strings.NewReader(tc.input))
			if err != nil {
				t.Fatal(err)
			}
			r := evaluate(res, goalNamed(t, tc.goal), "cpu-ns/op")
			if r.verdict != tc.verdict {
				t.Errorf("verdict %q, want %q (row %+v)", r.verdict, tc.verdict, r)
			}
			if !strings.Contains(r.ratio, tc.shows) {
				t.Errorf("ratio %q does not show %q", r.ratio, tc.shows)
			}
		})
	}
}

// TestPairedTurn: the report says how long BenchmarkPaired's turns were from what the results
// report, so that the text cannot drift from the benchmark's constant.
func TestPairedTurn(t *testing.T) {
	for _, tc := range []struct{ name, input, want string }{
		{"reported", "BenchmarkPaired/case=console/attrs=5 10 1 ns/op 500 logbridge-cpu-ns/op 1000 peer-cpu-ns/op 0.5 ratio 50 turn-ms\n", " of 50 ms"},
		{"not reported", "BenchmarkPaired/case=console/attrs=5 10 1 ns/op 0.5 ratio\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := parse(strings.NewReader(tc.input))
			if err != nil {
				t.Fatal(err)
			}
			if got := pairedTurn(res); got != tc.want {
				t.Errorf("pairedTurn = %q, want %q", got, tc.want)
			}
		})
	}
}
