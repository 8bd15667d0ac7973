package otlpsink_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/bridges/otelslog"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/logbridge/logbridge/internal/collectortest"
	"github.com/logbridge/logbridge/otlpsink"
)

// e2eBurst is the size of the burst BenchmarkE2E emits per iteration.
const e2eBurst = 200_000

// BenchmarkE2E measures delivered records per second to the real collector over OTLP/HTTP:
// a burst of e2eBurst records emitted from one goroutine, then Shutdown, timed together.
// Contenders: the OTLP sink with default settings; raw otelslog + otlploghttp +
// BatchProcessor with its default queue (which drops), and with a queue as large as the
// burst (which does not). Metrics: delivered/s and delivered% (of emitted).
//
//	go test -run '^$' -bench BenchmarkE2E -benchtime 3x ./otlpsink/
func BenchmarkE2E(b *testing.B) {
	type contender struct {
		name  string
		start func(b *testing.B, c *collectortest.Collector) (*slog.Logger, func(context.Context) error)
	}
	rawOtelslog := func(opts ...sdklog.BatchProcessorOption) func(*testing.B, *collectortest.Collector) (*slog.Logger, func(context.Context) error) {
		return func(b *testing.B, c *collectortest.Collector) (*slog.Logger, func(context.Context) error) {
			exp, err := otlploghttp.New(context.Background(), otlploghttp.WithEndpointURL(c.HTTPEndpoint()+"/v1/logs"))
			if err != nil {
				b.Fatal(err)
			}
			lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewBatchProcessor(exp, opts...)))
			return otelslog.NewLogger("bench", otelslog.WithLoggerProvider(lp)), lp.Shutdown
		}
	}
	contenders := []contender{
		{"logbridge", func(b *testing.B, c *collectortest.Collector) (*slog.Logger, func(context.Context) error) {
			b.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", c.HTTPEndpoint())
			p, err := otlpsink.NewPipeline(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			return slog.New(otlpsink.NewHandler(p.Provider(), nil).WithLogger("bench", "core")), p.Shutdown
		}},
		{"otelslog", rawOtelslog()},
		{"otelslog-queue200k", rawOtelslog(sdklog.WithMaxQueueSize(e2eBurst))},
	}
	for _, ct := range contenders {
		b.Run(ct.name, func(b *testing.B) {
			c := collectortest.Start(b)
			var delivered, emitted int
			var elapsed time.Duration
			for b.Loop() {
				b.StopTimer()
				before := len(c.Logs())
				logger, shutdown := ct.start(b, c)
				b.StartTimer()
				start := time.Now()
				for i := range e2eBurst {
					logger.LogAttrs(context.Background(), slog.LevelInfo, benchMessage,
						slog.String("string", benchString), slog.Int("status", benchInt),
						slog.Duration("duration", benchDuration), slog.Time("time", benchTime), slog.Int("i", i))
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				_ = shutdown(ctx)
				cancel()
				elapsed += time.Since(start)
				b.StopTimer()
				emitted += e2eBurst
				// The collector writes a request to its file before acknowledging it, so
				// everything acknowledged is in the file once Shutdown has returned.
				delivered += len(c.Logs()) - before
				b.StartTimer()
			}
			b.ReportMetric(float64(delivered)/elapsed.Seconds(), "delivered/s")
			b.ReportMetric(100*float64(delivered)/float64(emitted), "delivered%")
		})
	}
}
