package collectortest_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	"go.opentelemetry.io/otel/trace"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/logbridge/logbridge/internal/benchutil"
	"github.com/logbridge/logbridge/internal/collectortest"
)

const wait = 30 * time.Second

func testResource(t *testing.T) *resource.Resource {
	t.Helper()
	return resource.NewSchemaless(attribute.String("service.name", "collectortest-"+t.Name()))
}

// record builds an SDK record for exporting directly, outside a logger.
func record(body string) sdklog.Record {
	var r sdklog.Record
	r.SetTimestamp(time.Now())
	r.SetSeverity(log.SeverityInfo)
	r.SetSeverityText("INFO")
	r.SetBody(attribute.StringValue(body))
	return r
}

// export sends one record through exp and returns the exporter's error.
func export(t *testing.T, exp sdklog.Exporter, body string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	return exp.Export(ctx, []sdklog.Record{record(body)})
}

func shutdown(t *testing.T, s interface{ Shutdown(context.Context) error }) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

func bodies(recs []collectortest.LogRecord) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.Body)
	}
	return out
}

// TestHTTPLogsAndSpans sends log records (one inside a span) and the span over
// OTLP/HTTP with the SDK and reads them back from the collector's files.
func TestHTTPLogsAndSpans(t *testing.T) {
	t.Parallel()
	c := collectortest.Start(t)
	ctx := context.Background()
	res := testResource(t)

	lexp, err := otlploghttp.New(ctx, otlploghttp.WithEndpointURL(c.HTTPEndpoint()+"/v1/logs"))
	if err != nil {
		t.Fatal(err)
	}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(lexp)), sdklog.WithResource(res))
	logger := lp.Logger("app/core")

	tid, sid := trace.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, trace.SpanID{1, 2, 3, 4, 5, 6, 7, 8}
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled})
	sctx := trace.ContextWithSpanContext(ctx, sc)
	var r log.Record
	r.SetTimestamp(time.Unix(1700000000, 123))
	r.SetSeverity(log.SeverityWarn)
	r.SetSeverityText("WARN")
	r.SetBody(attribute.StringValue("in span"))
	r.AddAttributes(
		attribute.String("log.category", "core"),
		attribute.Int64("n", 1<<40),
		attribute.Float64("f", 1.5),
		attribute.Bool("ok", true),
		attribute.ByteSlice("raw", []byte{0, 1, 2}),
		attribute.StringSlice("list", []string{"a", "b"}),
		attribute.Map("group", attribute.String("k", "v")),
	)
	logger.Emit(sctx, r)
	postSpan(t, c.HTTPEndpoint()+"/v1/traces", "collectortest-"+t.Name(), "app/tracer", &tracepb.Span{
		TraceId: tid[:], SpanId: sid[:], Name: "handle request",
		StartTimeUnixNano: 1700000000_000000000, EndTimeUnixNano: 1700000001_000000000,
	})
	for _, b := range []string{"second", "third"} {
		var r log.Record
		r.SetSeverity(log.SeverityError)
		r.SetBody(attribute.StringValue(b))
		logger.Emit(ctx, r)
	}
	shutdown(t, lp)

	recs := c.WaitLogs(t, 3, wait)
	if got := bodies(recs); strings.Join(got, ",") != "in span,second,third" {
		t.Fatalf("bodies = %q", got)
	}
	first := recs[0]
	if first.TraceID != sc.TraceID().String() || first.SpanID != sc.SpanID().String() {
		t.Errorf("trace/span = %s/%s, want %s/%s", first.TraceID, first.SpanID, sc.TraceID(), sc.SpanID())
	}
	if first.Scope != "app/core" || first.SeverityNumber != int(log.SeverityWarn) || first.SeverityText != "WARN" {
		t.Errorf("scope %q severity %d %q", first.Scope, first.SeverityNumber, first.SeverityText)
	}
	if !first.Time.Equal(time.Unix(1700000000, 123)) {
		t.Errorf("time = %v", first.Time)
	}
	if got := first.Resource["service.name"]; got != "collectortest-"+t.Name() {
		t.Errorf("service.name = %v", got)
	}
	a := first.Attributes
	if a["log.category"] != "core" || a["n"] != int64(1<<40) || a["f"] != 1.5 || a["ok"] != true {
		t.Errorf("scalar attributes = %#v", a)
	}
	if raw, _ := a["raw"].([]byte); string(raw) != "\x00\x01\x02" {
		t.Errorf("raw = %#v", a["raw"])
	}
	if l, _ := a["list"].([]any); len(l) != 2 || l[0] != "a" || l[1] != "b" {
		t.Errorf("list = %#v", a["list"])
	}
	if g, _ := a["group"].(map[string]any); g["k"] != "v" {
		t.Errorf("group = %#v", a["group"])
	}
	if recs[1].TraceID != "" || recs[1].SeverityNumber != int(log.SeverityError) {
		t.Errorf("second record: trace %q severity %d", recs[1].TraceID, recs[1].SeverityNumber)
	}

	spans := c.WaitSpans(t, 1, wait)
	s := spans[0]
	if s.Name != "handle request" || s.TraceID != sc.TraceID().String() || s.SpanID != sc.SpanID().String() ||
		s.Scope != "app/tracer" || s.Resource["service.name"] != "collectortest-"+t.Name() || s.ParentSpanID != "" {
		t.Errorf("span = %+v", s)
	}
	if !s.Start.Equal(time.Unix(1700000000, 0)) || !s.End.Equal(time.Unix(1700000001, 0)) {
		t.Errorf("span times %v .. %v", s.Start, s.End)
	}
}

