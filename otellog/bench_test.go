package otellog

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"go.opentelemetry.io/otel/baggage"

	"github.com/logbridge/logbridge/console"
	"github.com/logbridge/logbridge/filelog"
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

// BenchmarkContextAttrs is the fan-out (console and file sinks to io.Discard, 5 attributes)
// without context attributes, with a WithContextAttrs function that finds nothing in the
// context, with one that finds two attributes (kept in the context, as WithContextAttrs
// advises), and with a baggage allow-list of two keys both present.
func BenchmarkContextAttrs(b *testing.B) {
	sinks := func() []*sink {
		return []*sink{
			{name: SinkConsole, handler: console.NewHandler(io.Discard, &console.Options{Level: slog.LevelDebug, Color: console.ColorNever})},
			{name: SinkFile, handler: filelog.NewHandler(io.Discard, &filelog.Options{Level: slog.LevelDebug})},
		}
	}
	two := []slog.Attr{slog.String("request_id", "req-7"), slog.String("tenant", "acme")}
	bag, _ := baggage.Parse("tenant=acme,user.id=u42")
	ctx := context.WithValue(context.Background(), requestKey{}, two)
	ctxNothing := context.WithValue(context.Background(), otherKey{}, 1)
	for _, bc := range []struct {
		name     string
		ctx      context.Context
		ctxAttrs *contextAttrs
	}{
		{"none", ctx, nil},
		{"extractor-finds-nothing", ctxNothing, newContextAttrs([]func(context.Context) []slog.Attr{requestAttrs}, nil)},
		{"extractor-finds-two", ctx, newContextAttrs([]func(context.Context) []slog.Attr{requestAttrs}, nil)},
		{"baggage-finds-two", baggage.ContextWithBaggage(ctxNothing, bag), newContextAttrs(nil, []string{"tenant", "user.id"})},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := testCore(b, "core=debug", sinks()...)
			c.ctxAttrs = bc.ctxAttrs
			l := mustLogger(b, c, "app", "core")
			b.ReportAllocs()
			for b.Loop() {
				l.LogAttrs(bc.ctx, slog.LevelInfo, "request served", slog.String("a", "x"), slog.Int("b", 1),
					slog.Duration("c", time.Second), slog.Bool("d", true), slog.Float64("e", 1.5))
			}
		})
	}
}
