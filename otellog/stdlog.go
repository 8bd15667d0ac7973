package otellog

import (
	"context"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"github.com/logbridge/logbridge/vocab"
	"go.opentelemetry.io/otel"
)

// stdLogWriter turns each write of the standard log package into one uncategorized record.
// Its lines are at level (WARN by default, so that the default root level shows them: a line
// from log.Printf is often an error report, such as http.Server's), and those of log.Fatal* and
// log.Panic* at least at ERROR, which the fan-out waits for until the console and the file
// have written it (at most the WithMaxBlock bound): the program ends right after.
type stdLogWriter struct {
	h     slog.Handler
	level slog.Level
}

func (w *stdLogWriter) Write(p []byte) (int, error) {
	ctx := context.Background()
	// Skip runtime.Callers and Write: the frames are log.(*Logger).output, the log function
	// (log.Printf, log.Fatal, ...) and its caller.
	var pcs [3]uintptr
	runtime.Callers(2, pcs[:])
	level, last := w.level, stdLogFinal(pcs[1])
	if last {
		level = max(level, slog.LevelError)
	}
	if !w.h.Enabled(ctx, level) {
		return len(p), nil
	}
	r := slog.NewRecord(time.Now(), level, strings.TrimSuffix(string(p), "\n"), pcs[2])
	return len(p), w.h.Handle(ctx, r) // at ERROR, the fan-out waits until it is written
}

// stdLogFinal reports whether pc is in a function of the log package that ends the program
// or panics after writing: Fatal, Fatalf, Fatalln, Panic, Panicf, Panicln (of the package or
// of a *log.Logger).
func stdLogFinal(pc uintptr) bool {
	frame, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	rest, ok := strings.CutPrefix(frame.Function, "log.")
	if !ok {
		return false
	}
	rest = strings.TrimPrefix(rest, "(*Logger).")
	return strings.HasPrefix(rest, "Fatal") || strings.HasPrefix(rest, "Panic")
}

// otelLogger names OpenTelemetry's own diagnostics on the console and in the file.
const otelLogger = "go.opentelemetry.io/otel"

// maxEarlyDiagnostics bounds what is held back before the sinks exist.
const maxEarlyDiagnostics = 64

// otelDiagnostics routes OpenTelemetry's global error handler and internal logger to the
// console and file sinks only, so an export failure never feeds back into OTLP. It is installed
// before the sinks are built, because the exporters report bad OTEL_* values while being made;
// until the bridge is ready it holds what arrives. Everything is redacted of the OTLP headers'
// values and URL user info before it is shown: the SDK's own messages quote raw env values.
type otelDiagnostics struct {
	b *Bridge

	mu      sync.Mutex
	ready   bool
	target  slog.Handler // diagnostic sinks, for logger otelLogger
	early   []slog.Record
	dropped int                // early records beyond maxEarlyDiagnostics
	setup   []vocab.Diagnostic // what Setup reported; the SDK's repeats of it are dropped
}

// routeOTelDiagnostics installs the routing and returns a function restoring what was there.
func (b *Bridge) routeOTelDiagnostics() (*otelDiagnostics, func()) {
	d := &otelDiagnostics{b: b}
	prevHandler := otel.GetErrorHandler()
	otel.SetErrorHandler(otel.ErrorHandlerFunc(d.handleError))
	otel.SetLogger(logr.FromSlogHandler(&otelDiagHandler{d: d}))
	return d, func() {
		otel.SetErrorHandler(prevHandler)
		otel.SetLogger(logr.Discard())
	}
}

// captureOTelErrors borrows OpenTelemetry's global error handler, holding what arrives for
// start, and returns a function giving it back. (The internal logger is left alone: there is
// no way to read, and so to restore, the one in place.)
func (b *Bridge) captureOTelErrors() (*otelDiagnostics, func()) {
	d := &otelDiagnostics{b: b}
	prevHandler := otel.GetErrorHandler()
	otel.SetErrorHandler(otel.ErrorHandlerFunc(d.handleError))
	return d, func() { otel.SetErrorHandler(prevHandler) }
}

// start sends what was held back and everything after it to the diagnostic sinks, in
// DiagnosticsCategory. An error that repeats one of setupDiags, which Setup has just
// reported, is dropped, then or later: the SDK reads some variables again (the
// LoggerProvider, and a TracerProvider of the application's, read OTEL_RESOURCE_ATTRIBUTES),
// and one problem deserves one warning.
func (d *otelDiagnostics) start(setupDiags []vocab.Diagnostic) {
	target := d.b.core.handlerFor(otelLogger, d.b.core.reg.diag, true)
	d.mu.Lock()
	early, dropped := d.early, d.dropped
	d.early, d.target, d.ready, d.setup = nil, target, true, setupDiags
	d.mu.Unlock()
	for _, r := range early {
		if !repeats(r, setupDiags) {
			d.deliver(target, r)
		}
	}
	if dropped > 0 {
		d.b.core.rep.write(-1, slog.LevelWarn, "OpenTelemetry diagnostics dropped before setup finished", slog.Int("dropped", dropped))
	}
}

