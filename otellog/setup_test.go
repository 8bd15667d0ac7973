package otellog

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logbridge/logbridge/vocab"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	otellogapi "go.opentelemetry.io/otel/log"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// setup runs Setup with the console going to a buffer, OTLP off unless opts turn it on, and
// registers Shutdown.
func setup(t *testing.T, opts ...Option) (*Bridge, *buffer) {
	t.Helper()
	var console buffer
	t.Setenv("TEST_LOG_COLOR", "never")
	opts = append([]Option{WithEnvPrefix("TEST"), WithCategories("core", "server"), WithConsoleWriter(&console)}, opts...)
	b, err := Setup(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Shutdown(context.Background()) })
	console.bridge = b
	return b, &console
}

func (b *buffer) String() string {
	b.flush()
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestSetupSinksAndLevels(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "logs", "app.log")
	t.Setenv("TEST_LOGGING", "core=debug,all=warn,ghost=info,server=loud")
	t.Setenv("TEST_LOG_FILE", path)
	t.Setenv("TEST_LOG_WIDTH", "-3")
	t.Setenv("TEST_LOG_OTLP", "false")
	b, console := setup(t)

	core, server := b.MustLogger("app.core", "core"), b.MustLogger("app.server", "server")
	core.Debug("core [bold]debug[/bold]")
	server.Info("server info")
	server.Debug("server debug")
	server.Warn("server warn")
	b.MustLogger("app.db", "core::db").Debug("db debug")
	if err := b.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	file := string(data)
	for _, out := range []struct{ name, text string }{{"file", file}, {"console", console.String()}} {
		for _, want := range []string{"core debug", "server warn", "db debug", "TEST_LOGGING", "ghost=info",
			"unknown category ghost", "server=loud", "unknown level", "TEST_LOG_WIDTH", "must be a positive number"} {
			if !strings.Contains(out.text, want) {
				t.Errorf("%s lacks %q:\n%s", out.name, want, out.text)
			}
		}
		for _, unwanted := range []string{"server info", "server debug", "[bold]"} {
			if strings.Contains(out.text, unwanted) {
				t.Errorf("%s has %q:\n%s", out.name, unwanted, out.text)
			}
		}
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm()&0o007 != 0 {
		t.Errorf("log file mode: %v %v", st.Mode(), err)
	}
}

func TestSetupFailsOnUnwritableFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TEST_LOG_FILE", dir) // a directory
	t.Setenv("TEST_LOG_OTLP", "false")
	_, err := Setup(context.Background(), WithEnvPrefix("TEST"), WithConsoleWriter(&buffer{}), WithInstallDefault(false))
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("Setup error = %v, want one naming %s", err, dir)
	}
}

func TestSetupFailsOnBadOTLPProtocol(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "carrier-pigeon")
	_, err := Setup(context.Background(), WithConsoleWriter(&buffer{}), WithInstallDefault(false))
	if err == nil || !strings.Contains(err.Error(), "OTEL_EXPORTER_OTLP_PROTOCOL") || !strings.Contains(err.Error(), "carrier-pigeon") {
		t.Fatalf("Setup error = %v", err)
	}
}

func TestSetupRejectsReservedCategory(t *testing.T) {
	t.Setenv("TEST_LOG_OTLP", "false")
	_, err := Setup(context.Background(), WithCategories("all"), WithConsoleWriter(&buffer{}), WithInstallDefault(false))
	if err == nil || !strings.Contains(err.Error(), `"all" is reserved`) {
		t.Fatalf("Setup error = %v", err)
	}
}

