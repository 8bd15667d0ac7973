package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/logbridge/logbridge/httplog"
	"github.com/logbridge/logbridge/internal/collectortest"
	"github.com/logbridge/logbridge/internal/testkit"
	"github.com/logbridge/logbridge/vocab"
)

// Bounds of the waits in TestEndToEnd. They only bound loops that end as soon as their
// condition holds; nothing is asserted about how long anything took.
const (
	buildTimeout = 10 * time.Minute
	startTimeout = time.Minute
	driveTimeout = 3 * time.Minute
	exitTimeout  = time.Minute
	pollEvery    = 20 * time.Millisecond
)

// OTLP span kinds, as collectortest reports them.
const (
	kindServer = 2
	kindClient = 3
)

// rounds is how many rounds of the scenario the test drives.
const rounds = 2

// TestEndToEnd runs the example as a user would, against a real OpenTelemetry Collector: the
// service (built with -race) serves, the same binary in -drive mode sends two rounds of the
// scenario, SIGTERM shuts the service down. Then what the collector received must tell one
// story: the driver's client spans are the parents of the service's server spans, and every
// log line written for a request, in every category, carries that request's trace id.
func TestEndToEnd(t *testing.T) {
	c := collectortest.Start(t)
	bin := buildExample(t)
	dir := t.TempDir()
	env := append(cleanEnv(),
		"OTEL_EXPORTER_OTLP_ENDPOINT="+c.HTTPEndpoint(),
		"DEMO_LOGGING=all=debug",
		"DEMO_LOG_COLOR=never",
		"DEMO_LOG_FILE="+filepath.Join(dir, "httpserver.log"),
	)

	// The service, on a free port it reports through -addr-file.
	addrFile := filepath.Join(dir, "addr")
	var serverOut testkit.SyncBuffer
	server := exec.Command(bin, "-addr", "127.0.0.1:0", "-addr-file", addrFile, "-latency", "2ms")
	server.Env = env
	server.Stdout, server.Stderr = &serverOut, &serverOut
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	var waitErr error
	exited := make(chan struct{}) // closed when the service has exited; waitErr is set then
	go func() { waitErr = server.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = server.Process.Kill()
		select {
		case <-exited:
		case <-time.After(exitTimeout):
		}
		if t.Failed() {
			t.Logf("service output:\n%s", serverOut.String())
		}
	})
	addr := waitAddr(t, addrFile, exited, &waitErr)

	// The driver: the scenario, twice, through the otelhttp client transport.
	ctx, cancel := context.WithTimeout(context.Background(), driveTimeout)
	defer cancel()
	drive := exec.CommandContext(ctx, bin, "-drive", "http://"+addr, "-n", strconv.Itoa(rounds), "-wait", "30s")
	drive.Env = env
	out, err := drive.CombinedOutput()
	if err != nil {
		t.Fatalf("driver failed: %v\n%s", err, out)
	}

	// Graceful shutdown: exit 0 after flushing spans and logs.
	if err := server.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		if waitErr != nil {
			t.Fatalf("service exited with %v after SIGTERM", waitErr)
		}
	case <-time.After(exitTimeout):
		t.Fatalf("service still running %s after SIGTERM", exitTimeout)
	}
	for name, o := range map[string]string{"service": serverOut.String(), "driver": string(out)} {
		if strings.Contains(o, "not delivered") || strings.Contains(o, "OpenTelemetry error") {
			t.Errorf("%s reported lost telemetry:\n%s", name, o)
		}
	}

	// Both processes flushed before exiting, and the test collector writes a request to its
	// file before acknowledging it: everything is there. The waits only guard against a
	// reader seeing the last line half written.
	requests := rounds * len(scenario)
	spans := c.WaitSpans(t, 3*requests, startTimeout)
	logs := c.WaitLogs(t, 5*requests, startTimeout)
	checkSpans(t, spans, requests)
	checkLogs(t, logs, spans)
	checkFile(t, filepath.Join(dir, "httpserver.log"))
}

