package otlpsink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	sdklog "go.opentelemetry.io/otel/sdk/log"
)

// keepLast is an exporter that keeps a clone of the last record it is given.
type keepLast struct {
	mu   sync.Mutex
	last sdklog.Record
}

func (k *keepLast) Export(_ context.Context, recs []sdklog.Record) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(recs) > 0 {
		k.last = recs[len(recs)-1].Clone()
	}
	return nil
}
func (*keepLast) Shutdown(context.Context) error   { return nil }
func (*keepLast) ForceFlush(context.Context) error { return nil }

type sizeValuer struct{}

func (sizeValuer) LogValue() slog.Value {
	return slog.GroupValue(slog.String("method", "GET"), slog.Group("inner", slog.Int("n", 1)))
}

// TestFastPathSize: the estimated size the fast path hands the processor with each record
// (counted by the converter, groups included) is recordSize's of the record exported, on every
// record shape; higher only where a key repeats.
func TestFastPathSize(t *testing.T) {
	ctx := context.Background()
	exp := &keepLast{}
	p, err := NewPipeline(ctx, WithExporter(exp), WithProcessorOptions(WithScheduleDelay(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Shutdown(ctx) })
	replace := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == "secret" {
			a.Value = slog.StringValue("***")
		}
		return a
	}
	base := NewHandler(p.Provider(), &Options{Level: slog.LevelDebug})
	named := base.WithLogger("size", "core").(*Handler)
	tests := []struct {
		name string
		h    slog.Handler
		log  func(*slog.Logger)
		dup  bool // a key repeats: the estimate may be higher
	}{
		{"plain", named, func(l *slog.Logger) { l.Info("m", "a", 1, "b", "two", "c", true, "d", 1.5, "e", time.Second) }, false},
		{"no category", base, func(l *slog.Logger) { l.Info("m", "a", 1) }, false},
		{"odd level", named, func(l *slog.Logger) { l.Log(ctx, slog.LevelInfo+2, "m", "a", 1) }, false},
		{"group", named, func(l *slog.Logger) { l.Info("m", slog.Group("g", "x", 1, "y", "z")) }, false},
		{"nested groups", named, func(l *slog.Logger) {
			l.Info("m", slog.Group("a", slog.Group("b", "x", 1, "y", "z"), "ok", true))
		}, false},
		{"inline group", named, func(l *slog.Logger) { l.Info("m", slog.Group("", "x", 1), slog.Group("g")) }, false},
		{"LogValuer", named, func(l *slog.Logger) { l.Info("m", "req", sizeValuer{}) }, false},
		{"error", named, func(l *slog.Logger) { l.Error("m", "err", fmt.Errorf("load: %w", errors.New("gone"))) }, false},
		{"joined error", named, func(l *slog.Logger) { l.Error("m", "err", errors.Join(errors.New("a"), errors.New("b"))) }, false},
		{"Go map and struct", named, func(l *slog.Logger) {
			l.Info("m", "m", map[string]int{"a": 1, "b": 2}, "s", struct{ A, B int }{1, 2}, "xs", []string{"p", "q"})
		}, false},
		{"With", named.WithAttrs([]slog.Attr{slog.String("svc", "orders"), slog.Group("build", "v", 3)}),
			func(l *slog.Logger) { l.Info("m", "a", 1) }, false},
		{"WithGroup", named.WithGroup("req").WithAttrs([]slog.Attr{slog.String("id", "r-1")}).WithGroup("inner"),
			func(l *slog.Logger) { l.Info("m", "status", 200, slog.Group("g", "x", 1)) }, false},
		{"WithGroup, empty record", named.WithGroup("req").WithAttrs([]slog.Attr{slog.String("id", "r-1")}).WithGroup("inner"),
			func(l *slog.Logger) { l.Info("m") }, false},
		{"source", NewHandler(p.Provider(), &Options{AddSource: true}), func(l *slog.Logger) { l.Info("m", "a", 1) }, false},
		{"ReplaceAttr", NewHandler(p.Provider(), &Options{ReplaceAttr: replace}), func(l *slog.Logger) {
			l.Info("m", "secret", "hunter2", slog.Group("g", "secret", "x"))
		}, false},
		{"repeated key", named, func(l *slog.Logger) { l.Info("m", "a", "a long first value", "a", 2) }, true},
	}
	proc := named.fast.proc
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proc.mu.Lock()
			before := proc.curBytes
			proc.mu.Unlock()
			tt.log(slog.New(tt.h))
			proc.mu.Lock()
			got := proc.curBytes - before
			proc.mu.Unlock()
			if err := p.ForceFlush(ctx); err != nil {
				t.Fatal(err)
			}
			exp.mu.Lock()
			want := recordSize(&exp.last)
			exp.mu.Unlock()
			if got < want || (!tt.dup && got != want) {
				t.Errorf("estimated %d bytes, recordSize of the record exported %d", got, want)
			}
		})
	}
}
