package httplog_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/logbridge/logbridge/httplog"
	"github.com/logbridge/logbridge/internal/collectortest"
	"github.com/logbridge/logbridge/otlpsink"
)

// pkgStyleErr has the shape of a github.com/pkg/errors error: StackTrace() returns a slice of
// a uintptr type holding runtime.Callers' program counters.
type pkgStyleErr struct{ pcs []uintptr }

type pkgFrame uintptr

func (e *pkgStyleErr) Error() string { return "quota exceeded" }
func (e *pkgStyleErr) StackTrace() []pkgFrame {
	out := make([]pkgFrame, len(e.pcs))
	for i, pc := range e.pcs {
		out[i] = pkgFrame(pc)
	}
	return out
}

//go:noinline
func chargeCard() error {
	pcs := make([]uintptr, 32)
	return &pkgStyleErr{pcs[:runtime.Callers(1, pcs)]}
}

// TestStacktraceAtCollector: a pkg/errors-style error and a panic recovered by the middleware
// reach the real collector with exception.stacktrace starting at the frame that failed.
func TestStacktraceAtCollector(t *testing.T) {
	c := collectortest.Start(t)
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", c.HTTPEndpoint())
	p, err := otlpsink.NewPipeline(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	l := slog.New(otlpsink.NewHandler(p.Provider(), nil).WithLogger("shop", "server"))
	l.Error("charge failed", "error", chargeCard())
	httplog.Handler(l, mux(), nil).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/items/panic", nil))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	recs := c.WaitLogs(t, 3, time.Minute)
	want := map[string]string{
		"charge failed":    "httplog_test.chargeCard\n\t",
		httplog.MsgPanic:   "httplog_test.panicInHandler\n\t",
		httplog.MsgRequest: "",
	}
	for _, r := range recs {
		w, ok := want[r.Body]
		if !ok {
			t.Errorf("unexpected record %q", r.Body)
			continue
		}
		delete(want, r.Body)
		st, _ := r.Attributes["exception.stacktrace"].(string)
		if w == "" {
			if st != "" {
				t.Errorf("%q: exception.stacktrace %q, want none", r.Body, st)
			}
			continue
		}
		first, _, _ := strings.Cut(st, "\n\t")
		if !strings.HasSuffix(first+"\n\t", w) || !strings.Contains(st, "httplog/") {
			t.Errorf("%q: exception.stacktrace starts %q, want %q:\n%s", r.Body, first, w, st)
		}
		if r.Attributes["exception.message"] == nil || r.Attributes["exception.type"] == nil {
			t.Errorf("%q: attributes %v, want exception.message and exception.type", r.Body, r.Attributes)
		}
	}
	if len(want) != 0 {
		t.Errorf("records missing: %v", want)
	}
}
