package httplog_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/trace"

	"github.com/logbridge/logbridge/httplog"
	"github.com/logbridge/logbridge/internal/stacktrace"
)

// recorder keeps the records logged through it, with the span context of their context.
type recorder struct {
	mu   sync.Mutex
	recs []rec
}

type rec struct {
	r  slog.Record
	sc trace.SpanContext
}

func (h *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *recorder) Handle(ctx context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.recs = append(h.recs, rec{r.Clone(), trace.SpanContextFromContext(ctx)})
	return nil
}
func (h *recorder) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recorder) WithGroup(string) slog.Handler      { return h }

func (h *recorder) records() []rec {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]rec(nil), h.recs...)
}

func attrs(r slog.Record) map[string]slog.Value {
	m := map[string]slog.Value{}
	r.Attrs(func(a slog.Attr) bool {
		m[a.Key] = a.Value
		return true
	})
	return m
}

func mux() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		switch r.PathValue("id") {
		case "moved":
			http.Redirect(w, r, "/items/1", http.StatusFound)
		case "missing":
			http.NotFound(w, r)
		case "down":
			http.Error(w, "down", http.StatusServiceUnavailable)
		case "panic":
			panicInHandler()
		case "late-panic":
			_, _ = io.WriteString(w, "partial")
			panicInHandler()
		case "abort":
			panic(http.ErrAbortHandler)
		default:
			_, _ = io.WriteString(w, "item "+r.PathValue("id"))
		}
	})
	return m
}

//go:noinline
func panicInHandler() { panic(errors.New("nil map in cart")) }

func TestAccessLogStatusClasses(t *testing.T) {
	for _, tc := range []struct {
		path   string
		status int
		level  slog.Level
		bytes  int64
	}{
		{"/items/1", 200, slog.LevelInfo, 6},
		{"/items/moved", 302, slog.LevelInfo, -1},
		{"/items/missing", 404, slog.LevelWarn, -1},
		{"/items/down", 503, slog.LevelError, 5},
		{"/nowhere", 404, slog.LevelWarn, -1},
	} {
		t.Run(tc.path, func(t *testing.T) {
			rh := &recorder{}
			h := httplog.Handler(slog.New(rh), mux(), nil)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", tc.path, nil))
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d", w.Code, tc.status)
			}
			recs := rh.records()
			if len(recs) != 1 || recs[0].r.Message != httplog.MsgRequest {
				t.Fatalf("records %v, want one access line", recs)
			}
			r := recs[0].r
			a := attrs(r)
			if r.Level != tc.level {
				t.Errorf("level %v, want %v", r.Level, tc.level)
			}
			if got := a["http.response.status_code"].Int64(); got != int64(tc.status) {
				t.Errorf("status attr %d, want %d", got, tc.status)
			}
			if a["http.request.method"].String() != "GET" || a["url.path"].String() != tc.path {
				t.Errorf("method/path attrs %v", a)
			}
			wantRoute := "GET /items/{id}"
			if tc.path == "/nowhere" {
				wantRoute = ""
			}
			if a["http.route"].String() != wantRoute {
				t.Errorf("route %q, want %q", a["http.route"].String(), wantRoute)
			}
			if got := a["http.response.body.size"].Int64(); got != int64(w.Body.Len()) || (tc.bytes >= 0 && got != tc.bytes) {
				t.Errorf("body size %d, want %d", got, w.Body.Len())
			}
			if a["duration"].Kind() != slog.KindDuration {
				t.Errorf("duration attr %v", a["duration"])
			}
		})
	}
}

func TestRecover(t *testing.T) {
	rh := &recorder{}
	h := httplog.Handler(slog.New(rh), mux(), nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/items/panic", nil))
	if w.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", w.Code)
	}
	recs := rh.records()
	if len(recs) != 2 || recs[0].r.Message != httplog.MsgPanic || recs[1].r.Message != httplog.MsgRequest {
		t.Fatalf("records %v, want the panic then the access line", recs)
	}
	if recs[0].r.Level != slog.LevelError || attrs(recs[1].r)["http.response.status_code"].Int64() != 500 {
		t.Errorf("panic at %v, access line %v", recs[0].r.Level, attrs(recs[1].r))
	}
	err, ok := attrs(recs[0].r)["error"].Any().(*httplog.PanicError)
	if !ok {
		t.Fatalf("error attr %v, want a *PanicError", attrs(recs[0].r)["error"])
	}
	if err.Error() != "panic: nil map in cart" || err.Unwrap() == nil {
		t.Errorf("PanicError %q, unwraps to %v", err.Error(), err.Unwrap())
	}
	frames := stacktrace.Frames(stacktrace.FromError(err))
	if len(frames) == 0 || !strings.HasSuffix(frames[0].Function, "httplog_test.panicInHandler") {
		t.Fatalf("stack %+v, want panicInHandler first", frames)
	}

	// After the response started, the status stays what the client got.
	rh = &recorder{}
	h = httplog.Handler(slog.New(rh), mux(), nil)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/items/late-panic", nil))
	if w.Code != 200 || w.Body.String() != "partial" {
		t.Errorf("late panic: %d %q, want the started 200 response untouched", w.Code, w.Body.String())
	}
	if recs := rh.records(); len(recs) != 2 || recs[0].r.Message != httplog.MsgPanic {
		t.Errorf("late panic: records %v", recs)
	}

	// http.ErrAbortHandler goes on to net/http, unlogged.
	rh = &recorder{}
	h = httplog.Recover(slog.New(rh))(mux())
	func() {
		defer func() {
			if p := recover(); p != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler passed on", p)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/items/abort", nil))
	}()
	if recs := rh.records(); len(recs) != 0 {
		t.Errorf("abort logged: %v", recs)
	}
}

func TestSkip(t *testing.T) {
	rh := &recorder{}
	h := httplog.Handler(slog.New(rh), mux(), &httplog.Options{Skip: func(r *http.Request) bool { return r.URL.Path == "/items/1" }})
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/items/1", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/items/2", nil))
	if recs := rh.records(); len(recs) != 1 || attrs(recs[0].r)["url.path"].String() != "/items/2" {
		t.Errorf("records %v, want only /items/2", recs)
	}
}