func TestInstallDefault(t *testing.T) {
	t.Setenv("TEST_LOG_OTLP", "false")
	prevSlog := slog.Default()
	prevOut := log.Writer()
	if _, err := Get("x", "core"); err == nil {
		t.Error("Get before Setup succeeded")
	}
	t.Setenv("TEST_LOG_SOURCE", "true")
	b, console := setup(t, WithLevels("root=info"))

	slog.Info("third-party info", "k", 1)
	slog.Debug("third-party debug")
	_, _, stdLine, _ := runtime.Caller(0)
	log.Printf("std log line %d", 7) // must be the line after runtime.Caller's
	l, err := Get("pkg", "server")
	if err != nil {
		t.Fatal(err)
	}
	l.Info("via Get")
	if _, err := Get("pkg", "nope"); !errors.Is(err, ErrUnknownCategory) {
		t.Errorf("Get unknown category: %v", err)
	}
	otel.Handle(errors.New("exporter exploded"))

	out := console.String()
	for _, want := range []string{"third-party info", "std log line 7", "setup_test.go", "via Get", "exporter exploded"} {
		if !strings.Contains(out, want) {
			t.Errorf("console lacks %q:\n%s", want, out)
		}
	}
	// The standard log's record carries its caller's position: the log.Printf line.
	for line := range strings.SplitSeq(out, "\n") {
		if strings.Contains(line, "std log line 7") && !strings.Contains(line, "setup_test.go:"+strconv.Itoa(stdLine+1)) {
			t.Errorf("std log record without its caller setup_test.go:%d: %q", stdLine+1, line)
		}
	}
	if strings.Contains(out, "third-party debug") {
		t.Errorf("root level not applied:\n%s", out)
	}
	if err := b.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if slog.Default() != prevSlog || log.Writer() != prevOut {
		t.Error("Shutdown did not restore slog's default and the log package's output")
	}
	if _, err := Get("x", "core"); err == nil {
		t.Error("Get after Shutdown still uses the shut-down bridge")
	}
}

// recorder is an in-memory sdklog.Exporter.
type recorder struct {
	mu   sync.Mutex
	recs []sdklog.Record
}

func (r *recorder) Export(_ context.Context, recs []sdklog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, rec := range recs {
		r.recs = append(r.recs, rec.Clone())
	}
	return nil
}
func (*recorder) Shutdown(context.Context) error   { return nil }
func (*recorder) ForceFlush(context.Context) error { return nil }

// TestCallerProvider: with the caller's LoggerProvider, records carry scope = logger name,
// log.category, log.level and the trace context; logbridge's own reports never go to OTLP.
func TestCallerProvider(t *testing.T) {
	rec := &recorder{}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(rec)))
	b, console := setup(t, WithLoggerProvider(lp), WithLevels("all=debug"))
	tp := sdktrace.NewTracerProvider()
	ctx, span := tp.Tracer("t").Start(context.Background(), "op")
	b.MustLogger("shop.cart", "core::cart").InfoContext(ctx, "[green]checked out[/]", "items", 3)
	span.End()
	otel.Handle(errors.New("boom")) // reported on the console only
	b.core.rep.write(-1, slog.LevelError, "a report")

	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.recs) != 1 {
		t.Fatalf("OTLP records = %d, want 1 (reports must not reach OTLP)", len(rec.recs))
	}
	r := rec.recs[0]
	got := fmt.Sprintf("%s|%s|%s|%v", r.InstrumentationScope().Name, r.Body().AsString(), r.SeverityText(), r.TraceID() == span.SpanContext().TraceID())
	if got != "shop.cart|checked out|INFO|true" {
		t.Errorf("record = %s", got)
	}
	var cat, level string
	r.WalkAttributes(func(kv attribute.KeyValue) bool {
		switch string(kv.Key) {
		case vocab.AttrCategory:
			cat = kv.Value.AsString()
		case vocab.AttrLevel:
			level = kv.Value.AsString()
		}
		return true
	})
	if cat != "core::cart" || level != "info" {
		t.Errorf("log.category = %q, log.level = %q", cat, level)
	}
	if !strings.Contains(console.String(), "a report") || !strings.Contains(console.String(), "boom") {
		t.Errorf("console lacks the reports:\n%s", console.String())
	}
}

// TestCallerProviderOutlivesShutdown: the caller owns its LoggerProvider: Shutdown leaves it
// working.
func TestCallerProviderOutlivesShutdown(t *testing.T) {
	rec := &recorder{}
	lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewSimpleProcessor(rec)))
	b, _ := setup(t, WithLoggerProvider(lp))
	if err := b.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	var r otellogapi.Record
	r.SetBody(attribute.StringValue("after the bridge's shutdown"))
	lp.Logger("t").Emit(context.Background(), r)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.recs) != 1 {
		t.Errorf("%d records, want 1: the caller's provider must outlive the bridge", len(rec.recs))
	}
}

