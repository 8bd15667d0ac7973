// Package httplog is net/http middleware for logbridge (or any slog.Logger): an access log
// with one line per request, and panic recovery that logs the panic with its stack and answers
// 500.
//
// # Use
//
//	srv := lb.MustLogger("app.http", "server")
//	h := httplog.Handler(srv, mux, nil)                      // access log + recovery
//	h = otelhttp.NewHandler(h, "app")                        // outermost: the span is in r.Context()
//
// The access line is logged with the request's context, so behind otelhttp every line carries
// the trace id of the server span (the sinks show it: trace= on the console, trace_id= in the
// file, the record's trace_id in OTLP). Put otelhttp outside, as above: otelhttp hands the
// handlers it wraps a new *http.Request, whose route (r.Pattern, set by ServeMux) and context
// an outer middleware does not see.
//
// # The access line
//
// Message "request served", level by status class ([StatusLevel]: 1xx-3xx INFO, 4xx WARN, 5xx
// ERROR), attributes with OpenTelemetry's HTTP semantic-convention names:
// http.request.method, http.route (the ServeMux pattern, "" when none matched), url.path,
// http.response.status_code, http.response.body.size and duration. The category is the
// logger's: pass a logger of the "server" category, or any other.
//
// # Panics
//
// A panic in the handler is logged at ERROR ("panic serving request") with an error attribute
// of type *[PanicError], which carries the panic's stack: the OTLP sink sends it as
// exception.stacktrace, the console shows the frames that matter, the file the whole stack on
// the record's line. The client gets 500 unless the response had started. http.ErrAbortHandler
// is passed on, as net/http expects.
package httplog

import (
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/logbridge/logbridge/internal/stacktrace"
)

// Options configure the access log. A nil *Options means the defaults.
type Options struct {
	// Level gives the level of a request's access line from its status; nil means StatusLevel.
	Level func(status int) slog.Level
	// Skip, when set and true for a request, leaves it out of the access log (health checks).
	Skip func(*http.Request) bool
}

// Messages of the records the middleware logs.
const (
	MsgRequest = "request served"
	MsgPanic   = "panic serving request"
)

// StatusLevel is the default level of an access line: ERROR for 5xx, WARN for 4xx, INFO for
// the rest.
func StatusLevel(status int) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelError
	case status >= 400:
		return slog.LevelWarn
	}
	return slog.LevelInfo
}

// Handler returns next with both middlewares: AccessLog outside Recover, so that a request
// whose handler panicked is logged with the 500 it got.
func Handler(l *slog.Logger, next http.Handler, opts *Options) http.Handler {
	return AccessLog(l, opts)(Recover(l)(next))
}

// AccessLog returns middleware that logs one line per request to l (see the package
// documentation).
func AccessLog(l *slog.Logger, opts *Options) func(http.Handler) http.Handler {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Level == nil {
		o.Level = StatusLevel
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if o.Skip != nil && o.Skip(r) {
				next.ServeHTTP(w, r)
				return
			}
			start := time.Now()
			rw := &responseWriter{ResponseWriter: w}
			next.ServeHTTP(rw, r)
			status := rw.code()
			l.LogAttrs(r.Context(), o.Level(status), MsgRequest,
				slog.String("http.request.method", r.Method),
				slog.String("http.route", r.Pattern),
				slog.String("url.path", r.URL.Path),
				slog.Int("http.response.status_code", status),
				slog.Int64("http.response.body.size", rw.bytes),
				slog.Duration("duration", time.Since(start)),
			)
		})
	}
}

// Recover returns middleware that recovers a panic of the handler, logs it to l with its
// stack and answers 500 (see the package documentation).
func Recover(l *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rw, ok := w.(*responseWriter)
			if !ok {
				rw = &responseWriter{ResponseWriter: w}
			}
			defer func() {
				p := recover()
				if p == nil {
					return
				}
				if p == http.ErrAbortHandler {
					panic(p)
				}
				err := &PanicError{Value: p, stack: stacktrace.CapturePanic()}
				l.LogAttrs(r.Context(), slog.LevelError, MsgPanic,
					slog.Any("error", err),
					slog.String("http.request.method", r.Method),
					slog.String("http.route", r.Pattern),
					slog.String("url.path", r.URL.Path),
				)
				if rw.status == 0 {
					http.Error(rw, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
				}
			}()
			next.ServeHTTP(rw, r)
		})
	}
}

// PanicError is a recovered panic: its value and the stack of the goroutine that panicked.
// Logged as an error value, its stack reaches OTLP as exception.stacktrace.
type PanicError struct {
	// Value is what was passed to panic.
	Value any
	stack []uintptr
}

// Error returns "panic: " and the panic value.
func (e *PanicError) Error() string { return fmt.Sprint("panic: ", e.Value) }

// Unwrap returns the panic value if it is an error.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// StackTrace returns the program counters of the panicking goroutine's stack, innermost
// first, starting at the call that panicked (the pkg/errors shape logbridge's sinks read).
func (e *PanicError) StackTrace() []uintptr { return e.stack }

// responseWriter records a response's status and body size. It unwraps, so that
// http.ResponseController reaches the writer underneath (Flush, deadlines, hijacking).
type responseWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *responseWriter) WriteHeader(code int) {
	if w.status == 0 && code >= 200 { // 1xx answers are informational: the real one follows
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *responseWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Flush sends what is buffered, for handlers that assert http.Flusher.
func (w *responseWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *responseWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *responseWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}
