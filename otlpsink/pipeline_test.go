package otlpsink_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	collogpb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	"google.golang.org/protobuf/proto"

	"github.com/logbridge/logbridge/otlpsink"
)

// otelEnv lists the OTEL_* variables the tests touch; clearEnv empties them all for a test.
var otelEnv = []string{
	"OTEL_SDK_DISABLED", "OTEL_LOGS_EXPORTER", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL",
	"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS",
	"OTEL_EXPORTER_OTLP_LOGS_HEADERS", "OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT",
	"OTEL_EXPORTER_OTLP_COMPRESSION", "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION", "OTEL_EXPORTER_OTLP_INSECURE",
	"OTEL_EXPORTER_OTLP_LOGS_INSECURE", "OTEL_EXPORTER_OTLP_CERTIFICATE", "OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE",
	"OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE",
	"OTEL_EXPORTER_OTLP_CLIENT_KEY", "OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY",
	"OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES", "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", "OTEL_BLRP_MAX_QUEUE_SIZE", "OTEL_BLRP_SCHEDULE_DELAY",
	"OTEL_BLRP_EXPORT_TIMEOUT", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE",
}

func clearEnv(t *testing.T, env map[string]string) {
	t.Helper()
	for _, k := range otelEnv {
		t.Setenv(k, "")
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
}

// receiver is a fake OTLP/HTTP receiver recording requests, for the pipeline's unit tests
// (the end-to-end tests use the real collector).
type receiver struct {
	srv  *httptest.Server
	mu   sync.Mutex
	reqs []receivedRequest
}

type receivedRequest struct {
	path   string
	header http.Header
	body   *collogpb.ExportLogsServiceRequest
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var body io.Reader = req.Body
		if req.Header.Get("Content-Encoding") == "gzip" {
			gz, err := gzip.NewReader(req.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			body = gz
		}
		data, _ := io.ReadAll(body)
		var msg collogpb.ExportLogsServiceRequest
		if err := proto.Unmarshal(data, &msg); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		r.reqs = append(r.reqs, receivedRequest{req.URL.Path, req.Header.Clone(), &msg})
		r.mu.Unlock()
		w.Header().Set("Content-Type", "application/x-protobuf")
		out, _ := proto.Marshal(&collogpb.ExportLogsServiceResponse{})
		_, _ = w.Write(out)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) requests() []receivedRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]receivedRequest(nil), r.reqs...)
}

// resourceAttrs returns the resource attributes of the first record received, as strings.
func (r *receiver) resourceAttrs() map[string]string {
	m := map[string]string{}
	reqs := r.requests()
	if len(reqs) == 0 || len(reqs[0].body.ResourceLogs) == 0 {
		return m
	}
	for _, kv := range reqs[0].body.ResourceLogs[0].GetResource().GetAttributes() {
		m[kv.Key] = kv.GetValue().GetStringValue()
	}
	return m
}

// logThrough builds a pipeline from the current env, logs one record and shuts it down.
func logThrough(t *testing.T, opts ...otlpsink.PipelineOption) (*otlpsink.Pipeline, error) {
	t.Helper()
	ctx := context.Background()
	p, err := otlpsink.NewPipeline(ctx, opts...)
	if err != nil {
		return nil, err
	}
	slog.New(otlpsink.NewHandler(p.Provider(), nil).WithLogger("pipe", "test")).Info("hello", "k", "v")
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return p, p.Shutdown(sctx)
}

func TestPipelineEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string // substring of NewPipeline's error
		desc    string // substring of Description
		enabled bool
		diag    string // a diagnostic names this
	}{
		{name: "default", desc: "otlp http/protobuf to http://localhost:4318", enabled: true},
		{name: "disabled", env: map[string]string{"OTEL_SDK_DISABLED": "true"}, desc: "disabled"},
		{name: "disabled any case", env: map[string]string{"OTEL_SDK_DISABLED": " TRUE "}, desc: "disabled"},
		{name: "disabled false", env: map[string]string{"OTEL_SDK_DISABLED": "false"}, enabled: true, desc: "otlp"},
		{name: "disabled bad value", env: map[string]string{"OTEL_SDK_DISABLED": "yes"}, enabled: true,
			diag: "OTEL_SDK_DISABLED"},
		{name: "exporter none", env: map[string]string{"OTEL_LOGS_EXPORTER": "none"}, desc: "none"},
		{name: "exporter otlp", env: map[string]string{"OTEL_LOGS_EXPORTER": "otlp"}, enabled: true, desc: "otlp"},
		{name: "exporter console", env: map[string]string{"OTEL_LOGS_EXPORTER": "console"}, enabled: true, desc: "console"},
		{name: "exporter list", env: map[string]string{"OTEL_LOGS_EXPORTER": "otlp, console"}, enabled: true,
			desc: "otlp http/protobuf to http://localhost:4318/v1/logs, console"},
		{name: "exporter list of empty entries", env: map[string]string{"OTEL_LOGS_EXPORTER": " , "}, enabled: true,
			desc: "otlp http/protobuf to http://localhost:4318/v1/logs"},
		{name: "exporter list with an empty entry", env: map[string]string{"OTEL_LOGS_EXPORTER": "console,,"}, enabled: true, desc: "console"},
		{name: "exporter unknown", env: map[string]string{"OTEL_LOGS_EXPORTER": "zipkin"},
			wantErr: `OTEL_LOGS_EXPORTER="zipkin": unknown exporter "zipkin"`},
		{name: "exporter none in a list", env: map[string]string{"OTEL_LOGS_EXPORTER": "none,otlp"},
			wantErr: "OTEL_LOGS_EXPORTER"},
		{name: "grpc", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, enabled: true,
			desc: "otlp grpc to http://localhost:4317"},
		{name: "logs protocol wins", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
			"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "grpc"}, enabled: true, desc: "otlp grpc"},
		{name: "http/json", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"},
			wantErr: `OTEL_EXPORTER_OTLP_PROTOCOL="http/json": http/json is not supported`},
		{name: "protocol unknown", env: map[string]string{"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "thrift"},
			wantErr: `OTEL_EXPORTER_OTLP_LOGS_PROTOCOL="thrift": unknown protocol`},
		{name: "endpoint from env", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://collector:4318"},
			enabled: true, desc: "to https://collector:4318"},
		{name: "bad BLRP value", env: map[string]string{"OTEL_BLRP_MAX_QUEUE_SIZE": "big"}, enabled: true,
			diag: "OTEL_BLRP_MAX_QUEUE_SIZE"},
		{name: "bad resource attributes", env: map[string]string{"OTEL_RESOURCE_ATTRIBUTES": "novalue"}, enabled: true,
			diag: "OTEL_RESOURCE_ATTRIBUTES"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t, tt.env)
			var console bytes.Buffer
			p, err := otlpsink.NewPipeline(context.Background(), otlpsink.WithConsoleExporterWriter(&console))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = p.Shutdown(context.Background()) }()
			if p.Enabled() != tt.enabled || !strings.Contains(p.Description(), tt.desc) {
				t.Errorf("enabled %v, description %q; want %v, %q", p.Enabled(), p.Description(), tt.enabled, tt.desc)
			}
			var diags []string
			for _, d := range p.Diagnostics() {
				diags = append(diags, d.Error())
			}
			if (tt.diag == "") != (len(diags) == 0) || !strings.Contains(strings.Join(diags, "\n"), tt.diag) {
				t.Errorf("diagnostics %q, want one naming %q", diags, tt.diag)
			}
		})
	}
}

// TestPipelineSendsNothing: disabled or "none" pipelines emit nothing, count nothing.
func TestPipelineSendsNothing(t *testing.T) {
	recv := newReceiver(t)
	for _, env := range []map[string]string{{"OTEL_SDK_DISABLED": "true"}, {"OTEL_LOGS_EXPORTER": "none"}} {
		clearEnv(t, env)
		t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", recv.srv.URL)
		p, err := logThrough(t)
		if err != nil {
			t.Fatal(err)
		}
		if st := p.Stats(); st != (otlpsink.Stats{}) {
			t.Errorf("%v: stats %+v", env, st)
		}
	}
	if n := len(recv.requests()); n != 0 {
		t.Errorf("%d requests received, want none", n)
	}
}

