package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/logbridge/logbridge/httplog"
	"github.com/logbridge/logbridge/internal/testkit"
)

// TestHTTPLogBehindOtelhttp: httplog inside otelhttp, as this example composes them (in the
// httplog module's tests until the library module stopped requiring otelhttp): every line of a
// request, the panic's included, carries the span otelhttp started, and the access line names
// the route.
func TestHTTPLogBehindOtelhttp(t *testing.T) {
	tp := sdktrace.NewTracerProvider()
	defer func() { _ = tp.Shutdown(context.Background()) }()
	rh := &testkit.Recorder{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "panic" {
			panic(errors.New("nil map in cart"))
		}
		_, _ = w.Write([]byte("item"))
	})
	h := otelhttp.NewHandler(httplog.Handler(slog.New(rh), mux, nil), "test", otelhttp.WithTracerProvider(tp))
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, path := range []string{"/items/1", "/items/panic"} {
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
	}
	recs := rh.Records()
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3", len(recs))
	}
	for _, r := range recs {
		if !r.Span.IsValid() {
			t.Errorf("%q: no span context in the logging context", r.Message)
		}
		if r.Message != httplog.MsgRequest {
			continue
		}
		if route := testkit.Attrs(r.Record)["http.route"].String(); route != "GET /items/{id}" {
			t.Errorf("route %q behind otelhttp", route)
		}
	}
	if recs[1].Span.TraceID() != recs[2].Span.TraceID() || recs[0].Span.TraceID() == recs[1].Span.TraceID() {
		t.Errorf("trace ids %s %s %s: want the panic and its access line in one trace, the first request in another",
			recs[0].Span.TraceID(), recs[1].Span.TraceID(), recs[2].Span.TraceID())
	}
}