// checkSpans: every request has a driver root span, a client span under it and a server span
// under that, all in one trace; the steps of the service are child spans in the same trace.
func checkSpans(t *testing.T, spans []collectortest.Span, requests int) {
	t.Helper()
	byID := map[string]collectortest.Span{}
	for _, s := range spans {
		byID[s.SpanID] = s
	}
	var server, client []collectortest.Span
	names := map[string]int{}
	for _, s := range spans {
		names[s.Name]++
		switch s.Kind {
		case kindServer:
			server = append(server, s)
		case kindClient:
			client = append(client, s)
		}
	}
	if len(server) != requests || len(client) != requests {
		t.Fatalf("%d server and %d client spans, want %d of each (span names: %v)", len(server), len(client), requests, names)
	}
	for _, s := range server {
		if got := s.Resource["service.name"]; got != "httpserver" {
			t.Errorf("server span %q: service.name %v, want httpserver", s.Name, got)
		}
		if s.Name != "POST "+routeChat && s.Name != "POST "+routeStream {
			t.Errorf("server span named %q, want the route", s.Name)
		}
		parent, ok := byID[s.ParentSpanID]
		if !ok || parent.Kind != kindClient || parent.TraceID != s.TraceID {
			t.Errorf("server span %q (trace %s): parent %q is not a client span of the same trace", s.Name, s.TraceID, s.ParentSpanID)
			continue
		}
		if got := parent.Resource["service.name"]; got != "httpserver-driver" {
			t.Errorf("client span: service.name %v, want httpserver-driver", got)
		}
		root, ok := byID[parent.ParentSpanID]
		if !ok || !strings.HasPrefix(root.Name, "drive ") || root.ParentSpanID != "" {
			t.Errorf("client span of trace %s: parent %q is not the driver's root span", s.TraceID, parent.ParentSpanID)
		}
	}
	// The service's steps, each a child span in its request's trace.
	serverTraces := traceSet(server)
	for _, name := range []string{"safety.check", "inference.generate", "inference.stream", "tools.search", "tools.broken"} {
		if names[name] == 0 {
			t.Errorf("no %q span (span names: %v)", name, names)
		}
	}
	for _, s := range spans {
		if strings.Contains(s.Name, ".") && !serverTraces[s.TraceID] {
			t.Errorf("span %q is in trace %s, which has no server span", s.Name, s.TraceID)
		}
	}
	// The error path: a 500 is an error on the server span; the failing tool's span says why.
	var failed int
	for _, s := range server {
		if s.StatusCode == 2 {
			failed++
		}
	}
	if failed != rounds {
		t.Errorf("%d server spans with error status, want %d (one error path per round)", failed, rounds)
	}
}

