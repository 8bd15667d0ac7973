package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"go.opentelemetry.io/otel/trace"
)

// The request-shaped record of issue 19, what a service's request handler writes: a span in
// the context, a With logger carrying two attributes, a group of two ints, a wrapped error
// and a markup message, at warn.
var (
	errNotFound = errors.New("order not found")
	// spanContext carries a sampled span, as the context of a traced request does.
	spanContext = trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
		SpanID:     trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
		TraceFlags: trace.FlagsSampled,
	}))
)

// requestLogger is l as a request handler gets it: With two attributes, made once per
// request (here once per benchmark), not per call.
func requestLogger(l *slog.Logger) *slog.Logger {
	return l.With(slog.String("request_id", "req-7f3a9c21"), slog.String("route", "/api/orders/{id}"))
}

// logRequest logs the request record on l (a requestLogger) in ctx (spanContext). The error
// is wrapped per call, as a handler does: its allocations are the call's own, and a disabled
// call (BenchmarkFloor/impl=discard/attrs=request) makes them too.
func logRequest(l *slog.Logger, ctx context.Context, msg string) {
	l.LogAttrs(ctx, slog.LevelWarn, msg,
		slog.Group("resp", slog.Int("status", 404), slog.Int("bytes", 1834)),
		slog.Any("error", fmt.Errorf("load order: %w", errNotFound)),
	)
}