// TestPipelineConsole: OTEL_LOGS_EXPORTER=console writes the SDK's JSON to the writer.
func TestPipelineConsole(t *testing.T) {
	clearEnv(t, map[string]string{"OTEL_LOGS_EXPORTER": "console"})
	var buf bytes.Buffer
	if _, err := logThrough(t, otlpsink.WithConsoleExporterWriter(&buf)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "hello") || !strings.Contains(buf.String(), "log.category") {
		t.Errorf("console output %q", buf.String())
	}
}

// TestPipelineHonorsSDKEnv: the env vars left to the SDK reach the wire: endpoint and path,
// headers, compression, service name and resource attributes.
func TestPipelineHonorsSDKEnv(t *testing.T) {
	recv := newReceiver(t)
	clearEnv(t, map[string]string{
		"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": recv.srv.URL + "/custom/logs",
		"OTEL_EXPORTER_OTLP_HEADERS":       "x-tenant=acme,authorization=Bearer%20t0ken",
		"OTEL_EXPORTER_OTLP_COMPRESSION":   "gzip",
		"OTEL_SERVICE_NAME":                "checkout",
		"OTEL_RESOURCE_ATTRIBUTES":         "deployment.environment=test,service.name=ignored",
	})
	p, err := logThrough(t)
	if err != nil {
		t.Fatal(err)
	}
	reqs := recv.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.path != "/custom/logs" || r.header.Get("X-Tenant") != "acme" || r.header.Get("Authorization") != "Bearer t0ken" ||
		r.header.Get("Content-Encoding") != "gzip" {
		t.Errorf("request %s, headers %v", r.path, r.header)
	}
	res := recv.resourceAttrs()
	if res["service.name"] != "checkout" || res["deployment.environment"] != "test" || res["telemetry.sdk.language"] != "go" {
		t.Errorf("resource %v", res)
	}
	if st := p.Stats(); st.Exported != 1 || st.Emitted != 1 {
		t.Errorf("stats %+v", st)
	}
}

