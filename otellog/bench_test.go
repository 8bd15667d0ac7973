package otellog

import (
	"context"
	"github.com/logbridge/logbridge/config"
	"github.com/logbridge/logbridge/internal/benchutil"
	"github.com/logbridge/logbridge/internal/testkit"
	"github.com/logbridge/logbridge/otlpsink"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/metric/noop"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"go.opentelemetry.io/otel/baggage"

	"github.com/logbridge/logbridge/console"
	"github.com/logbridge/logbridge/filelog"
	"github.com/logbridge/logbridge/vocab"
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
			{name: SinkConsole, handler: console.NewHandler(io.Discard, &console.Options{Level: slog.LevelDebug, Color: vocab.ColorNever})},
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

// healthCases are the fan-outs BenchmarkFanoutHealth compares: as it was (no metrics, no
// rates), the pipeline metrics on an SDK MeterProvider, storm control on (a rate never
// reached: the cost of the check), and both.
var healthCases = []struct {
	name    string
	metrics bool
	rates   string
}{
	{"baseline", false, ""},
	{"metrics", true, ""},
	{"storm", false, "all=1000000/s"},
	{"metrics+storm", true, "all=1000000/s"},
}

// healthLogger builds the whole fan-out (console to io.Discard with color, the file sink on
// /dev/null, OTLP with a no-op exporter) for one of healthCases.
func healthLogger(b *testing.B, metrics bool, rates string) (*Bridge, *slog.Logger) {
	cfg := config.Default()
	cfg.Console.Color = vocab.ColorAlways
	cfg.File.Path = os.DevNull
	lb, err := Setup(context.Background(), WithCategories("core"), WithConfig(cfg), WithLevels("core=debug"),
		WithConsoleWriter(io.Discard), WithOTLPOptions(otlpsink.WithExporter(testkit.NopExporter{})),
		WithMeterProvider(metricProviderFor(b, metrics)), WithInstallDefault(false))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = lb.Shutdown(context.Background()) })
	if rates != "" {
		if err := lb.SetRates(rates); err != nil {
			b.Fatal(err)
		}
	}
	return lb, lb.MustLogger("bench", "core")
}

func logHealth(l *slog.Logger, ctx context.Context) {
	l.LogAttrs(ctx, slog.LevelInfo, "request [bold]served[/bold]", slog.String("a", "x"), slog.Int("b", 1),
		slog.Duration("c", time.Second), slog.Bool("d", true), slog.Float64("e", 1.5))
}

// BenchmarkFanoutHealth measures each of healthCases, 5 attributes with markup, for ns/op and
// allocs/op. Goal: no more allocations than the baseline.
func BenchmarkFanoutHealth(b *testing.B) {
	for _, bc := range healthCases {
		b.Run(bc.name, func(b *testing.B) {
			lb, l := healthLogger(b, bc.metrics, bc.rates)
			ctx := context.Background()
			b.ReportAllocs()
			start := benchutil.Time()
			for b.Loop() {
				logHealth(l, ctx)
			}
			benchutil.ReportSince(b, start)
			b.StopTimer()
			if n := lb.Stats().Suppressed; n != nil {
				b.Fatalf("storm control triggered: %v", n)
			}
		})
	}
}

// BenchmarkFanoutHealthPaired runs healthCases in turns, in chunks of 500 calls, each chunk's
// process CPU time going to the case that ran it, so that all of them run under the same load
// on a shared machine; it reports each case's cpu-ns/op and its ratio to the baseline. Goal:
// within noise of 1.0x (metrics cost nothing on the log call; the storm check a lock and a
// map lookup).
func BenchmarkFanoutHealthPaired(b *testing.B) {
	const chunk = 500
	loggers := make([]*slog.Logger, len(healthCases))
	for i, bc := range healthCases {
		_, loggers[i] = healthLogger(b, bc.metrics, bc.rates)
	}
	ctx := context.Background()
	cpu := make([]time.Duration, len(loggers))
	calls := make([]int, len(loggers))
	b.ResetTimer()
	for n := 0; n < b.N; {
		for i, l := range loggers {
			start := benchutil.Time()
			for range chunk {
				logHealth(l, ctx)
			}
			cpu[i] += benchutil.Time() - start
			calls[i] += chunk
		}
		n += chunk
	}
	b.StopTimer()
	base := float64(cpu[0]) / float64(calls[0])
	for i, bc := range healthCases {
		per := float64(cpu[i]) / float64(calls[i])
		b.ReportMetric(per, bc.name+"-cpu-ns/op")
		if i > 0 {
			b.ReportMetric(per/base, bc.name+"/baseline")
		}
	}
}

// metricProviderFor returns an SDK MeterProvider with a reader collecting every 100 ms
// while the benchmark runs (so that collections overlap the log calls), or a no-op one.
func metricProviderFor(b *testing.B, on bool) metric.MeterProvider {
	if !on {
		return noop.NewMeterProvider()
	}
	reader := sdkmetric.NewManualReader()
	p := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		var rm metricdata.ResourceMetrics
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				_ = reader.Collect(context.Background(), &rm)
			}
		}
	}()
	b.Cleanup(func() {
		close(stop)
		<-done
		_ = p.Shutdown(context.Background())
	})
	return p
}

// BenchmarkStormCheck measures storm control's check alone on a record of a template under
// its rate: the cost storm control adds to each call when it is on.
func BenchmarkStormCheck(b *testing.B) {
	c := testCore(b, "all=debug", jsonSink("json", &buffer{}, slog.LevelDebug, true))
	c.storm.install(config.RateSettings{Default: config.Rate{PerSecond: 1e9, Burst: 1e9}})
	h := mustLogger(b, c, "x", "core").Handler().(*fanout)
	r := slog.NewRecord(time.Now(), slog.LevelInfo, "request [bold]served[/bold]", 0)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if !c.storm.allow(ctx, h, &r) {
			b.Fatal("suppressed")
		}
	}
}
