// Command loadgen emits log records through logbridge as fast as one goroutine can, shuts
// down, and prints one JSON line of counts on stdout:
//
//	{"emitted":200000,"exported":200000,"dropped":0,"seconds":1.4,"records_per_second":142857,...}
//
// "dropped" counts every record that was not delivered to the collector, whatever the reason
// (queue full, export failed, still queued when the shutdown deadline passed). Records go to
// the OTLP sink configured by the OTEL_* env vars (http://localhost:4318 by default) and the
// DEMO_* env vars as for any logbridge program; the console shows warnings only, so that a
// burst does not flood the terminal (DEMO_LOG_CONSOLE_LEVEL=info shows every record).
//
//	go run ./examples/loadgen -n 200000 -categories core,server -span
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/logbridge/logbridge/config"
	"github.com/logbridge/logbridge/otellog"
)

// recordsPerSpan is how many records share one span with -span.
const recordsPerSpan = 100

// result is the JSON line loadgen prints.
type result struct {
	Emitted          uint64  `json:"emitted"`
	Exported         uint64  `json:"exported"`
	Dropped          uint64  `json:"dropped"`
	Seconds          float64 `json:"seconds"`
	EmitSeconds      float64 `json:"emit_seconds"`
	RecordsPerSecond float64 `json:"records_per_second"`
	DroppedQueueFull uint64  `json:"dropped_queue_full"`
	FailedExport     uint64  `json:"failed_export"`
	FailedShutdown   uint64  `json:"failed_shutdown"`
	OTLP             bool    `json:"otlp"`
	ShutdownError    string  `json:"shutdown_error,omitempty"`
}

func main() {
	n := flag.Int("n", 100000, "records to emit")
	cats := flag.String("categories", "core", "comma-separated categories to spread the records over")
	withSpans := flag.Bool("span", false, fmt.Sprintf("emit inside spans of a real SDK TracerProvider, %d records a span", recordsPerSpan))
	timeout := flag.Duration("shutdown-timeout", 30*time.Second, "how long Shutdown may take to deliver what is queued")
	flag.Parse()
	if err := run(*n, strings.Split(*cats, ","), *withSpans, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func run(n int, categories []string, withSpans bool, timeout time.Duration) error {
	defaults := config.Default()
	defaults.Console.Level = slog.LevelWarn
	lb, err := otellog.Setup(context.Background(),
		otellog.WithEnvPrefix("DEMO"),
		otellog.WithCategories(categories...),
		otellog.WithConfig(defaults),
		otellog.WithLevels("all=info"),
	)
	if err != nil {
		return err
	}
	loggers := make([]*slog.Logger, len(categories))
	for i, c := range categories {
		if loggers[i], err = lb.Logger("loadgen."+c, c); err != nil {
			return err
		}
	}
	tp := sdktrace.NewTracerProvider()
	tracer := tp.Tracer("loadgen")

	start := time.Now()
	ctx := context.Background()
	var span trace.Span
	for i := range n {
		if withSpans && i%recordsPerSpan == 0 {
			if span != nil {
				span.End()
			}
			ctx, span = tracer.Start(context.Background(), "batch")
		}
		loggers[i%len(loggers)].LogAttrs(ctx, slog.LevelInfo, "load record",
			slog.Int("seq", i),
			slog.Int("batch", i/recordsPerSpan),
			slog.String("user", "user-42"),
			slog.Duration("latency", time.Duration(i%1000)*time.Microsecond),
			slog.Bool("cache_hit", i%3 == 0),
		)
	}
	if span != nil {
		span.End()
	}
	emitted := time.Since(start)

	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	shutErr := lb.Shutdown(sctx)
	_ = tp.Shutdown(context.Background())
	total := time.Since(start)

	st := lb.Stats().OTLP
	res := result{
		Emitted:          uint64(n),
		Exported:         st.Exported,
		Dropped:          uint64(n) - min(st.Exported, uint64(n)),
		Seconds:          total.Seconds(),
		EmitSeconds:      emitted.Seconds(),
		RecordsPerSecond: float64(st.Exported) / total.Seconds(),
		DroppedQueueFull: st.DroppedQueueFull,
		FailedExport:     st.FailedExport + st.FailedRejected,
		FailedShutdown:   st.FailedShutdown + st.DroppedShutdown,
		OTLP:             st.Emitted > 0,
	}
	if shutErr != nil {
		res.ShutdownError = shutErr.Error()
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}
