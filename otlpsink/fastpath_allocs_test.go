//go:build !race

// Allocation tests (the race detector allocates, so they build without it only). CI runs them
// in `make test`'s non-race step: go test -count=1 -run Allocs ./...

package otlpsink_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/logbridge/logbridge/internal/testkit"
	"github.com/logbridge/logbridge/otlpsink"
)

// TestFastPathAllocs checks the allocation claim of the package documentation for the fast
// path (a Pipeline's provider): nothing for a record with up to 5 attributes in all (here
// log.level, log.category and 3 of the call's), one allocation, the SDK record's overflow
// array, beyond that (the 5 of log/slog's benchmark, an error among them: 9 in all). Without
// the fast path the SDK's Emit costs 2 and 3 more.
func TestFastPathAllocs(t *testing.T) {
	ctx := context.Background()
	p, err := otlpsink.NewPipeline(ctx, otlpsink.WithExporter(testkit.NopExporter{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Shutdown(ctx) })
	l := slog.New(otlpsink.NewHandler(p.Provider(), &otlpsink.Options{Level: slog.LevelDebug}).WithLogger("bench", "core"))
	for _, tc := range []struct {
		name string
		log  func()
		max  float64
	}{
		{"5 attributes in all", func() {
			l.LogAttrs(ctx, slog.LevelInfo, benchMessage,
				slog.String("string", benchString), slog.Int("status", benchInt), slog.Duration("duration", benchDuration))
		}, 0},
		{"9 attributes in all", func() {
			l.LogAttrs(ctx, slog.LevelInfo, benchMessage,
				slog.String("string", benchString), slog.Int("status", benchInt), slog.Duration("duration", benchDuration),
				slog.Time("time", benchTime), slog.Any("error", errBench))
		}, 1},
	} {
		tc.log()
		// The processor's batches are reused; a flush now and then is amortized over 2048 records.
		if n := testing.AllocsPerRun(1000, tc.log); n > tc.max {
			t.Errorf("%s: %v allocs per record, want at most %v", tc.name, n, tc.max)
		}
	}
}
