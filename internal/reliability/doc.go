// Package reliability holds logbridge's fault, load, hostile-input and secrets tests: the
// whole pipeline (otellog.Setup with the console, file and OTLP sinks) against a real
// OpenTelemetry Collector (internal/collectortest) on 127.0.0.1. It has no code of its own;
// the tests prove the guarantees README.md lists under "Guarantees".
//
// # The tests
//
//   - faults_test.go: the collector absent at start (reports once per interval, not per
//     record; Shutdown within its deadline); killed mid-stream then restarted on the same
//     ports (received + reported undelivered = emitted, exactly; duplicates measured); an
//     export whose answer is lost (exactly that batch arrives twice); a log file whose writes
//     fail (every failure counted and reported).
//   - load_test.go: a slow collector behind a delaying TCP proxy (p50/p99/max latency of a
//     log call; no call blocks past otlpsink.DefaultMaxBlock, with a hang-guard margin), and
//     the heap while 1,000,000 records go to a dead endpoint (bounded by the queue size).
//   - hostile_test.go: hostile input for every sink (console, file text and JSON, OTLP through
//     the fan-out to the real collector): no panic, no hang, no forged line, output parseable.
//   - secrets_test.go: header values (whatever their syntax) and URL user info never appear in
//     any output; a short value does not garble the URL.
//   - delivery_test.go: the OTLP pipeline (otlpsink.NewPipeline, the real exporters) against
//     the real collector with its default limits (oversized bursts, a 10 MiB message, invalid
//     UTF-8, the balance with goroutines logging across Shutdown) and behind a fault-injecting
//     HTTP/gRPC proxy (otlpproxy_test.go): Retry-After and RetryInfo honoured, permanent
//     refusals tried once, too-large batches split, partial successes validated, an answer
//     held past the deadline counted as of unknown outcome; BenchmarkSplitCost.
//
// Scenarios where a clean process matters (process-wide state: OpenTelemetry's global error
// handler, slog's default, what reaches stderr) run as a child process: the test binary
// re-executed with RELIABILITY_CHILD naming the scenario (see main_test.go).
package reliability
