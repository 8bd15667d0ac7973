package filelog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"testing"
	"time"

	"github.com/logbridge/logbridge/internal/benchutil"
	"github.com/logbridge/logbridge/vocab"
	"go.opentelemetry.io/otel/trace"
)

// The cases of log/slog/internal/benchmarks: the same message and five attributes (string,
// int, duration, time, error), repeated for 10 and 40.
const benchMessage = "Test logging, but use a somewhat realistic message length."

var (
	benchTime     = time.Date(2022, time.May, 1, 0, 0, 0, 0, time.UTC)
	benchString   = "7e3b3b2aaeff56a7108fe11e154200dd/7819479873059528190"
	benchInt      = 32768
	benchDuration = 23 * time.Second
	errBench      = errors.New("fail")
)

func benchAttrs(n int) []slog.Attr {
	five := []slog.Attr{
		slog.String("string", benchString),
		slog.Int("status", benchInt),
		slog.Duration("duration", benchDuration),
		slog.Time("time", benchTime),
		slog.Any("error", errBench),
	}
	var as []slog.Attr
	for len(as) < n {
		as = append(as, five...)
	}
	return as[:n]
}

// BenchmarkFile compares the file sink with slog's own handlers, all writing to io.Discard:
//
//	go test -run '^$' -bench 'BenchmarkFile$' -cpu 1 -count 10 ./filelog/ | benchstat -col /handler -
//
// On a shared machine, compare cpu-ns/op (the process's CPU time per record) rather than
// ns/op. The 1 alloc/op with 10 and 40 attributes is slog.Record's own, for the attributes past
// the first five: the "enabled" handler, which does nothing, shows it too.
//
// logbridge-* come from WithLogger (the way the fan-out uses them), so they also write the
// logger name, the caller's line number and the category, which slog's handlers don't.
func BenchmarkFile(b *testing.B) {
	ctx := context.Background()
	for _, handler := range []struct {
		name string
		h    slog.Handler
	}{
		{"discard", slog.DiscardHandler},
		{"enabled", enabledHandler{}},
		{"logbridge-text", NewHandler(io.Discard, nil).WithLogger("bench", "core")},
		{"logbridge-json", NewHandler(io.Discard, &Options{Format: vocab.FormatJSON}).WithLogger("bench", "core")},
		{"slogtext", slog.NewTextHandler(io.Discard, nil)},
		{"slogjson", slog.NewJSONHandler(io.Discard, nil)},
	} {
		logger := slog.New(handler.h)
		b.Run("handler="+handler.name, func(b *testing.B) {
			for _, n := range []int{5, 10, 40} {
				attrs := benchAttrs(n)
				b.Run(itoa(n)+"attrs", func(b *testing.B) {
					b.ReportAllocs()
					cpu := benchutil.StartCPU()
					for b.Loop() {
						logger.LogAttrs(ctx, slog.LevelInfo, benchMessage, attrs...)
					}
					cpu.Report(b)
				})
			}
		})
	}
}

// BenchmarkFileWith measures a logger with attributes and a group added by With/WithGroup, the
// shape a service's request logger has.
func BenchmarkFileWith(b *testing.B) {
	ctx := context.Background()
	for _, handler := range []struct {
		name string
		h    slog.Handler
	}{
		{"logbridge-text", NewHandler(io.Discard, nil).WithLogger("bench", "core")},
		{"logbridge-json", NewHandler(io.Discard, &Options{Format: vocab.FormatJSON}).WithLogger("bench", "core")},
		{"slogtext", slog.NewTextHandler(io.Discard, nil)},
		{"slogjson", slog.NewJSONHandler(io.Discard, nil)},
	} {
		logger := slog.New(handler.h.WithAttrs(benchAttrs(5))).WithGroup("req")
		attrs := benchAttrs(5)
		b.Run("handler="+handler.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := benchutil.StartCPU()
			for b.Loop() {
				logger.LogAttrs(ctx, slog.LevelInfo, benchMessage, attrs...)
			}
			cpu.Report(b)
		})
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// BenchmarkHandle measures Handle alone on a prepared record (with a PC, so the line number
// is looked up), for profiling the handler without slog.Logger's costs.
func BenchmarkHandle(b *testing.B) {
	var pcs [1]uintptr
	runtime.Callers(1, pcs[:])
	r := slog.NewRecord(time.Now(), slog.LevelInfo, benchMessage, pcs[0])
	r.AddAttrs(benchAttrs(5)...)
	ctx := context.Background()
	for _, handler := range []struct {
		name string
		h    slog.Handler
	}{
		{"logbridge-text", NewHandler(io.Discard, nil).WithLogger("bench", "core")},
		{"logbridge-json", NewHandler(io.Discard, &Options{Format: vocab.FormatJSON}).WithLogger("bench", "core")},
		{"slogtext", slog.NewTextHandler(io.Discard, nil)},
		{"slogjson", slog.NewJSONHandler(io.Discard, nil)},
	} {
		b.Run("handler="+handler.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := benchutil.StartCPU()
			for b.Loop() {
				handler.h.Handle(ctx, r)
			}
			cpu.Report(b)
		})
	}
}

// enabledHandler is a handler that takes every record and does nothing: the cost of slog.Logger
// itself.
type enabledHandler struct{}

func (enabledHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (enabledHandler) Handle(context.Context, slog.Record) error { return nil }
func (h enabledHandler) WithAttrs([]slog.Attr) slog.Handler      { return h }
func (h enabledHandler) WithGroup(string) slog.Handler           { return h }

// BenchmarkHandleRequest is BenchmarkHandle on the request-shaped record of bench/request_test.go
// (a With logger of two attributes, a group of two ints, a wrapped error, a markup message at
// warn, a span in the context), for profiling Handle on it.
func BenchmarkHandleRequest(b *testing.B) {
	var pcs [1]uintptr
	runtime.Callers(1, pcs[:])
	r := slog.NewRecord(time.Now(), slog.LevelWarn, "Test logging, but use a [bold]somewhat[/] realistic message length.", pcs[0])
	r.AddAttrs(slog.Group("resp", slog.Int("status", 404), slog.Int("bytes", 1834)),
		slog.Any("error", fmt.Errorf("load order: %w", errBench)))
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
		SpanID:     trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
		TraceFlags: trace.FlagsSampled,
	}))
	with := []slog.Attr{slog.String("request_id", "req-7f3a9c21"), slog.String("route", "/api/orders/{id}")}
	for _, handler := range []struct {
		name string
		h    slog.Handler
	}{
		{"logbridge-text", NewHandler(io.Discard, nil).WithLogger("bench", "core")},
		{"logbridge-json", NewHandler(io.Discard, &Options{Format: vocab.FormatJSON}).WithLogger("bench", "core")},
		{"slogtext", slog.NewTextHandler(io.Discard, nil)},
		{"slogjson", slog.NewJSONHandler(io.Discard, nil)},
	} {
		h := handler.h.WithAttrs(with)
		b.Run("handler="+handler.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := benchutil.StartCPU()
			for b.Loop() {
				h.Handle(ctx, r)
			}
			cpu.Report(b)
		})
	}
}
