//go:build !race

// Allocation tests (the race detector allocates, so they build without it only). CI runs them
// in `make test`'s non-race step: go test -count=1 -run Allocs ./...

package otellog

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/logbridge/logbridge/config"
	"github.com/logbridge/logbridge/internal/testkit"
	"github.com/logbridge/logbridge/otlpsink"
	"github.com/logbridge/logbridge/vocab"
)

// TestFanoutAllocs checks the README's allocation figure for the whole fan-out: one call to
// a logger of a bridge with all three sinks (console with color, the file sink on /dev/null,
// OTLP through the pipeline) costs what the OTLP record's overflow array costs with log/slog's
// 5 benchmark attributes (1 allocation), nothing with 3, and nothing when the level rejects it.
func TestFanoutAllocs(t *testing.T) {
	cfg := config.Default()
	cfg.Console.Color = vocab.ColorAlways
	cfg.File.Path = os.DevNull
	ctx := context.Background()
	b, err := Setup(ctx,
		WithCategories("core"),
		WithConfig(cfg),
		WithLevels("core=debug"),
		WithConsoleWriter(io.Discard),
		WithOTLPOptions(otlpsink.WithExporter(testkit.NopExporter{})),
		WithInstallDefault(false),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = b.Shutdown(ctx)
	})
	l := b.MustLogger("bench", "core")
	msg := "Test logging, but use a [bold]somewhat[/] realistic message length."
	errFail := errors.New("fail")
	at := time.Date(2022, time.May, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		log  func()
		max  float64
	}{
		{"3 attributes", func() {
			l.LogAttrs(ctx, slog.LevelInfo, msg, slog.String("string", "7e3b3b2a/78194798"), slog.Int("status", 32768), slog.Duration("duration", 23*time.Second))
		}, 0},
		{"5 attributes", func() {
			l.LogAttrs(ctx, slog.LevelInfo, msg, slog.String("string", "7e3b3b2a/78194798"), slog.Int("status", 32768),
				slog.Duration("duration", 23*time.Second), slog.Time("time", at), slog.Any("error", errFail))
		}, 1},
		{"rejected", func() { l.LogAttrs(ctx, slog.LevelDebug-1, msg, slog.Int("status", 1)) }, 0},
	} {
		tc.log()
		tc.log() // the console's message cache takes the message the second time
		if n := testing.AllocsPerRun(1000, tc.log); n > tc.max {
			t.Errorf("%s: %v allocs per call, want at most %v", tc.name, n, tc.max)
		}
	}
}
