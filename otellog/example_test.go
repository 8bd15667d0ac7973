package otellog_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/logbridge/logbridge/config"
	"github.com/logbridge/logbridge/otellog"
)

// This example sends records to a JSON handler of its own (WithSink) instead of the console,
// with OTLP off, to show routing by category and runtime level changes.
func Example() {
	cfg := config.Default()
	cfg.Console.Disabled = true
	cfg.OTLP.Disabled = true
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	lb, err := otellog.Setup(context.Background(),
		otellog.WithConfig(cfg),
		otellog.WithCategories("core", "server"),
		otellog.WithLevels("core=debug,server=warn"),
		otellog.WithSink("json", slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: noTime})),
		otellog.WithInstallDefault(false),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer lb.Shutdown(context.Background())

	core := lb.MustLogger("app.engine", "core")
	server := lb.MustLogger("app.http", "server")
	core.Debug("warming up", "shards", 4)
	server.Info("not shown: server is at warn")
	_ = lb.SetLevels("server=info")
	server.Info("listening", "addr", ":8080")

	_, err = lb.Logger("app.x", "tools")
	fmt.Println(err)
	// Output:
	// {"level":"DEBUG","msg":"warming up","logger":"app.engine","log.category":"core","shards":4}
	// {"level":"INFO","msg":"listening","logger":"app.http","log.category":"server","addr":":8080"}
	// otellog: unknown category "tools" (declared: core, server)
}