func TestLevelHandler(t *testing.T) {
	t.Setenv("TEST_LOG_OTLP", "false")
	b, console := setup(t, WithLevels("core=debug"))
	srv := httptest.NewServer(b.LevelHandler())
	defer srv.Close()
	core := b.MustLogger("x", "core")

	tests := []struct {
		method, ctype, body string
		wantStatus          int
		wantInBody          []string
	}{
		{"GET", "", "", 200, []string{`"spec": "all=info,root=warn,core=debug"`, `"core": "debug"`, `"uncategorized": "warn"`}},
		{"PUT", "text/plain", "core=error,server=warn", 200, []string{`"core": "error"`, `"server": "warn"`}},
		{"PUT", "application/json", `{"spec": "core::db=debug"}`, 200, []string{`core::db=debug`}},
		{"PUT", "application/x-www-form-urlencoded", "core=debug,all=warn", 200, []string{`"spec": "all=warn,core=debug"`}},
		{"PUT", "", "server=error", 200, []string{`"server": "error"`}},
		{"PUT", "application/octet-stream", "server=info", 200, []string{`"server": "info"`}},
		{"PUT", "application/x-www-form-urlencoded", "core%3Dinfo", 200, []string{`"core": "info"`}},
		{"PUT", "text/plain", "logbridge=error", 200, []string{`"logbridge": "error"`}},
		{"POST", "application/x-www-form-urlencoded", "spec=all%3Dinfo", 200, []string{`"spec": "all=info"`, `"uncategorized": "info"`}},
		{"PUT", "text/plain", "debug", 400, []string{`write all=debug`}},
		{"PUT", "text/plain", "ghost=debug,core=warn", 200, []string{`"core": "warn"`, `unknown category ghost`}},
		{"PUT", "text/plain", "core=loud", 400, []string{`unknown level \"loud\"`, `"core": "warn"`}},
		{"PUT", "text/plain", "", 400, []string{"empty spec"}},
		{"PUT", "application/json", `{"level": "debug"}`, 400, []string{"want a JSON body"}},
		{"DELETE", "", "", 405, []string{"not allowed"}},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, srv.URL, strings.NewReader(tt.body))
		if tt.ctype != "" {
			req.Header.Set("Content-Type", tt.ctype)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		if resp.StatusCode != tt.wantStatus {
			t.Errorf("%s %q: status %d, want %d\n%s", tt.method, tt.body, resp.StatusCode, tt.wantStatus, body)
		}
		for _, w := range tt.wantInBody {
			if !strings.Contains(body, w) {
				t.Errorf("%s %q: body lacks %s:\n%s", tt.method, tt.body, w, body)
			}
		}
	}
	// The logger made before the changes follows them: core is at warn now.
	core.Info("hidden")
	core.Warn("shown")
	out := console.String()
	if strings.Contains(out, "hidden") || !strings.Contains(out, "shown") || !strings.Contains(out, "levels changed over HTTP") {
		t.Errorf("console:\n%s", out)
	}
	if b.Levels() != "all=info,core=warn" {
		t.Errorf("Levels() = %s", b.Levels())
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return sb.String()
}

func TestShutdownIdempotent(t *testing.T) {
	t.Setenv("TEST_LOG_OTLP", "false")
	b, _ := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := b.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestLoggedAfterShutdown: a record logged after Shutdown through a logger made before it (a
// deferred cleanup that reports its failure) still shows: on the console's stream, written
// directly; the closed file gets nothing and counts it as dropped.
func TestLoggedAfterShutdown(t *testing.T) {
	t.Setenv("TEST_LOG_OTLP", "false")
	path := filepath.Join(t.TempDir(), "app.log")
	t.Setenv("TEST_LOG_FILE", path)
	b, console := setup(t)
	l := b.MustLogger("app.db", "core")
	l.Info("before shutdown")
	if err := b.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	l.Error("closing the database failed", "err", "connection reset")
	l.Warn("after shutdown, again")
	out := console.String()
	for _, want := range []string{"closing the database failed", `err="connection reset"`, "after shutdown, again"} {
		if !strings.Contains(out, want) {
			t.Errorf("the console lacks %q from after Shutdown:\n%s", want, out)
		}
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(file), "before shutdown") || strings.Contains(string(file), "after shutdown") {
		t.Errorf("the file after Shutdown closed it:\n%s", file)
	}
	for _, s := range b.Stats().Sinks {
		if s.Name == SinkFile && s.Dropped != 2 {
			t.Errorf("the file sink counts %d dropped, want the 2 records logged after it closed", s.Dropped)
		}
	}
}

func TestConfigWarningsName(t *testing.T) {
	t.Setenv("TEST_LOG_OTLP", "false")
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "app.yaml")
	if err := os.WriteFile(cfgPath, []byte("levels: {core: debug}\nconsole: {colour: never}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, console := setup(t, WithConfigFile(cfgPath))
	if b.Levels() != "all=info,root=warn,core=debug" {
		t.Errorf("levels = %s", b.Levels())
	}
	if !strings.Contains(console.String(), "app.yaml:2") || !strings.Contains(console.String(), "console.colour") {
		t.Errorf("console:\n%s", console.String())
	}
}

// TestOTelDiagnosticsRedacted: OpenTelemetry's reports can quote a header value (the SDK's
// own messages quote what they were given). Such a report reaches the console with the
// secret redacted; a malformed header fails Setup with an error that does not show it.
func TestOTelDiagnosticsRedacted(t *testing.T) {
	const secret = "s3cr3t-token-value"
	t.Setenv("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%zz"+secret)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://user:"+secret+"@127.0.0.1:1")
	_, err := Setup(context.Background(), WithConsoleWriter(&buffer{}), WithInstallDefault(false))
	if err == nil || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "OTEL_EXPORTER_OTLP_HEADERS") {
		t.Fatalf("Setup error %v; want one naming the variable, without the secret", err)
	}
	t.Setenv("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20"+secret+",x-api-key="+secret)
	b, console := setup(t)
	b.MustLogger("x", "core").Warn("hello")
	otel.Handle(fmt.Errorf("export with authorization=Bearer %s to http://user:%s@127.0.0.1:1 failed", secret, secret))
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_ = b.Shutdown(ctx)
	out := console.String()
	if strings.Contains(out, secret) {
		t.Errorf("console shows the secret:\n%s", out)
	}
	if !strings.Contains(out, "OpenTelemetry") || !strings.Contains(out, "REDACTED") {
		t.Errorf("console lacks the SDK's report:\n%s", out)
	}
}

// TestOTelDiagnosticsRedactedNotInstalled: without WithInstallDefault, what the SDK reports
// while Setup builds the pipeline (here the LoggerProvider reading a malformed
// OTEL_RESOURCE_ATTRIBUTES) never reaches OpenTelemetry's own error handler, which would
// print it raw; the console says it once, and that handler is back in place once Setup
// returns.
func TestOTelDiagnosticsRedactedNotInstalled(t *testing.T) {
	const secret = "s3cr3t-password-value"
	t.Setenv("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20"+secret)
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=test,novalue")
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
	var mu sync.Mutex
	var handled []string
	prev := otel.GetErrorHandler()
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		handled = append(handled, err.Error())
	}))
	defer otel.SetErrorHandler(prev)
	b, console := setup(t, WithInstallDefault(false))
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_ = b.Shutdown(ctx)
	otel.Handle(errors.New("after setup"))
	out := console.String()
	if strings.Contains(out, secret) || strings.Count(out, "novalue") != 1 {
		t.Errorf("console shows the secret, or lacks the SDK's report:\n%s", out)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(handled) != 1 || handled[0] != "after setup" {
		t.Errorf("the application's error handler got %q; want only what came after Setup", handled)
	}
}

// TestReportIntervalNotPositive: a report interval of zero or less means the default; it used
// to reach time.NewTicker in the OTLP monitor's goroutine, whose panic ended the process.
func TestReportIntervalNotPositive(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		t.Run(d.String(), func(t *testing.T) {
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1") // the monitor runs with OTLP on
			b, console := setup(t, WithReportInterval(d), WithInstallDefault(false))
			b.MustLogger("svc", "core").Warn("still here")
			if err := b.Shutdown(context.Background()); err == nil {
				t.Error("Shutdown: no error for the record the dead endpoint never took")
			}
			if !strings.Contains(console.String(), "still here") {
				t.Errorf("console:\n%s", console.String())
			}
		})
	}
}
