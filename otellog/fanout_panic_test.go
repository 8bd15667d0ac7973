package otellog

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/logbridge/logbridge/vocab"
)

// enabledPanics panics in Enabled when asked about levels at or above from.
type enabledPanics struct {
	failingHandler
	from slog.Level
}

func (h *enabledPanics) WithAttrs([]slog.Attr) slog.Handler { return h }

func (h *enabledPanics) Enabled(_ context.Context, l slog.Level) bool {
	if l >= h.from {
		panic("enabled boom")
	}
	return true
}

// Several sinks panicking in one record, in Handle or in Enabled, each count one failure; the
// sinks after them still get the record, and Handle returns every error.
func TestPanickingSinks(t *testing.T) {
	var good buffer
	first := &failingHandler{panics: true}
	second := &failingHandler{panics: true}
	third := &enabledPanics{from: slog.LevelWarn}
	c := testCore(t, "all=info",
		&sink{name: "first", handler: first, foreign: true},
		&sink{name: "second", handler: second, foreign: true},
		&sink{name: "third", handler: third, foreign: true},
		jsonSink("good", &good, slog.LevelInfo, true))
	l := mustLogger(t, c, "x", "core")
	err := l.Handler().Handle(context.Background(), slog.NewRecord(time.Now(), slog.LevelWarn, "m0", 0))
	if err == nil || strings.Count(err.Error(), "panicked: boom") != 2 || !strings.Contains(err.Error(), "panicked: enabled boom") {
		t.Errorf("Handle error = %v", err)
	}
	var records []string
	for _, r := range good.records(t) {
		if r[vocab.AttrLogger] != reportLogger {
			records = append(records, r["msg"].(string))
		}
	}
	if strings.Join(records, ",") != "m0" {
		t.Errorf("good sink records = %v", records)
	}
	st := c.sinkStats()
	if st[0].Errors != 1 || st[1].Errors != 1 || st[2].Errors != 1 || st[3].Errors != 0 {
		t.Errorf("stats = %+v", st)
	}
	if first.calls.Load() != 1 || second.calls.Load() != 1 {
		t.Errorf("calls = %d, %d", first.calls.Load(), second.calls.Load())
	}
}
