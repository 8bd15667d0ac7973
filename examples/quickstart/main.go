// Command quickstart shows logbridge's three sinks at work: every record goes to a colored
// console on stderr, to a plain file when DEMO_LOG_FILE is set, and to an OpenTelemetry
// collector (OTLP over http://localhost:4318 unless OTEL_* env vars say otherwise).
//
//	go run ./examples/quickstart
//	DEMO_LOGGING="core=debug,all=warn" DEMO_LOG_FILE=/tmp/q.log go run ./examples/quickstart
//
// With no collector running it still logs to the console and the file, says in one line at
// shutdown how many records stayed local, and exits 0 at once.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/logbridge/logbridge/otellog"
	"github.com/logbridge/logbridge/otlpsink"
)

func main() {
	ctx := context.Background()
	lb, err := otellog.Setup(ctx,
		otellog.WithEnvPrefix("DEMO"),
		otellog.WithCategories("core", "server"),
	)
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
	defer func() {
		// Bounded: a slow collector gets this long. With none there, shutdown returns at once,
		// having said how many records stayed in the console and file.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var undelivered *otlpsink.DeliveryError
		if err := lb.Shutdown(ctx); err != nil && !errors.As(err, &undelivered) {
			fmt.Fprintln(os.Stderr, "quickstart: shutdown:", err)
		}
	}()

	engine := lb.MustLogger("quickstart.engine", "core")
	http := lb.MustLogger("quickstart.http", "server")

	engine.Debug("loaded [bold]model[/bold] weights in [dim]312ms[/dim]", "shards", 4)
	engine.Info("engine [green]ready[/green] on device [cyan]cuda:0[/cyan]", "batch_size", 32, "dtype", "bf16")
	engine.Warn("cache [yellow]80% full[/yellow], evicting oldest entries", "evicted", 128)
	engine.Error("[bold red]inference failed[/] after 3 tries", "error", fmt.Errorf("run step 7: %w", os.ErrDeadlineExceeded))

	// A request handled inside a span: the lines carry its trace id, so a person can jump from
	// a console or file line to the trace in Grafana.
	tp := sdktrace.NewTracerProvider()
	defer func() { _ = tp.Shutdown(context.Background()) }()
	rctx, span := tp.Tracer("quickstart").Start(ctx, "GET /v1/chat")
	http.DebugContext(rctx, "request headers parsed", "content_length", 512)
	http.InfoContext(rctx, "[bold]GET[/bold] /v1/chat -> [green]200[/green]", "duration", 42*time.Millisecond, "client", "10.0.0.7")
	http.WarnContext(rctx, "slow client [italic]downstream[/italic]: waited 1.5s for the body", "user", "[admin] alice")
	http.ErrorContext(rctx, "[red]upstream unavailable[/red]", "error", errors.Join(errors.New("dial tcp 10.0.0.9:443: connection refused"), errors.New("retry budget exhausted")))
	span.End()
}
