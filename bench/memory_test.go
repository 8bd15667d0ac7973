package bench

import (
	"context"
	"log/slog"
	"runtime"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/bridges/otelslog"
	sdklog "go.opentelemetry.io/otel/sdk/log"

	"github.com/logbridge/logbridge/otlpsink"
)

// outageRecords is how many records BenchmarkMemory emits while the collector is away.
const outageRecords = 1_000_000

// hungExporter is a collector that never answers: Export blocks until its context ends or
// the exporter is shut down.
type hungExporter struct{ done chan struct{} }

func (e hungExporter) Export(ctx context.Context, _ []sdklog.Record) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-e.done:
		return nil
	}
}
func (e hungExporter) Shutdown(context.Context) error   { return nil }
func (e hungExporter) ForceFlush(context.Context) error { return nil }

// memoryContender builds a logger in an outage and says how many records it holds.
type memoryContender struct {
	name  string
	start func(b *testing.B) (l *slog.Logger, held func() int, stop func())
}

// BenchmarkMemory emits outageRecords records (5 attributes) during an outage and measures
// the live heap they leave (after a GC, against one before the provider is built), per
// record held.
// Metrics: heap-MiB (growth of the live heap), held/op (records held when the burst ends) and
// B/record (heap-MiB per record held). Contenders:
//
//   - sdk-batch: otelslog + the SDK's BatchProcessor with a queue of outageRecords in front
//     of an exporter that never answers (a dead endpoint would not do: otlploghttp does not
//     retry a refused connection, so the SDK would drop each batch at once and hold nothing);
//     nothing is dropped, so it holds every record;
//   - logbridge: the OTLP pipeline to the dead endpoint 127.0.0.1:1 (OTLP/HTTP, retrying),
//     with a queue of outageRecords: it holds what Stats().Pending says;
//   - logbridge-default: the same with the default queue, the bound a user gets: the heap
//     stays at the queue's size whatever the outage's length.
//
// Goal: logbridge's B/record <= sdk-batch's.
func BenchmarkMemory(b *testing.B) {
	pipeline := func(opts ...otlpsink.ProcessorOption) func(*testing.B) (*slog.Logger, func() int, func()) {
		return func(b *testing.B) (*slog.Logger, func() int, func()) {
			b.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
			b.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", otlpsink.ProtocolHTTPProtobuf)
			p, err := otlpsink.NewPipeline(context.Background(), otlpsink.WithProcessorOptions(opts...), otlpsink.WithConsoleExporterWriter(nopWriter{}))
			if err != nil {
				b.Fatal(err)
			}
			l := slog.New(otlpsink.NewHandler(p.Provider(), nil).WithLogger("bench", "core"))
			return l, func() int { return int(p.Stats().Pending) }, func() { shutdownNow(p.Shutdown) }
		}
	}
	contenders := []memoryContender{
		{"sdk-batch", func(b *testing.B) (*slog.Logger, func() int, func()) {
			exp := hungExporter{done: make(chan struct{})}
			lp := sdklog.NewLoggerProvider(sdklog.WithProcessor(sdklog.NewBatchProcessor(exp, sdklog.WithMaxQueueSize(outageRecords))))
			l := otelslog.NewLogger("bench", otelslog.WithLoggerProvider(lp))
			return l, func() int { return outageRecords }, func() { close(exp.done); shutdownNow(lp.Shutdown) }
		}},
		{"logbridge", pipeline(otlpsink.WithMaxQueueSize(outageRecords))},
		{"logbridge-default", pipeline()},
	}
	for _, ct := range contenders {
		b.Run("impl="+ct.name, func(b *testing.B) {
			var growth, held float64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				// Measured from before the provider is built: the SDK's queue allocates
				// its ring of records up front.
				before := liveHeap()
				l, heldNow, stop := ct.start(b)
				b.StartTimer()
				ctx := context.Background()
				for range outageRecords {
					log5(l, ctx, testMessage)
				}
				b.StopTimer()
				h := heldNow()
				growth += float64(liveHeap()) - float64(before)
				held += float64(h)
				runtime.KeepAlive(l)
				stop()
				b.StartTimer()
			}
			b.ReportMetric(growth/float64(b.N)/(1<<20), "heap-MiB")
			b.ReportMetric(held/float64(b.N), "held/op")
			if held > 0 {
				b.ReportMetric(growth/held, "B/record")
			}
		})
	}
}

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// shutdownNow shuts a provider down without waiting for what it holds to be delivered.
func shutdownNow(shutdown func(context.Context) error) {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_ = shutdown(ctx)
}

// nopWriter takes the pipeline's own reports (of the failing exports) and drops them.
type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }
