// Command httpserver is a small chat-like HTTP service instrumented with OpenTelemetry, whose
// logs go through logbridge: a colored console, an optional file, and OTLP to a collector,
// where each log line sits next to the trace of the request that wrote it.
//
// Every request gets a server span from otelhttp and child spans for its steps (a safety
// check, an optional tool call, the "inference"); every log line of the request is written
// with the request's context, so it carries the trace id, in one of four categories:
// server, inference, safety and tools.
//
// # Endpoints
//
//	POST /v1/chat          {"prompt": "...", "tool": "search"} -> {"reply": ..., "trace_id": ...}
//	POST /v1/chat/stream   the same, answered as server-sent events, one log line per chunk
//	GET  /healthz          200 ok (not traced, not logged)
//	GET|PUT /debug/levels  the category levels (otellog's LevelHandler)
//
// A prompt containing "password" is refused (422, a warning of the safety category); the tool
// "broken" fails (500, an error with its error value, a span with error status).
//
// # Running
//
//	go run ./examples/httpserver                                 # serve on 127.0.0.1:8080
//	go run ./examples/httpserver -drive http://127.0.0.1:8080 -n 5
//
// With -drive URL the same binary is the traffic driver: it waits for URL/healthz, then sends
// -n rounds of the scenario (two plain requests, a streaming one, two refused ones and the
// error path; -n 0 sends rounds until interrupted, -interval apart) through an otelhttp client
// transport, so client spans join the service's traces. It exits 1 if any request got an
// unexpected status.
//
// # Metrics
//
// The service records the request metrics of otelhttp (http.server.request.duration and the
// body sizes; the driver http.client.request.duration) and, for its fake inference, the
// GenAI metrics of the semantic conventions: the gen_ai.client.token.usage histogram (by
// gen_ai.token.type input and output, with gen_ai.operation.name, gen_ai.provider.name and
// gen_ai.request.model) and gen_ai.client.operation.duration. They go through the global
// MeterProvider, which logbridge's own pipeline metrics use as well.
//
// Spans, metrics and logs go to OTLP over http/protobuf at http://localhost:4318 unless the
// standard OTEL_* variables say otherwise (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME,
// OTEL_SDK_DISABLED, OTEL_METRICS_EXPORTER, OTEL_METRIC_EXPORT_INTERVAL, ...; logs may also
// use grpc, this example's traces and metrics only http/protobuf). Logging reads the DEMO_* variables: DEMO_LOGGING="inference=debug",
// DEMO_LOG_FILE=/tmp/httpserver.log and the rest of logbridge's settings. The listen address
// is -addr, else $DEMO_ADDR, else 127.0.0.1:8080. SIGINT or SIGTERM shut the service down
// gracefully: in-flight requests finish, then spans and logs are flushed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"go.opentelemetry.io/otel"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/logbridge/logbridge/otellog"
	"github.com/logbridge/logbridge/otlpsink"
)

