package otellog

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"
)

// BenchmarkDisabled compares a call its category's level rejects with slog's own disabled call,
// in one run. Goal: at most ~1.1x slog, 0 allocs.
func BenchmarkDisabled(b *testing.B) {
	c := testCore(b, "core=warn", jsonSink("json", &buffer{}, slog.LevelDebug, true))
	ours := mustLogger(b, c, "app", "core")
	theirs := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		l    *slog.Logger
	}{{"slog", theirs}, {"logbridge", ours}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bc.l.LogAttrs(ctx, slog.LevelInfo, "rejected", slog.String("a", "x"), slog.Int("b", 1),
					slog.Duration("c", time.Second), slog.Bool("d", true), slog.Float64("e", 1.5))
			}
		})
		b.Run(bc.name+"-Info", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bc.l.Info("rejected", "a", "x", "b", 1)
			}
		})
	}
}