// postSpan sends span over OTLP/HTTP as an SDK's exporter does (a protobuf
// ExportTraceServiceRequest, POST to url), under a resource with service and a scope. Built by
// hand: the library module does not require a trace exporter.
func postSpan(t *testing.T, url, service, scope string, span *tracepb.Span) {
	t.Helper()
	body, err := proto.Marshal(&coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{{
		Resource: &resourcepb.Resource{Attributes: []*commonpb.KeyValue{{
			Key: "service.name", Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: service}},
		}}},
		ScopeSpans: []*tracepb.ScopeSpans{{Scope: &commonpb.InstrumentationScope{Name: scope}, Spans: []*tracepb.Span{span}}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %s", url, resp.Status)
	}
}

// TestGRPCLogs sends log records over OTLP/gRPC.
func TestGRPCLogs(t *testing.T) {
	t.Parallel()
	c := collectortest.Start(t)
	exp, err := otlploggrpc.New(context.Background(), otlploggrpc.WithEndpoint(c.GRPCEndpoint()), otlploggrpc.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(exp)), sdklog.WithResource(testResource(t)))
	for _, b := range []string{"grpc one", "grpc two"} {
		var r log.Record
		r.SetBody(attribute.StringValue(b))
		r.AddAttributes(attribute.String("log.level", "info"))
		lp.Logger("grpc").Emit(context.Background(), r)
	}
	shutdown(t, lp)
	recs := c.WaitLogs(t, 2, wait)
	if got := bodies(recs); strings.Join(got, ",") != "grpc one,grpc two" {
		t.Fatalf("bodies = %q", got)
	}
	if recs[0].Attributes["log.level"] != "info" || recs[0].Scope != "grpc" {
		t.Errorf("record = %+v", recs[0])
	}
}

