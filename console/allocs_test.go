package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/logbridge/logbridge/vocab"
)

type allocEvent struct {
	ID    string
	Index int
	Flag  bool
}

// TestHandleAllocs checks that writing a record allocates nothing for the usual values,
// with color on and off, wrapping or not, through WithAttrs and WithGroup, once its message
// is in the cache. (Allocation counts are exact; this is not a timing test.)
func TestHandleAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	attrs := []slog.Attr{
		slog.String("string", "7e3b3b2aaeff56a7108fe11e154200dd/7819479873059528190"),
		slog.Int("status", 32768),
		slog.Duration("duration", 23*time.Second),
		slog.Time("time", time.Date(2022, time.May, 1, 0, 0, 0, 0, time.UTC)),
		slog.Any("error", errors.New("fail")),
		slog.Any("event", allocEvent{"abcdefgh", 65536, true}),
		slog.Bool("ok", true),
		slog.Float64("f", 1.5),
		slog.Any("wrapped", fmt.Errorf("w: %w", io.EOF)),
		slog.Group("g", slog.String("a", "b c"), slog.Uint64("u", 7)),
	}
	for _, opts := range []*Options{
		{Env: noColorEnv},
		{Color: vocab.ColorAlways, Env: colorEnv},
		{Color: vocab.ColorAlways, Env: colorEnv, Width: 60},
	} {
		h := NewHandler(io.Discard, opts).WithLogger("app.db", "core").WithAttrs([]slog.Attr{slog.Int("pre", 1)}).WithGroup("grp")
		r := slog.NewRecord(time.Now(), slog.LevelInfo, "Test logging, but use a [bold]somewhat[/] realistic message length.", 0)
		r.AddAttrs(attrs...)
		ctx := context.Background()
		_ = h.Handle(ctx, r)
		_ = h.Handle(ctx, r) // the message is cached the second time it is seen
		if n := testing.AllocsPerRun(100, func() { _ = h.Handle(ctx, r) }); n != 0 {
			t.Errorf("color=%v width=%d: %v allocs per record", opts.Color, opts.Width, n)
		}
	}
}
