package otlpsink_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/logbridge/logbridge/internal/testkit"
	"github.com/logbridge/logbridge/otlpsink"
)

// The stdlib's benchmark values (log/slog/internal/benchmarks).
const benchMessage = "Test logging, but use a somewhat realistic message length."

var (
	benchTime     = time.Date(2022, time.May, 1, 0, 0, 0, 0, time.UTC)
	benchString   = "7e3b3b2aaeff56a7108fe11e154200dd/7819479873059528190"
	benchInt      = 32768
	benchDuration = 23 * time.Second
	errBench      = errors.New("fail")
)

// benchLoggers returns the contenders, each with a cleanup.
func benchLoggers(b *testing.B) []struct {
	name   string
	logger *slog.Logger
} {
	ctx := context.Background()
	opts := &otlpsink.Options{Level: slog.LevelDebug}

	// logbridge: the handler on a Pipeline's provider (fast path), our Processor.
	p, err := otlpsink.NewPipeline(ctx, otlpsink.WithExporter(testkit.NopExporter{}))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = p.Shutdown(ctx) })
	ours := otlpsink.NewHandler(p.Provider(), opts).WithLogger("bench", "core")

	// logbridge-sdkpath: the handler on a plain sdk/log provider with our Processor.
	sp := sdklog.NewLoggerProvider(sdklog.WithProcessor(otlpsink.NewProcessor(testkit.NopExporter{})), sdklog.WithAllowKeyDuplication())
	b.Cleanup(func() { _ = sp.Shutdown(ctx) })
	generic := otlpsink.NewHandler(sp, opts).WithLogger("bench", "core")

	return []struct {
		name   string
		logger *slog.Logger
	}{
		{"logbridge", slog.New(ours)},
		{"logbridge-sdkpath", slog.New(generic)},
	}
}

// BenchmarkOTLP compares the OTLP sink's fast path (on a Pipeline's provider) with its SDK
// path (on a plain sdk/log provider), both in front of the same no-op exporter, with the
// stdlib's 5, 10 and 40 attribute cases. The comparison with otelslog is bench/'s
// BenchmarkOTLP.
func BenchmarkOTLP(b *testing.B) {
	ctx := context.Background()
	for _, c := range benchLoggers(b) {
		logger := c.logger
		b.Run(c.name, func(b *testing.B) {
			b.Run("5attrs", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					logger.LogAttrs(ctx, slog.LevelInfo, benchMessage,
						slog.String("string", benchString),
						slog.Int("status", benchInt),
						slog.Duration("duration", benchDuration),
						slog.Time("time", benchTime),
						slog.Any("error", errBench),
					)
				}
			})
			b.Run("10attrs", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					logger.LogAttrs(ctx, slog.LevelInfo, benchMessage,
						slog.String("string", benchString),
						slog.Int("status", benchInt),
						slog.Duration("duration", benchDuration),
						slog.Time("time", benchTime),
						slog.Any("error", errBench),
						slog.String("string", benchString),
						slog.Int("status", benchInt),
						slog.Duration("duration", benchDuration),
						slog.Time("time", benchTime),
						slog.Any("error", errBench),
					)
				}
			})
			b.Run("40attrs", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					logger.LogAttrs(ctx, slog.LevelInfo, benchMessage,
						slog.String("string", benchString),
						slog.Int("status", benchInt),
						slog.Duration("duration", benchDuration),
						slog.Time("time", benchTime),
						slog.Any("error", errBench),
						slog.String("string", benchString),
						slog.Int("status", benchInt),
						slog.Duration("duration", benchDuration),
						slog.Time("time", benchTime),
						slog.Any("error", errBench),
						slog.String("string", benchString),
						slog.Int("status", benchInt),
						slog.Duration("duration", benchDuration),
						slog.Time("time", benchTime),
						slog.Any("error", errBench),
						slog.String("string", benchString),
						slog.Int("status", benchInt),
						slog.Duration("duration", benchDuration),
						slog.Time("time", benchTime),
						slog.Any("error", errBench),
						slog.String("string", benchString),
						slog.Int("status", benchInt),
						slog.Duration("duration", benchDuration),
						slog.Time("time", benchTime),
						slog.Any("error", errBench),
						slog.String("string", benchString),
						slog.Int("status", benchInt),
						slog.Duration("duration", benchDuration),
						slog.Time("time", benchTime),
						slog.Any("error", errBench),
						slog.String("string", benchString),
						slog.Int("status", benchInt),
						slog.Duration("duration", benchDuration),
						slog.Time("time", benchTime),
						slog.Any("error", errBench),
						slog.String("string", benchString),
						slog.Int("status", benchInt),
						slog.Duration("duration", benchDuration),
						slog.Time("time", benchTime),
						slog.Any("error", errBench),
					)
				}
			})
		})
	}
}