// TestRequiredHeader shows the header check: without the header the receiver
// refuses the export, with it the records arrive, over http and grpc.
func TestRequiredHeader(t *testing.T) {
	t.Parallel()
	const name, value = "X-Logbridge-Test", "s3cret value"
	c := collectortest.Start(t, collectortest.WithRequiredHeader(name, value))
	ctx := context.Background()

	noHeader, err := otlploghttp.New(ctx, otlploghttp.WithEndpointURL(c.HTTPEndpoint()+"/v1/logs"))
	if err != nil {
		t.Fatal(err)
	}
	if err := export(t, noHeader, "http without header"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("http export without the header: err = %v, want a 401", err)
	}
	wrong, err := otlploghttp.New(ctx, otlploghttp.WithEndpointURL(c.HTTPEndpoint()+"/v1/logs"),
		otlploghttp.WithHeaders(map[string]string{name: "wrong"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := export(t, wrong, "http with wrong value"); err == nil {
		t.Error("http export with a wrong header value succeeded")
	}
	withHeader, err := otlploghttp.New(ctx, otlploghttp.WithEndpointURL(c.HTTPEndpoint()+"/v1/logs"),
		otlploghttp.WithHeaders(map[string]string{name: value}))
	if err != nil {
		t.Fatal(err)
	}
	if err := export(t, withHeader, "http with header"); err != nil {
		t.Errorf("http export with the header: %v", err)
	}

	gNoHeader, err := otlploggrpc.New(ctx, otlploggrpc.WithEndpoint(c.GRPCEndpoint()), otlploggrpc.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	if err := export(t, gNoHeader, "grpc without header"); err == nil || !strings.Contains(err.Error(), "Unauthenticated") {
		t.Errorf("grpc export without the header: err = %v, want Unauthenticated", err)
	}
	gWithHeader, err := otlploggrpc.New(ctx, otlploggrpc.WithEndpoint(c.GRPCEndpoint()), otlploggrpc.WithInsecure(),
		otlploggrpc.WithHeaders(map[string]string{name: value}))
	if err != nil {
		t.Fatal(err)
	}
	if err := export(t, gWithHeader, "grpc with header"); err != nil {
		t.Errorf("grpc export with the header: %v", err)
	}
	for _, e := range []sdklog.Exporter{noHeader, wrong, withHeader, gNoHeader, gWithHeader} {
		shutdown(t, e)
	}

	c.WaitLogs(t, 2, wait)
	time.Sleep(200 * time.Millisecond) // let a wrongly accepted record show up too
	recs := c.Logs()
	if got := bodies(recs); strings.Join(got, ",") != "http with header,grpc with header" {
		t.Errorf("bodies = %q, want only those sent with the header", got)
	}
}

// TestHeadersFromEnv shows the route the OTLP sink's tests take: the header
// comes from OTEL_EXPORTER_OTLP_HEADERS, read by the SDK exporter.
func TestHeadersFromEnv(t *testing.T) {
	c := collectortest.Start(t, collectortest.WithRequiredHeader("Authorization", "Bearer tok-123"))
	t.Setenv("OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer%20tok-123")
	exp, err := otlploghttp.New(context.Background(), otlploghttp.WithEndpointURL(c.HTTPEndpoint()+"/v1/logs"))
	if err != nil {
		t.Fatal(err)
	}
	if err := export(t, exp, "from env"); err != nil {
		t.Fatalf("export with headers from the environment: %v", err)
	}
	shutdown(t, exp)
	if got := bodies(c.WaitLogs(t, 1, wait)); got[0] != "from env" {
		t.Errorf("bodies = %q", got)
	}
}

// TestKillRestart kills the collector, checks its port is closed, restarts it
// on the same ports and reads the records of both runs.
func TestKillRestart(t *testing.T) {
	t.Parallel()
	c := collectortest.Start(t)
	httpEndpoint, grpcEndpoint := c.HTTPEndpoint(), c.GRPCEndpoint()
	exp, err := otlploghttp.New(context.Background(), otlploghttp.WithEndpointURL(httpEndpoint+"/v1/logs"),
		otlploghttp.WithRetry(otlploghttp.RetryConfig{Enabled: false}))
	if err != nil {
		t.Fatal(err)
	}
	defer shutdown(t, exp)
	if err := export(t, exp, "before kill"); err != nil {
		t.Fatal(err)
	}
	pid := c.PID()
	if pid == 0 {
		t.Fatal("PID() = 0 for a running collector")
	}
	if _, ok := benchutil.ProcessTime(pid); !ok && runtime.GOOS == "linux" {
		t.Fatalf("PID() = %d: no such process", pid)
	}
	c.Kill()
	c.Kill() // idempotent
	if got := c.PID(); got != 0 {
		t.Errorf("PID() of a killed collector = %d, want 0", got)
	}
	if conn, err := net.DialTimeout("tcp", strings.TrimPrefix(httpEndpoint, "http://"), time.Second); err == nil {
		conn.Close()
		t.Fatal("the killed collector's port still accepts connections")
	}
	if err := export(t, exp, "during outage"); err == nil {
		t.Error("export to a killed collector succeeded")
	}
	if err := c.Restart(); err != nil {
		t.Fatal(err)
	}
	if got := c.PID(); got == 0 || got == pid {
		t.Errorf("PID() after Restart = %d (before: %d), want the new process's", got, pid)
	}
	if c.HTTPEndpoint() != httpEndpoint || c.GRPCEndpoint() != grpcEndpoint {
		t.Fatalf("endpoints moved: %s %s -> %s %s", httpEndpoint, grpcEndpoint, c.HTTPEndpoint(), c.GRPCEndpoint())
	}
	if err := export(t, exp, "after restart"); err != nil {
		t.Fatal(err)
	}
	if got := bodies(c.WaitLogs(t, 2, wait)); strings.Join(got, ",") != "before kill,after restart" {
		t.Errorf("bodies = %q", got)
	}
	c.Stop()
	c.Stop() // idempotent
	if got := len(c.Logs()); got != 2 {
		t.Errorf("after Stop: %d records, want 2", got)
	}
}

// TestBatchAndExtraConfig runs with the batch processor and a merged extra
// configuration that adds the debug exporter to the logs pipeline.
func TestBatchAndExtraConfig(t *testing.T) {
	t.Parallel()
	c := collectortest.Start(t, collectortest.WithBatchProcessor(), collectortest.WithConfig(`
exporters:
  debug:
    verbosity: basic
service:
  pipelines:
    logs:
      exporters: [file/logs, debug]
`))
	exp, err := otlploghttp.New(context.Background(), otlploghttp.WithEndpointURL(c.HTTPEndpoint()+"/v1/logs"))
	if err != nil {
		t.Fatal(err)
	}
	if err := export(t, exp, "batched"); err != nil {
		t.Fatal(err)
	}
	shutdown(t, exp)
	if got := bodies(c.WaitLogs(t, 1, wait)); got[0] != "batched" {
		t.Errorf("bodies = %q", got)
	}
	// The debug exporter logs to the collector's stderr (bounded wait).
	deadline := time.Now().Add(wait)
	for !strings.Contains(c.Stderr(), "debug") || !strings.Contains(c.Stderr(), "log records") {
		if time.Now().After(deadline) {
			t.Fatalf("the debug exporter from the extra config did not run; collector log:\n%s", c.Stderr())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestValidate checks a generated configuration and a broken one.
func TestValidate(t *testing.T) {
	t.Parallel()
	c := collectortest.Start(t)
	c.Stop()
	if err := collectortest.Validate(c.ConfigPath()); err != nil {
		t.Errorf("generated config: %v", err)
	}
	bad := t.TempDir() + "/bad.yaml"
	writeFile(t, bad, `
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:0
exporters:
  kafka: {}
service:
  pipelines:
    logs:
      receivers: [otlp]
      exporters: [kafka]
`)
	err := collectortest.Validate(bad)
	if err == nil || !strings.Contains(err.Error(), "kafka") {
		t.Errorf("Validate(config with an unknown exporter) = %v, want an error naming kafka", err)
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
