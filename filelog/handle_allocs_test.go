//go:build !race

// Allocation tests (the race detector allocates, so they build without it only). CI runs them
// in `make test`'s non-race step: go test -count=1 -run Allocs ./...

package filelog

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"runtime"
	"testing"
	"time"

	"github.com/logbridge/logbridge/vocab"
	"go.opentelemetry.io/otel/trace"
)

// TestHandleAllocs checks the claim of the package documentation and the README: writing a
// record with the usual values allocates nothing, in the text and the JSON format, with the
// logger name, the caller's line (a real PC), attributes and a group from With/WithGroup, and
// a trace context. (Allocation counts are exact; this is not a timing test.)
func TestHandleAllocs(t *testing.T) {
	var pcs [1]uintptr
	runtime.Callers(1, pcs[:])
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: trace.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		SpanID:  trace.SpanID{1, 2, 3, 4, 5, 6, 7, 8}, TraceFlags: trace.FlagsSampled,
	})
	ctx := trace.ContextWithSpanContext(context.Background(), sc)
	r := slog.NewRecord(time.Now(), slog.LevelWarn, "Test logging, but use a [bold]somewhat[/] realistic message length.", pcs[0])
	r.AddAttrs(
		slog.String("string", "7e3b3b2aaeff56a7108fe11e154200dd/7819479873059528190"),
		slog.Int("status", 32768),
		slog.Duration("duration", 23*time.Second),
		slog.Time("time", time.Date(2022, time.May, 1, 0, 0, 0, 0, time.UTC)),
		slog.Any("error", errors.New("fail")),
	)
	for _, format := range []vocab.Format{vocab.FormatText, vocab.FormatJSON} {
		h := NewHandler(io.Discard, &Options{Format: format}).WithLogger("app.db", "core").
			WithAttrs([]slog.Attr{slog.Int("pre", 1)}).WithGroup("req")
		_ = h.Handle(ctx, r) // the source position is cached the first time
		if n := testing.AllocsPerRun(100, func() { _ = h.Handle(ctx, r) }); n != 0 {
			t.Errorf("format %v: %v allocs per record", format, n)
		}
	}
}
