package console_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/lmittmann/tint"

	"github.com/logbridge/logbridge/console"
	"github.com/logbridge/logbridge/internal/benchutil"
	"github.com/logbridge/logbridge/vocab"
)

// The cases of log/slog's internal benchmarks (log/slog/internal/benchmarks), with Rich
// markup in the message. Every handler gets the same record, built once, and writes to
// io.Discard with color on (logbridge with a fixed truecolor profile, tint with its fixed
// 16 colors) - slog.TextHandler has no color.
const benchMessage = "Test logging, but use a [bold]somewhat[/] realistic message length."

type benchEvent struct {
	ID    string
	Index int
	Flag  bool
}

var (
	benchTime     = time.Date(2022, time.May, 1, 0, 0, 0, 0, time.UTC)
	benchString   = "7e3b3b2aaeff56a7108fe11e154200dd/7819479873059528190"
	benchInt      = 32768
	benchDuration = 23 * time.Second
	errBench      = errors.New("fail")
	benchEv       = benchEvent{"abcdefgh", 65536, true}
)

func benchAttrs(n int) []slog.Attr {
	five := []slog.Attr{
		slog.String("string", benchString),
		slog.Int("status", benchInt),
		slog.Duration("duration", benchDuration),
		slog.Time("time", benchTime),
		slog.Any("error", errBench),
	}
	alt := []slog.Attr{
		slog.String("string", benchString),
		slog.Int("status", benchInt),
		slog.Duration("duration", benchDuration),
		slog.Time("time", benchTime),
		slog.Any("event", benchEv),
	}
	switch n {
	case 5:
		return five
	case 10:
		return append(alt[:len(alt):len(alt)], alt...)
	}
	as := append([]slog.Attr(nil), five...)
	for len(as) < n {
		as = append(as, alt...)
	}
	return as
}

// BenchmarkConsole compares the console handler with tint and slog.TextHandler on one
// record, each calling Handle directly (slog.Logger's own cost, the same for all, is left
// out), with slog.DiscardHandler as the floor:
//
//	go test -run '^$' -bench BenchmarkConsole -cpu 1 -count 10 ./console/ | benchstat -col /handler -
//
// On a shared machine, compare cpu-ns/op (the process's CPU time per record) rather than
// ns/op. The record's message is the same each time, so logbridge renders it once and then
// takes it from its message cache, as it does for any message logged more than once;
// BenchmarkMessage (internal) shows the uncached rendering.
func BenchmarkConsole(b *testing.B) {
	ctx := context.Background()
	handlers := []struct {
		name string
		h    slog.Handler
	}{
		{"logbridge", console.NewHandler(io.Discard, &console.Options{
			Color: vocab.ColorAlways,
			Env:   []string{"TERM=xterm-256color", "COLORTERM=truecolor"},
		})},
		{"tint", tint.NewTextHandler(io.Discard, &tint.Options{})},
		{"slogtext", slog.NewTextHandler(io.Discard, nil)},
		{"discard", slog.DiscardHandler},
	}
	for _, hc := range handlers {
		b.Run(hc.name, func(b *testing.B) {
			for _, n := range []int{5, 10, 40} {
				r := slog.NewRecord(time.Now(), slog.LevelInfo, benchMessage, 0)
				r.AddAttrs(benchAttrs(n)...)
				b.Run(itoa(n)+"attrs", func(b *testing.B) {
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

func itoa(n int) string {
	switch n {
	case 5:
		return "5"
	case 10:
		return "10"
	}
	return "40"
}
