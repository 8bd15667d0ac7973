package otellog_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/logbridge/logbridge/config"
	"github.com/logbridge/logbridge/otellog"
)

// exampleSink is a JSON sink on stdout without the variable parts (time, duration).
func exampleSink() otellog.Option {
	drop := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey || a.Key == "suppressed_for" {
			return slog.Attr{}
		}
		return a
	}
	return otellog.WithSink("json", slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: drop}))
}

// A storm of identical errors with a rate of 1 record per second after a burst of 2: two
// pass, the rest are counted and summed up (here at Shutdown).
func ExampleBridge_SetRates() {
	cfg := config.Default()
	cfg.Console.Disabled, cfg.OTLP.Disabled = true, true
	lb, err := otellog.Setup(context.Background(), otellog.WithConfig(cfg), otellog.WithCategories("core"),
		exampleSink(), otellog.WithInstallDefault(false))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := lb.SetRates("core=1/s:2"); err != nil {
		fmt.Println(err)
	}
	log := lb.MustLogger("db", "core")
	for range 1000 {
		log.Error("connection refused")
	}
	log.Error("disk nearly full") // another template: not held back
	fmt.Println(lb.Stats().Suppressed)
	_ = lb.Shutdown(context.Background())
	// Output:
	// {"level":"ERROR","msg":"connection refused","logger":"db","log.category":"core"}
	// {"level":"ERROR","msg":"connection refused","logger":"db","log.category":"core"}
	// {"level":"ERROR","msg":"disk nearly full","logger":"db","log.category":"core"}
	// map[core:998]
	// {"level":"ERROR","msg":"suppressed 998 records like: connection refused","logger":"db","log.category":"core","suppressed":998,"rate_limit":"1/s:2"}
}

// The pipeline's metrics, read here by a manual reader: records held back by storm control.
func ExampleWithMeterProvider() {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	cfg := config.Default()
	cfg.Console.Disabled, cfg.OTLP.Disabled = true, true
	cfg.Rates, _ = config.ParseRates("core=1/s:1", "example")
	lb, err := otellog.Setup(context.Background(), otellog.WithConfig(cfg), otellog.WithCategories("core"),
		otellog.WithSink("discard", slog.NewTextHandler(io.Discard, nil)), otellog.WithMeterProvider(mp), otellog.WithInstallDefault(false))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lb.Shutdown(context.Background())
	for range 10 {
		lb.MustLogger("db", "core").Error("connection refused")
	}

	var rm metricdata.ResourceMetrics
	_ = reader.Collect(context.Background(), &rm)
	for _, m := range rm.ScopeMetrics[0].Metrics {
		for _, p := range m.Data.(metricdata.Sum[int64]).DataPoints {
			for _, kv := range p.Attributes.ToSlice() {
				fmt.Printf("%s{%s=%s} %d\n", m.Name, kv.Key, kv.Value.String(), p.Value)
			}
		}
	}
	// Output:
	// logbridge.sink.write.failures{logbridge.sink=discard} 0
	// logbridge.sink.dropped{logbridge.sink=discard} 0
	// logbridge.log.suppressed{log.category=core} 9
}