// repeats reports whether r's error text is part of one of diags.
func repeats(r slog.Record, diags []vocab.Diagnostic) bool {
	var text string
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "error" {
			text = a.Value.String()
		}
		return text == ""
	})
	if text == "" {
		return false
	}
	for _, d := range diags {
		if strings.Contains(d.Error(), text) {
			return true
		}
	}
	return false
}

// handleError is OpenTelemetry's global error handler: rate-limited warnings.
func (d *otelDiagnostics) handleError(err error) {
	r := slog.NewRecord(time.Now(), slog.LevelWarn, "OpenTelemetry error", 0)
	r.AddAttrs(slog.String("error", err.Error()))
	d.handle(r, true)
}

// handle delivers r now or holds it until start. Errors are rate-limited (the SDK reports one
// per failed export); the internal logger's records are not.
func (d *otelDiagnostics) handle(r slog.Record, rateLimited bool) {
	d.mu.Lock()
	if !d.ready {
		if len(d.early) < maxEarlyDiagnostics {
			d.early = append(d.early, r.Clone())
		} else {
			d.dropped++
		}
		d.mu.Unlock()
		return
	}
	target, setup := d.target, d.setup
	d.mu.Unlock()
	if rateLimited && repeats(r, setup) {
		return
	}
	if rateLimited {
		var attrs []slog.Attr
		r.Attrs(func(a slog.Attr) bool { attrs = append(attrs, d.redactAttr(a)); return true })
		d.report(r.Level, d.redact(r.Message), attrs)
		return
	}
	d.deliver(target, r)
}

// report writes an OpenTelemetry error, at most once per report interval.
func (d *otelDiagnostics) report(level slog.Level, msg string, attrs []slog.Attr) {
	attrs, ok := d.b.core.rep.allow("otel-error", attrs)
	if !ok {
		return
	}
	d.mu.Lock()
	target := d.target
	d.mu.Unlock()
	r := slog.NewRecord(time.Now(), level, msg, 0)
	r.AddAttrs(attrs...)
	d.deliver(target, r)
}

func (d *otelDiagnostics) deliver(target slog.Handler, r slog.Record) {
	ctx := context.Background()
	if !target.Enabled(ctx, r.Level) {
		return
	}
	out := slog.NewRecord(r.Time, r.Level, d.redact(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool { out.AddAttrs(d.redactAttr(a)); return true })
	_ = handleSafely(ctx, target, out)
}

func (d *otelDiagnostics) redact(s string) string {
	if p := d.b.otlp; p != nil {
		return p.Redact(s)
	}
	return s
}

// redactAttr renders a's value as text and redacts it; groups keep their shape.
func (d *otelDiagnostics) redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		group := v.Group()
		out := make([]any, len(group))
		for i, g := range group {
			out[i] = d.redactAttr(g)
		}
		return slog.Group(a.Key, out...)
	}
	return slog.String(a.Key, d.redact(v.String()))
}

// otelDiagHandler is the slog.Handler behind OpenTelemetry's internal logr logger.
type otelDiagHandler struct {
	d      *otelDiagnostics
	attrs  []slog.Attr
	groups []string
}

func (h *otelDiagHandler) Enabled(ctx context.Context, l slog.Level) bool {
	h.d.mu.Lock()
	target, ready := h.d.target, h.d.ready
	h.d.mu.Unlock()
	if !ready {
		return l >= slog.LevelInfo // hold back what may matter; the root level decides later
	}
	return target.Enabled(ctx, l)
}

func (h *otelDiagHandler) Handle(_ context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	out.AddAttrs(h.attrs...)
	r.Attrs(func(a slog.Attr) bool {
		if len(h.groups) > 0 {
			a.Key = strings.Join(h.groups, ".") + "." + a.Key
		}
		out.AddAttrs(a)
		return true
	})
	h.d.handle(out, false)
	return nil
}

func (h *otelDiagHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *h
	c.attrs = make([]slog.Attr, 0, len(h.attrs)+len(attrs))
	c.attrs = append(c.attrs, h.attrs...)
	for _, a := range attrs {
		if len(h.groups) > 0 {
			a.Key = strings.Join(h.groups, ".") + "." + a.Key
		}
		c.attrs = append(c.attrs, a)
	}
	return &c
}

func (h *otelDiagHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.groups = append(append([]string(nil), h.groups...), name)
	return &c
}
