package httplog_test

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/logbridge/logbridge/httplog"
	"github.com/logbridge/logbridge/internal/stacktrace"
	"github.com/logbridge/logbridge/internal/testkit"
)

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
			rh := &testkit.Recorder{}
			h := httplog.Handler(slog.New(rh), mux(), nil)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", tc.path, nil))
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d", w.Code, tc.status)
			}
			recs := rh.Records()
			if len(recs) != 1 || recs[0].Record.Message != httplog.MsgRequest {
				t.Fatalf("records %v, want one access line", recs)
			}
			r := recs[0].Record
			a := testkit.Attrs(r)
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
	rh := &testkit.Recorder{}
	h := httplog.Handler(slog.New(rh), mux(), nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/items/panic", nil))
	if w.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", w.Code)
	}
	recs := rh.Records()
	if len(recs) != 2 || recs[0].Record.Message != httplog.MsgPanic || recs[1].Record.Message != httplog.MsgRequest {
		t.Fatalf("records %v, want the panic then the access line", recs)
	}
	if recs[0].Record.Level != slog.LevelError || testkit.Attrs(recs[1].Record)["http.response.status_code"].Int64() != 500 {
		t.Errorf("panic at %v, access line %v", recs[0].Record.Level, testkit.Attrs(recs[1].Record))
	}
	err, ok := testkit.Attrs(recs[0].Record)["error"].Any().(*httplog.PanicError)
	if !ok {
		t.Fatalf("error attr %v, want a *PanicError", testkit.Attrs(recs[0].Record)["error"])
	}
	if err.Error() != "panic: nil map in cart" || err.Unwrap() == nil {
		t.Errorf("PanicError %q, unwraps to %v", err.Error(), err.Unwrap())
	}
	frames := stacktrace.Frames(stacktrace.FromError(err))
	if len(frames) == 0 || !strings.HasSuffix(frames[0].Function, "httplog_test.panicInHandler") {
		t.Fatalf("stack %+v, want panicInHandler first", frames)
	}

	// After the response started, the status stays what the client got.
	rh = &testkit.Recorder{}
	h = httplog.Handler(slog.New(rh), mux(), nil)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/items/late-panic", nil))
	if w.Code != 200 || w.Body.String() != "partial" {
		t.Errorf("late panic: %d %q, want the started 200 response untouched", w.Code, w.Body.String())
	}
	if recs := rh.Records(); len(recs) != 2 || recs[0].Record.Message != httplog.MsgPanic {
		t.Errorf("late panic: records %v", recs)
	}

	// http.ErrAbortHandler goes on to net/http, unlogged.
	rh = &testkit.Recorder{}
	h = httplog.Recover(slog.New(rh))(mux())
	func() {
		defer func() {
			if p := recover(); p != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler passed on", p)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/items/abort", nil))
	}()
	if recs := rh.Records(); len(recs) != 0 {
		t.Errorf("abort logged: %v", recs)
	}
}

func TestSkip(t *testing.T) {
	rh := &testkit.Recorder{}
	h := httplog.Handler(slog.New(rh), mux(), &httplog.Options{Skip: func(r *http.Request) bool { return r.URL.Path == "/items/1" }})
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/items/1", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/items/2", nil))
	if recs := rh.Records(); len(recs) != 1 || testkit.Attrs(recs[0].Record)["url.path"].String() != "/items/2" {
		t.Errorf("records %v, want only /items/2", recs)
	}
}