// TestPipelineHTTPExporterChoice: over http/protobuf a Pipeline exports with its own
// exporter, and with otlploghttp when given otlploghttp options (which then apply), each
// with the settings from the environment.
func TestPipelineHTTPExporterChoice(t *testing.T) {
	for _, tt := range []struct {
		name   string
		opts   []otlpsink.PipelineOption
		agent  string
		header string
	}{
		{"own", nil, "logbridge OTLP over HTTP/protobuf logs exporter/", ""},
		{"otlploghttp", []otlpsink.PipelineOption{otlpsink.WithHTTPOptions(otlploghttp.WithHeaders(map[string]string{"x-opt": "yes"}))},
			"OTel Go OTLP over HTTP/protobuf logs exporter/", "yes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			recv := newReceiver(t)
			clearEnv(t, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": recv.srv.URL, "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip"})
			p, err := logThrough(t, tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			reqs := recv.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			h := reqs[0].header
			if !strings.HasPrefix(h.Get("User-Agent"), tt.agent) || h.Get("X-Opt") != tt.header || h.Get("Content-Encoding") != "gzip" ||
				reqs[0].path != "/v1/logs" {
				t.Errorf("request %s, headers %v", reqs[0].path, h)
			}
			if st := p.Stats(); st.Exported != 1 {
				t.Errorf("stats %+v", st)
			}
		})
	}
}

// TestPipelineDefaultServiceName: without OTEL_SERVICE_NAME, service.name is the executable's
// name (or WithServiceName's).
func TestPipelineDefaultServiceName(t *testing.T) {
	recv := newReceiver(t)
	clearEnv(t, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": recv.srv.URL})
	if _, err := logThrough(t); err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	if got, want := recv.resourceAttrs()["service.name"], strings.TrimSuffix(filepath.Base(exe), ".exe"); got != want {
		t.Errorf("service.name %q, want %q", got, want)
	}
	recv2 := newReceiver(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", recv2.srv.URL)
	if _, err := logThrough(t, otlpsink.WithServiceName("mine")); err != nil {
		t.Fatal(err)
	}
	if got := recv2.resourceAttrs()["service.name"]; got != "mine" {
		t.Errorf("service.name %q, want mine", got)
	}
}

// TestPipelineDefaultEndpoint: with no endpoint variable, records go to plain-http
// localhost:4318, the specification's default.
func TestPipelineDefaultEndpoint(t *testing.T) {
	ln, err := net.Listen("tcp", "localhost:4318")
	if err != nil {
		t.Skipf("localhost:4318 is taken: %v", err)
	}
	recv := newReceiver(t)
	srv := &http.Server{Handler: recv.srv.Config.Handler}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	clearEnv(t, nil)
	if _, err := logThrough(t); err != nil {
		t.Fatal(err)
	}
	if reqs := recv.requests(); len(reqs) != 1 || reqs[0].path != "/v1/logs" {
		t.Errorf("requests %+v, want one to /v1/logs", reqs)
	}
}

// TestPipelineTimeout: OTEL_EXPORTER_OTLP_TIMEOUT bounds each export.
func TestPipelineTimeout(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	clearEnv(t, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": srv.URL, "OTEL_EXPORTER_OTLP_TIMEOUT": "50"})
	ctx := context.Background()
	p, err := otlpsink.NewPipeline(ctx, otlpsink.WithProcessorOptions(otlpsink.WithRetryMaxElapsed(0)))
	if err != nil {
		t.Fatal(err)
	}
	slog.New(otlpsink.NewHandler(p.Provider(), nil)).Info("slow")
	fctx, cancel := context.WithTimeout(ctx, hangGuard)
	defer cancel()
	_ = p.ForceFlush(fctx)
	st := p.Stats()
	// otlploghttp says "Client.Timeout exceeded", the Pipeline's exporter "export timeout".
	if st.FailedExport != 1 || !strings.Contains(strings.ToLower(st.LastError), "timeout") {
		t.Errorf("stats %+v, want the export to time out", st)
	}
	_ = p.Shutdown(fctx)
}

// TestPipelineSecrets: header values and URL user info appear in no text the package
// produces: errors, descriptions, diagnostics, Stats.LastError, error handler reports.
func TestPipelineSecrets(t *testing.T) {
	secrets := []string{"s3cr3t-t0ken", "Bearer%20s3cr3t-t0ken", "Bearer s3cr3t-t0ken", "hunter2pw", "alice:hunter2pw"}
	check := func(what, text string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s contains the secret %q: %q", what, s, text)
			}
		}
	}
	const addr = "127.0.0.1:1" // nothing listens on port 1, and no test can take it: exports fail
	for _, proto := range []string{"http/protobuf", "grpc"} {
		clearEnv(t, map[string]string{
			"OTEL_EXPORTER_OTLP_PROTOCOL": proto,
			"OTEL_EXPORTER_OTLP_ENDPOINT": "http://alice:hunter2pw@" + addr,
			"OTEL_EXPORTER_OTLP_HEADERS":  "authorization=Bearer%20s3cr3t-t0ken",
		})
		var mu sync.Mutex
		var reports []string
		p, err := otlpsink.NewPipeline(context.Background(), otlpsink.WithProcessorOptions(
			otlpsink.WithRetryMaxElapsed(0),
			otlpsink.WithErrorHandler(func(err error) {
				mu.Lock()
				defer mu.Unlock()
				reports = append(reports, err.Error())
			})))
		if err != nil {
			check("NewPipeline error", err.Error())
			continue
		}
		check("Description", p.Description())
		slog.New(otlpsink.NewHandler(p.Provider(), nil)).Info("x")
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		if err := p.ForceFlush(ctx); err != nil {
			check("ForceFlush error", err.Error())
		}
		if err := p.Shutdown(ctx); err != nil {
			check("Shutdown error", err.Error())
		}
		cancel()
		check("LastError", p.Stats().LastError)
		for _, d := range p.Diagnostics() {
			check("diagnostic", d.Error())
		}
		mu.Lock()
		for _, r := range reports {
			check("error report", r)
		}
		mu.Unlock()
		if len(reports) == 0 || p.Stats().Undelivered() != 1 {
			t.Errorf("%s: reports %q, stats %+v; want the failure reported and counted", proto, reports, p.Stats())
		}
		for _, s := range secrets {
			check("Redact", p.Redact("invalid OTEL_EXPORTER_OTLP_HEADERS value authorization=Bearer%20s3cr3t-t0ken: "+s))
		}
	}
	// The secret's own text, if an error quotes it, is redacted in what the handler receives.
	clearEnv(t, map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "k=s3cr3t-t0ken"})
	var got error
	p, err := otlpsink.NewPipeline(context.Background(),
		otlpsink.WithExporter(&funcExporter{export: func(context.Context, int) error {
			return errors.New("server said: bad token s3cr3t-t0ken")
		}}),
		otlpsink.WithProcessorOptions(otlpsink.WithRetryMaxElapsed(0), otlpsink.WithErrorHandler(func(err error) { got = err })))
	if err != nil {
		t.Fatal(err)
	}
	slog.New(otlpsink.NewHandler(p.Provider(), nil)).Info("x")
	_ = p.Shutdown(context.Background())
	if got == nil {
		t.Fatal("no error reported")
	}
	check("error report", got.Error())
	check("LastError", p.Stats().LastError)
	var ee *otlpsink.ExportError
	if !errors.As(got, &ee) || ee.Records != 1 {
		t.Errorf("report %#v, want an *ExportError", got)
	}
}

// TestPipelineRefusesUnusableEndpoint: an endpoint the exporters could not use is an error
// naming the variable, without the URL's user info, instead of a silent fall-back to the
// exporters' own https default.
func TestPipelineRefusesUnusableEndpoint(t *testing.T) {
	tests := []struct{ name, value, want string }{
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:notaport", "not a URL"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://user:hunter2@127.0.0.1:99999", "bad port"},
		{"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "collector:4318", "scheme"},
		{"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "ftp://collector:4318", "scheme"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://", "no host"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT", "http://user:hunter2@exa mple.com", "not a URL"},
	}
	for _, proto := range []string{"http/protobuf", "grpc"} {
		for _, tt := range tests {
			t.Run(proto+" "+tt.value, func(t *testing.T) {
				t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", proto)
				t.Setenv(tt.name, tt.value)
				p, err := otlpsink.NewPipeline(context.Background())
				if err == nil {
					_ = p.Shutdown(context.Background())
					t.Fatalf("NewPipeline accepted %s=%s", tt.name, tt.value)
				}
				if !strings.Contains(err.Error(), tt.name) || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "hunter2") {
					t.Errorf("error = %q, want it to name %s, say %q and hide the password", err, tt.name, tt.want)
				}
			})
		}
	}
}

// TestPipelineSeveralExportersCountLateRecords: with OTEL_LOGS_EXPORTER naming two exporters,
// every record logged before, during and after Shutdown is counted by each exporter's
// processor, the late ones as DroppedShutdown, as with one exporter (the SDK's own loggers
// drop a record logged once it has shut down, in no counter).
func TestPipelineSeveralExportersCountLateRecords(t *testing.T) {
	recv := newReceiver(t)
	clearEnv(t, map[string]string{"OTEL_LOGS_EXPORTER": "otlp,console", "OTEL_EXPORTER_OTLP_ENDPOINT": recv.srv.URL})
	var console bytes.Buffer
	p, err := otlpsink.NewPipeline(context.Background(), otlpsink.WithConsoleExporterWriter(&console))
	if err != nil {
		t.Fatal(err)
	}
	l := slog.New(otlpsink.NewHandler(p.Provider(), nil).WithLogger("pipe", "test"))
	const workers, after = 4, 50
	var calls atomic.Int64
	var shut atomic.Bool
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			late := 0
			deadline := time.Now().Add(30 * time.Second) // a hang guard: Shutdown returns long before
			for late < after && time.Now().Before(deadline) {
				if shut.Load() {
					late++
				}
				l.Info("record", "n", calls.Add(1))
			}
		})
	}
	for calls.Load() < 100 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	shut.Store(true)
	wg.Wait()
	l.Info("after everything")
	n := uint64(calls.Load() + 1)
	st := p.Stats() // summed over the two processors: each record counts once per exporter
	if st.Emitted != 2*n {
		t.Errorf("Emitted %d, want %d: each of the %d records once per exporter (%+v)", st.Emitted, 2*n, n, st)
	}
	if st.Exported+st.Undelivered()+st.OutcomeUnknown != st.Emitted {
		t.Errorf("exported %d + undelivered %d + unknown %d != emitted %d", st.Exported, st.Undelivered(), st.OutcomeUnknown, st.Emitted)
	}
	if min := uint64(2 * (workers*after + 1)); st.DroppedShutdown < min {
		t.Errorf("DroppedShutdown %d, want at least %d (the records logged after Shutdown, per exporter)", st.DroppedShutdown, min)
	}
}
