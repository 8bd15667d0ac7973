// Package collectortest runs a real OpenTelemetry Collector for logbridge's tests.
//
// The collector is the small distribution built from tools/otelcol (upstream
// components at v0.162.0). [Start] launches one on free 127.0.0.1 ports with a
// generated configuration, waits until it is ready and stops it when the test
// ends; the test then reads back what the collector received with
// [Collector.Logs], [Collector.Spans] and [Collector.WaitLogs].
//
//	c := collectortest.Start(t)
//	exp, _ := otlploghttp.New(ctx, otlploghttp.WithEndpointURL(c.HTTPEndpoint()+"/v1/logs"))
//	// ... emit records ...
//	recs := c.WaitLogs(t, 3, 10*time.Second)
//
// # The binary
//
// The binary is taken from $LOGBRIDGE_OTELCOL (the Makefile exports it) or,
// when that is unset, from <module root>/.cache/otelcol/otelcol. When it is
// missing or older than the sources in tools/otelcol, the first test that needs
// it builds it with `go build` (about two minutes from a cold module cache),
// under a file lock so that test packages running in parallel build it once.
// A collector that cannot be built fails the test with the build output; tests
// are never skipped for want of a collector.
//
// The binary holds these components, and a configuration it runs or validates
// (such as the one under deploy/) may use only these:
//
//	receivers:  otlp
//	processors: batch, memory_limiter, resource
//	exporters:  file, debug, otlp_grpc (alias otlp), otlp_http (alias otlphttp), nop
//	extensions: bearertokenauth, health_check, zpages
//	providers:  env, file, yaml
//
// [Validate] runs `otelcol validate --config=FILE`; from a shell or the
// Makefile the same check is `make otelcol && .cache/otelcol/otelcol validate --config=FILE`.
//
// # The generated configuration
//
// The otlp receiver listens for http and grpc on 127.0.0.1 only. Each signal
// (logs, traces, metrics) goes to its own file exporter writing OTLP JSON, one
// export request per line, into the test's temporary directory. The collector's
// own metrics are turned off (so parallel collectors never fight over :8888),
// and its own log goes to stderr, which is printed into the test log when the
// test fails.
//
// By default there is no batch processor: the file exporter writes a request to
// the file before the receiver answers it, so every record a client saw
// acknowledged is in the file, even when the collector is killed right after
// (the fault tests count on that: received + reported undelivered = emitted).
// [WithBatchProcessor] adds one, as a production pipeline has, at the price of
// losing acknowledged records on [Collector.Kill].
//
// # Headers
//
// [WithRequiredHeader] makes the receiver reject (HTTP 401, gRPC
// Unauthenticated) every request that does not carry a header with exactly the
// given value, using the bearertokenauth extension with a custom header name and
// no scheme. A test that sets OTEL_EXPORTER_OTLP_HEADERS then proves the header
// arrived by its records arriving, and proves the check is live by a request
// without it being refused. The receiver takes one authenticator, so one header
// can be required per collector.
//
// # Restarts
//
// [Collector.Kill] and [Collector.Stop] end the process; [Collector.Restart]
// starts it again on the same ports. Each run writes files of its own, and the
// readers return the records of every run, in order. A line cut short by a kill
// is ignored.
package collectortest
