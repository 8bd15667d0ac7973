package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/logbridge/logbridge/httplog"
)

// spanRecorder keeps the records logged through it, with the span context of their context.
type spanRecorder struct {
	mu   sync.Mutex
	recs []spanRecord
}

type spanRecord struct {
	r  slog.Record
	sc trace.SpanContext
}

func (h *spanRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *spanRecorder) Handle(ctx context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, spanRecord{r.Clone(), trace.SpanContextFromContext(ctx)})
	return nil
}
func (h *spanRecorder) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *spanRecorder) WithGroup(string) slog.Handler      { return h }

// TestHTTPLogBehindOtelhttp: httplog inside otelhttp, as this example composes them (in the
// httplog module's tests until the library module stopped requiring otelhttp): every line of a
// request, the panic's included, carries the span otelhttp started, and the access line names
// the route.
func TestHTTPLogBehindOtelhttp(t *testing.T) {
	tp := sdktrace.NewTracerProvider()
	defer func() { _ = tp.Shutdown(context.Background()) }()
	rh := &spanRecorder{}
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
	rh.mu.Lock()
	defer rh.mu.Unlock()
	recs := rh.recs
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3", len(recs))
	}
	for _, r := range recs {
		if !r.sc.IsValid() {
			t.Errorf("%q: no span context in the logging context", r.r.Message)
		}
		if r.r.Message != httplog.MsgRequest {
			continue
		}
		var route string
		r.r.Attrs(func(a slog.Attr) bool {
			if a.Key == "http.route" {
				route = a.Value.String()
			}
			return true
		})
		if route != "GET /items/{id}" {
			t.Errorf("route %q behind otelhttp", route)
		}
	}
	if recs[1].sc.TraceID() != recs[2].sc.TraceID() || recs[0].sc.TraceID() == recs[1].sc.TraceID() {
		t.Errorf("trace ids %s %s %s: want the panic and its access line in one trace, the first request in another",
			recs[0].sc.TraceID(), recs[1].sc.TraceID(), recs[2].sc.TraceID())
	}
}