// Defaults of the command line.
const (
	defaultAddr     = "127.0.0.1:8080"
	envAddr         = "DEMO_ADDR"
	envPrefix       = "DEMO"
	shutdownTimeout = 10 * time.Second
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// options are the parsed command line.
type options struct {
	addr     string
	addrFile string
	latency  time.Duration
	drive    driveConfig
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	fs := flag.NewFlagSet("httpserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := defaultAddr
	if v := os.Getenv(envAddr); v != "" {
		addr = v
	}
	var o options
	fs.StringVar(&o.addr, "addr", addr, "listen address (default $"+envAddr+", else "+defaultAddr+")")
	fs.StringVar(&o.addrFile, "addr-file", "", "write the address actually listened on to this file once serving (for -addr with port 0)")
	fs.DurationVar(&o.latency, "latency", 40*time.Millisecond, "simulated work of each step of a request")
	fs.StringVar(&o.drive.baseURL, "drive", "", "act as the traffic driver against this base URL instead of serving")
	fs.IntVar(&o.drive.rounds, "n", 5, "driver: rounds of the scenario to send (6 requests each); 0: until interrupted")
	fs.DurationVar(&o.drive.interval, "interval", 0, "driver: pause between rounds")
	fs.DurationVar(&o.drive.wait, "wait", 30*time.Second, "driver: how long to wait for the service's /healthz")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if o.drive.rounds < 0 {
		return o, fmt.Errorf("-n %d: want 0 (until interrupted) or more", o.drive.rounds)
	}
	return o, nil
}

// run is the whole program; it returns the exit code.
func run(args []string, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "httpserver:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	serviceName := "httpserver"
	if o.drive.baseURL != "" {
		serviceName = "httpserver-driver"
	}
	// Logs and traces carry the same resource, so Grafana can match them by service_name.
	res, err := otlpsink.DetectResource(ctx, serviceName)
	if err != nil {
		// Partial resources are usable: the attributes that could be read apply.
		fmt.Fprintln(stderr, "httpserver: resource:", err)
	}
	tp, traceDest, err := newTracerProvider(ctx, res)
	if err != nil {
		fmt.Fprintln(stderr, "httpserver:", err)
		return 1
	}
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagator)
	// Metrics: the global MeterProvider, so that otelhttp's request metrics and logbridge's
	// pipeline metrics use it too. Set before otellog.Setup, which takes the global one.
	mp, metricDest, err := newMeterProvider(ctx, res)
	if err != nil {
		fmt.Fprintln(stderr, "httpserver:", err)
		_ = tp.Shutdown(context.Background())
		return 1
	}
	otel.SetMeterProvider(mp)
	defer shutdownMeterProvider(mp, stderr) // deferred first: runs after flush, so it exports the flush's counts too

	// One resource for both signals, so that logs and spans name the same service.
	lb, err := otellog.Setup(ctx,
		otellog.WithEnvPrefix(envPrefix),
		otellog.WithCategories(categories...),
		otellog.WithOTLPOptions(otlpsink.WithResource(res)),
	)
	if err != nil {
		fmt.Fprintln(stderr, "httpserver:", err)
		_ = tp.Shutdown(context.Background())
		return 1
	}
	log := lb.MustLogger(loggerMain, catServer)
	defer flush(log, lb, tp)
	log.Info("exporting metrics", "metrics", metricDest)

	if o.drive.baseURL != "" {
		d := newDriver(o.drive, lb.MustLogger(loggerDriver, catDriver), log, tp)
		log.Info("driving traffic", "url", o.drive.baseURL, "rounds", o.drive.rounds, "traces", traceDest)
		if err := d.run(ctx); err != nil {
			log.Error("driver failed", "error", err)
			return 1
		}
		return 0
	}
	if err := serve(ctx, o, lb, tp, log, traceDest); err != nil {
		log.Error("server failed", "error", err)
		return 1
	}
	return 0
}

// serve runs the service until ctx ends, then shuts it down gracefully.
func serve(ctx context.Context, o options, lb *otellog.Bridge, tp *sdktrace.TracerProvider, log *slog.Logger, traceDest string) error {
	svc := newService(lb, tp, o.latency)
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           svc.handler(lb.LevelHandler()),
		ReadHeaderTimeout: 5 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	addr := ln.Addr().String()
	log.Info("[bold]listening[/bold] on http://"+addr, "addr", addr, "traces", traceDest, "levels", "http://"+addr+routeLevels)
	if o.addrFile != "" {
		if err := writeFileAtomic(o.addrFile, addr); err != nil {
			_ = srv.Close()
			return err
		}
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	return nil
}

// flush ends the tracer provider, then the logging bridge, each within half of
// shutdownTimeout, so that every span and log record of the run is exported (or reported as
// undelivered), and an unreachable collector, which the span exporter retries until its
// deadline, leaves the logs their own time.
func flush(log *slog.Logger, lb *otellog.Bridge, tp *sdktrace.TracerProvider) {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout/2)
	defer cancel()
	if err := tp.Shutdown(ctx); err != nil {
		log.Error("flushing spans", "error", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), shutdownTimeout/2)
	defer cancel()
	if err := lb.Shutdown(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "httpserver: flushing logs:", err)
	}
}

// shutdownMeterProvider exports the metrics not yet exported and stops the MeterProvider,
// within half of shutdownTimeout. It runs after the logging bridge has shut down, so it
// reports on stderr.
func shutdownMeterProvider(mp *sdkmetric.MeterProvider, stderr io.Writer) {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout/2)
	defer cancel()
	if err := mp.Shutdown(ctx); err != nil {
		fmt.Fprintln(stderr, "httpserver: flushing metrics:", err)
	}
}

// writeFileAtomic writes data to path through a temporary file renamed into place, so a
// reader polling for path never sees it half written.
func writeFileAtomic(path, data string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".addr-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
