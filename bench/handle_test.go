package bench

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/lmittmann/tint"

	"github.com/logbridge/logbridge/console"
	"github.com/logbridge/logbridge/internal/benchutil"
	"github.com/logbridge/logbridge/vocab"
)

// recordOf returns the record the call f logs with message msg (the case's shapes: log5,
// log10, log40).
func recordOf(f func(*slog.Logger, context.Context, string), msg string) slog.Record {
	var h capturing
	f(slog.New(&h), context.Background(), msg)
	return h.r
}

// capturing keeps the last record it was handed.
type capturing struct {
	enabledHandler
	r slog.Record
}

func (h *capturing) Handle(_ context.Context, r slog.Record) error { h.r = r; return nil }

// BenchmarkTerminalHandle compares the console handler with tint and slog.TextHandler on one
// record of each shape, each calling Handle directly (slog.Logger's own cost, the same for
// all, is left out, where BenchmarkConsole includes it), with slog.DiscardHandler as the
// floor. A diagnostic, not a goal: make bench's BENCH does not match it.
//
//	go test -run '^$' -bench BenchmarkTerminalHandle -cpu 1 -count 10 . | benchstat -col /handler -
//
// The record's message is the same each time, so logbridge renders it once and then takes
// it from its message cache, as it does for any message logged more than once;
// console's BenchmarkMessage (internal) shows the uncached rendering.
func BenchmarkTerminalHandle(b *testing.B) {
	ctx := context.Background()
	handlers := []struct {
		name string
		h    slog.Handler
	}{
		{"logbridge", console.NewHandler(io.Discard, &console.Options{Color: vocab.ColorAlways, Env: colorEnv})},
		{"tint", tint.NewTextHandler(io.Discard, &tint.Options{})},
		{"slogtext", slog.NewTextHandler(io.Discard, nil)},
		{"discard", slog.DiscardHandler},
	}
	for _, hc := range handlers {
		b.Run("handler="+hc.name, func(b *testing.B) {
			for _, c := range calls {
				if c.request {
					continue
				}
				r := recordOf(c.f, markupMessage)
				b.Run("attrs="+c.attrs, func(b *testing.B) {
					b.ReportAllocs()
					cpu := benchutil.StartCPU()
					for b.Loop() {
						if err := hc.h.Handle(ctx, r); err != nil {
							b.Fatal(err)
						}
					}
					cpu.Report(b)
				})
			}
		})
	}
}