// checkLogs: every log line written for a request carries a trace id the collector has spans
// for; the four service categories and the driver's all arrive; the error path's error is
// an ERROR with the error value; each streamed chunk has its line.
func checkLogs(t *testing.T, logs []collectortest.LogRecord, spans []collectortest.Span) {
	t.Helper()
	traces := traceSet(spans)
	var server []collectortest.Span
	for _, s := range spans {
		if s.Kind == kindServer {
			server = append(server, s)
		}
	}
	serverTraces := traceSet(server)

	byCategory := map[string]int{}
	requestLogsPerTrace := map[string]int{}
	for _, r := range logs {
		cat, _ := r.Attributes[vocab.AttrCategory].(string)
		byCategory[cat]++
		if _, ok := r.Attributes[vocab.AttrLevel].(string); !ok {
			t.Errorf("record %q has no %s attribute", r.Body, vocab.AttrLevel)
		}
		if r.Scope == loggerMain {
			continue // start-up, shutdown, the driver's summary: outside any request
		}
		if r.TraceID == "" {
			t.Errorf("request log %q (%s, %s) has no trace id", r.Body, r.Scope, cat)
			continue
		}
		if !traces[r.TraceID] {
			t.Errorf("request log %q (%s) has trace id %s, which no span the collector received has", r.Body, r.Scope, r.TraceID)
		}
		if cat != catDriver {
			if !serverTraces[r.TraceID] {
				t.Errorf("service log %q (%s) has trace id %s, which has no server span", r.Body, r.Scope, r.TraceID)
			}
			if got := r.Resource["service.name"]; got != "httpserver" {
				t.Errorf("service log %q: service.name %v, want httpserver", r.Body, got)
			}
			requestLogsPerTrace[r.TraceID]++
		} else if got := r.Resource["service.name"]; got != "httpserver-driver" {
			t.Errorf("driver log %q: service.name %v, want httpserver-driver", r.Body, got)
		}
	}
	for _, cat := range categories {
		if byCategory[cat] == 0 {
			t.Errorf("no log records in category %q (by category: %v)", cat, byCategory)
		}
	}
	for tr := range serverTraces {
		if requestLogsPerTrace[tr] == 0 {
			t.Errorf("the request of trace %s wrote no log line the collector received", tr)
		}
	}

	// The error path: an ERROR of the server category with the error value as exception.
	errorName := vocab.LevelName(slog.LevelError)
	var errs, failedRequests int
	for _, r := range logs {
		if r.Scope != loggerHTTP || r.SeverityText != errorName {
			continue
		}
		if r.Body == httplog.MsgRequest { // the access line of the failed request: 5xx is ERROR
			failedRequests++
			continue
		}
		errs++
		if msg, _ := r.Attributes["exception.message"].(string); !strings.Contains(msg, "connection refused") {
			t.Errorf("error record %q: exception.message %q, want the tool's error", r.Body, msg)
		}
		if r.Body != "chat failed" {
			t.Errorf("error record body %q, want the message without its markup", r.Body)
		}
		if !slices.ContainsFunc(server, func(s collectortest.Span) bool { return s.TraceID == r.TraceID && s.StatusCode == 2 }) {
			t.Errorf("error record's trace %s has no server span with error status", r.TraceID)
		}
	}
	if errs != rounds || failedRequests != rounds {
		t.Errorf("%d ERROR records of %s and %d ERROR access lines, want %d of each", errs, loggerHTTP, failedRequests, rounds)
	}

	// Streaming: one "stream chunk sent" line per chunk, in the stream's trace.
	chunks := map[string]int{}
	for _, r := range logs {
		if r.Body == "stream chunk sent" {
			chunks[r.TraceID]++
		}
	}
	var streams int
	for _, s := range spans {
		if s.Name != "inference.stream" {
			continue
		}
		streams++
		want, _ := s.Attributes["stream.chunks"].(int64)
		if want == 0 || int64(chunks[s.TraceID]) != want {
			t.Errorf("stream of trace %s: %d chunk lines, want %d", s.TraceID, chunks[s.TraceID], want)
		}
	}
	if streams != rounds {
		t.Errorf("%d streams, want %d", streams, rounds)
	}
}

// checkFile: the service's plain file has its request lines, with their trace ids.
func checkFile(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var chat, withTrace int
	for line := range strings.SplitSeq(string(data), "\n") {
		if strings.Contains(line, "request served") {
			chat++
			if strings.Contains(line, "trace") {
				withTrace++
			}
		}
	}
	if chat == 0 || withTrace != chat {
		t.Errorf("file %s: %d request lines, %d with a trace id; want all of them:\n%s", path, chat, withTrace, data)
	}
}

func traceSet(spans []collectortest.Span) map[string]bool {
	m := map[string]bool{}
	for _, s := range spans {
		m[s.TraceID] = true
	}
	return m
}

// buildExample builds this package with the race detector into the test's temporary directory.
func buildExample(t *testing.T) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		// `go test` puts its own toolchain first on PATH; without it, try $GOROOT.
		goCmd = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "httpserver")
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd, "build", "-race", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build -race: %v\n%s", err, out)
	}
	return bin
}

// cleanEnv is the test's environment without the OTEL_* and DEMO_* variables a developer may
// have set, so that only the test's settings apply.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OTEL_") && !strings.HasPrefix(kv, "DEMO_") {
			env = append(env, kv)
		}
	}
	return env
}

// waitAddr waits until the service has written its address, failing if it exits first.
func waitAddr(t *testing.T, path string, exited <-chan struct{}, waitErr *error) string {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for {
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 {
			return string(b)
		} else if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		select {
		case <-exited:
			t.Fatalf("service exited before listening: %v", *waitErr)
		case <-time.After(pollEvery):
		}
		if time.Now().After(deadline) {
			t.Fatalf("service did not listen within %s", startTimeout)
		}
	}
}
