package otellog

import (
	"context"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"go.opentelemetry.io/otel"
)

// stdLogWriter turns each write of the standard log package into one uncategorized record.
type stdLogWriter struct {
	h     slog.Handler
	level slog.Level
}

func (w *stdLogWriter) Write(p []byte) (int, error) {
	ctx := context.Background()
	if !w.h.Enabled(ctx, w.level) {
		return len(p), nil
	}
	// Skip runtime.Callers, Write, log.(*Logger).output and log.Print* to reach the caller.
	var pcs [1]uintptr
	runtime.Callers(4, pcs[:])
	r := slog.NewRecord(time.Now(), w.level, strings.TrimSuffix(string(p), "\n"), pcs[0])
	return len(p), w.h.Handle(ctx, r)
}

// otelCategory names OpenTelemetry's own diagnostics on the console and in the file.
const otelLogger = "go.opentelemetry.io/otel"

// routeOTelDiagnostics sends OpenTelemetry's global error handler (rate-limited) and internal
// logger to the console and file sinks only, so an export failure never feeds back into OTLP.
// It returns a function restoring what was there before.
func (b *Bridge) routeOTelDiagnostics() func() {
	prevHandler := otel.GetErrorHandler()
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		b.core.rep.report("otel", -1, slog.LevelWarn, "OpenTelemetry error", slog.String("error", err.Error()))
	}))
	otel.SetLogger(logr.FromSlogHandler(b.core.handlerFor(otelLogger, b.core.reg.root, true)))
	return func() {
		otel.SetErrorHandler(prevHandler)
		otel.SetLogger(logr.Discard())
	}
}
